import { type BelongsTo, Entity, entity, field, type HasMany, id, index, rel } from '@parquetframe/runtime'
import { Comment } from './comment.js'
import type { PostStatus } from './enums.js'
import { PostTag } from './post-tag.js'
import { User } from './user.js'

/** An article. Stored as Avro and partitioned by status. */
@entity({ storage: 'posts', format: 'avro', partitionBy: ['status'], indexes: [['authorId', 'createdAt']] })
export class Post extends Entity {
  @id() id!: bigint
  @index('int') authorId!: number
  /** The user who wrote it. */
  @rel(() => User, { foreignKey: 'authorId' }) author!: BelongsTo<User>
  @field() title!: string
  @field({ column: 'body_text' }) body!: string
  @field({ default: 'DRAFT' }) status!: PostStatus
  @field('decimal') rating!: string | null
  @field('date') publishedOn?: string
  @field({ default: { kind: 'now' } }) createdAt!: Date
  @rel(() => Comment, { foreignKey: 'postId', reverse: true }) comments!: HasMany<Comment>
  @rel(() => PostTag, { foreignKey: 'postId', reverse: true }) tags!: HasMany<PostTag>
}
