import type { RelationQuery } from './query-types.js'
import { loadRelation } from './relation-loader.js'

/** The method behind `user.posts(query?)`: loads the relation of `this` entity. */
export function relationAccessor(
  name: string,
): (this: object, query?: RelationQuery<object>) => Promise<unknown> {
  return function related(this: object, query?: RelationQuery<object>) {
    return loadRelation(this, name, query)
  }
}
