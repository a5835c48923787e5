import { Entity, entity, type HasMany, id, rel, unique } from '@parquetframe/runtime'
import type { PostTag } from './post-tag.js'

/** A label posts can carry. */
@entity({ storage: 'tags' })
export class Tag extends Entity {
  @id('int') id!: number
  @unique('string') name!: string
  @rel('PostTag', { foreignKey: 'tagId', reverse: true }) posts!: HasMany<PostTag>
}
