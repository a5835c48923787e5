// The blog's entities, declared as decorated classes: importing this module registers them with the runtime.
export { Comment } from './comment.js'
export { POST_STATUSES, type PostStatus, ROLES, type Role } from './enums.js'
export { Post } from './post.js'
export { PostTag } from './post-tag.js'
export { Tag } from './tag.js'
export { User } from './user.js'
