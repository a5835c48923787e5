import { type BelongsTo, CREATE_INPUT, Entity, entity, field, id, rel } from '@parquetframe/runtime'
import type { CreateInputOf } from './create-input.js'
import { Post } from './post.js'
import { User } from './user.js'

/** A reader's reply to a post. */
@entity({ storage: 'comments' })
export class Comment extends Entity {
  @id({ type: 'string', default: { kind: 'uuid' } }) id!: string
  @field('bigint') postId!: bigint
  @field('int') authorId!: number
  @rel(() => Post, { foreignKey: 'postId' }) post!: BelongsTo<Post>
  @rel(() => User, { foreignKey: 'authorId' }) author!: BelongsTo<User>
  @field('string') text!: string
  @field({ type: 'int', default: 0 }) likes!: number
  @field({ type: 'datetime', default: { kind: 'now' } }) createdAt!: Date

  declare readonly [CREATE_INPUT]?: CreateInputOf<Comment, 'id' | 'likes' | 'createdAt'>
}
