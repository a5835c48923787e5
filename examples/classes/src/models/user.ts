import {
  CREATE_INPUT,
  Entity,
  entity,
  enumOf,
  field,
  type HasMany,
  id,
  index,
  rel,
  unique,
} from '@parquetframe/runtime'
import { Comment } from './comment.js'
import type { CreateInputOf } from './create-input.js'
import { ROLES, type Role } from './enums.js'
import { Post } from './post.js'

/** Someone with an account. */
@entity({ storage: 'users' })
export class User extends Entity {
  @id({ type: 'int', default: { kind: 'autoincrement' } }) id!: number
  /** Shown next to posts and comments. */
  @index('string') name!: string
  @unique('string') email!: string
  @field(enumOf('Role', ROLES), { default: 'MEMBER' }) role!: Role
  @field('int?') age!: number | null
  @field({ type: 'datetime', default: { kind: 'now' } }) createdAt!: Date
  /** Posts this user wrote. */
  @rel(() => Post, { foreignKey: 'authorId', reverse: true }) posts!: HasMany<Post>
  @rel(() => Comment, { foreignKey: 'authorId', reverse: true }) comments!: HasMany<Comment>

  declare readonly [CREATE_INPUT]?: CreateInputOf<User, 'id' | 'role' | 'age' | 'createdAt'>
}
