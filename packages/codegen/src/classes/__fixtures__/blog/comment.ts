import { type BelongsTo, Entity, entity, field, id, rel } from '@parquetframe/runtime'
import { Post } from './post.js'
import { User } from './user.js'

/** A reader's reply to a post. */
@entity({ storage: 'comments' })
export class Comment extends Entity {
  @id({ default: { kind: 'uuid' } }) id!: string
  @field() postId!: bigint
  @field('int') authorId!: number
  @rel(() => Post, { foreignKey: 'postId' }) post!: BelongsTo<Post>
  @rel(() => User, { foreignKey: 'authorId' }) author!: BelongsTo<User>
  @field() text!: string
  @field('int', { default: 0 }) likes!: number
  @field({ default: { kind: 'now' } }) createdAt!: Date
}
