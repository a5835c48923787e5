// Compiled by classes.test.ts (tsc -p examples/classes), never run: what the types refuse, for the decorated
// classes and for the code generated from them. Each @ts-expect-error must meet an error, or tsc fails.
import * as generated from './generated/index.js'
import * as models from './models/index.js'

export function decoratedClasses(): void {
  // @ts-expect-error: no field `nme` on User
  void models.User.findMany({ where: { nme: 'Alice' } })
  // @ts-expect-error: age is a number
  void models.User.findBy({ age: 'old' })
  // @ts-expect-error: no relation `tags` on User
  void models.User.findMany({ include: { tags: true } })
  // @ts-expect-error: email is required (name is given)
  void models.User.create({ name: 'Eve' })
}

export function generatedClasses(): void {
  // @ts-expect-error: no field `nme` on User
  void generated.User.findMany({ where: { nme: 'Alice' } })
  // @ts-expect-error: status is a PostStatus
  void generated.Post.findBy({ status: 'LIVE' })
  // @ts-expect-error: no relation `author` on User
  void generated.User.findMany({ include: { author: true } })
  // @ts-expect-error: title is required
  void generated.Post.create({ id: 99n, authorId: 1, body: 'b' })
  // @ts-expect-error: the where type of Post does not take User fields
  const where: generated.PostWhere = { email: 'x' }
  void where
}
