/** What a user may do. */
export type Role = 'ADMIN' | 'EDITOR' | 'MEMBER'

/** Where a post is in its life. */
export type PostStatus = 'DRAFT' | 'PUBLISHED' | 'ARCHIVED'
