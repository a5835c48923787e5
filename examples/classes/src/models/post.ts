import {
  type BelongsTo,
  CREATE_INPUT,
  Entity,
  entity,
  enumOf,
  field,
  type HasMany,
  id,
  index,
  rel,
} from '@parquetframe/runtime'
import { Comment } from './comment.js'
import type { CreateInputOf } from './create-input.js'
import { POST_STATUSES, type PostStatus } from './enums.js'
import { PostTag } from './post-tag.js'
import { User } from './user.js'

/** An article. Stored as Avro and partitioned by status. */
@entity({ storage: 'posts', format: 'avro', partitionBy: ['status'], indexes: [['authorId', 'createdAt']] })
export class Post extends Entity {
  @id('bigint') id!: bigint
  @index('int') authorId!: number
  /** The user who wrote it. */
  @rel(() => User, { foreignKey: 'authorId' }) author!: BelongsTo<User>
  @field('string') title!: string
  @field({ type: 'string', column: 'body_text' }) body!: string
  @field(enumOf('PostStatus', POST_STATUSES), { default: 'DRAFT' }) status!: PostStatus
  @field('decimal?') rating!: string | null
  @field('date?') publishedOn!: string | null
  @field({ type: 'datetime', default: { kind: 'now' } }) createdAt!: Date
  @rel(() => Comment, { foreignKey: 'postId', reverse: true }) comments!: HasMany<Comment>
  @rel(() => PostTag, { foreignKey: 'postId', reverse: true }) tags!: HasMany<PostTag>

  declare readonly [CREATE_INPUT]?: CreateInputOf<Post, 'status' | 'rating' | 'publishedOn' | 'createdAt'>
}
