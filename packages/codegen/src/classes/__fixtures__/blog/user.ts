// The blog of schema/samples/blog.pfschema, declared as classes (the class-first front-end reads these files).
import { Entity, entity, field, type HasMany, id, index, rel, unique } from '@parquetframe/runtime'
import { Comment } from './comment.js'
import type { Role } from './enums.js'
import { Post } from './post.js'

/** Someone with an account. */
@entity({ storage: 'users' })
export class User extends Entity {
  @id({ default: { kind: 'autoincrement' } }) id!: number
  /** Shown next to posts and comments. */
  @index() name!: string
  @unique() email!: string
  @field({ default: 'MEMBER' }) role!: Role
  @field('int') age?: number | null
  @field({ default: { kind: 'now' } }) createdAt!: Date
  /** Posts this user wrote. */
  @rel(() => Post, { foreignKey: 'authorId', reverse: true }) posts!: HasMany<Post>
  @rel(() => Comment, { foreignKey: 'authorId', reverse: true }) comments!: HasMany<Comment>
}
