/** A small class-first project: two decorated entities in two files, a one-to-many relation, an enum as a union. */
export const CLASS_FILES: Record<string, string> = {
  'src/models/user.ts': `import { Entity, entity, field, type HasMany, id, rel, unique } from '@parquetframe/runtime'
import { Post } from './post.js'

export type Role = 'ADMIN' | 'MEMBER'

/** Someone with an account. */
@entity({ storage: 'users' })
export class User extends Entity {
  @id('int') id!: number
  @unique('string') email!: string
  @field({ type: 'string', default: 'MEMBER' }) role!: Role
  @rel(() => Post, { foreignKey: 'authorId', reverse: true }) posts!: HasMany<Post>
}
`,
  'src/models/post.ts': `import { type BelongsTo, Entity, entity, field, id, rel } from '@parquetframe/runtime'
import { User } from './user.js'

@entity({ storage: 'posts' })
export class Post extends Entity {
  @id('bigint') id!: bigint
  @field('int') authorId!: number
  @rel(() => User, { foreignKey: 'authorId' }) author!: BelongsTo<User>
  @field('string') title!: string
}
`,
}

/** A class with one mistake: a field type the front-end cannot map. */
export const BROKEN_TAG_CLASS = `import { Entity, entity, field, id } from '@parquetframe/runtime'

@entity()
export class Tag extends Entity {
  @id('int') id!: number
  @field() names!: Map<string, number>
}
`
