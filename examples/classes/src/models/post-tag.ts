import { type BelongsTo, CREATE_INPUT, Entity, entity, field, id, rel } from '@parquetframe/runtime'
import type { CreateInputOf } from './create-input.js'
import { Post } from './post.js'
import { Tag } from './tag.js'

/** Join entity: which post carries which tag (many-to-many through two one-to-many relations). */
@entity({ storage: 'post_tags', uniques: [['postId', 'tagId']] })
export class PostTag extends Entity {
  @id({ type: 'int', default: { kind: 'autoincrement' } }) id!: number
  @field('bigint') postId!: bigint
  @field('int') tagId!: number
  @rel(() => Post, { foreignKey: 'postId' }) post!: BelongsTo<Post>
  @rel(() => Tag, { foreignKey: 'tagId' }) tag!: BelongsTo<Tag>
  @field({ type: 'datetime', default: { kind: 'now' } }) addedAt!: Date

  declare readonly [CREATE_INPUT]?: CreateInputOf<PostTag, 'id' | 'addedAt'>
}
