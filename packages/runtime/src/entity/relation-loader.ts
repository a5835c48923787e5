import type { RelationQuery } from './query-types.js'

/** Loads relation `name` of an entity. */
export async function loadRelation(
  entity: object,
  name: string,
  query?: RelationQuery<object>,
): Promise<unknown> {
  throw new Error(`not implemented: ${String(entity)} ${name} ${String(query)}`)
}
