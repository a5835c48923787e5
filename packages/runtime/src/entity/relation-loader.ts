import { QueryError } from './entity-errors.js'
import { type EntityClass, entryOf, type RegisteredEntity, type ResolvedRelation } from './entity-registry.js'
import { setLoadedRelation, storeOf } from './entity-state.js'
import { defaultStore, type EntityStore } from './entity-store.js'
import type { IncludeInput, IncludeQuery, RelationQuery } from './query-types.js'
import { keyOf, type Repository } from './repository.js'

type Row = Record<string, unknown>
type AnyQuery = RelationQuery<object> & IncludeQuery<object>

function and(a: object, b: unknown): object {
  return b === undefined ? a : { AND: [a, b] }
}

/** The registry entry of an entity instance's class. */
function entityEntry(entity: object): RegisteredEntity {
  const ctor = (entity as { constructor?: unknown }).constructor
  if (typeof ctor !== 'function') throw new QueryError('not an entity: the object has no class')
  return entryOf(ctor as EntityClass)
}

function fieldValue(entity: object, field: string, where: string): unknown {
  const value = (entity as Row)[field]
  if (value === undefined) {
    throw new QueryError(
      `${where}: the entity has no value for '${field}' (was it loaded with a select that omits it?)`,
    )
  }
  return value
}

/**
 * Loads relation `name` of one entity: `post.author()` → entity or null (null for an orphan key), `user.posts()`
 * → list ([] when none). Always queries (an `include`d relation is a property instead of the accessor).
 */
export async function loadRelation(
  entity: object,
  name: string,
  query?: RelationQuery<object>,
  repository?: Repository<object>,
): Promise<unknown> {
  const store = repository?.store ?? storeOf(entity) ?? defaultStore()
  const entry = repository?.entry ?? entityEntry(entity)
  const resolved = entry.registry.relation(entry, name)
  const where = `${entry.ir.name}.${name}`
  const target = store.repositoryOf(resolved.target)
  const q: AnyQuery = query ?? {}
  if (resolved.through) {
    const through = resolved.through
    const key = fieldValue(entity, resolved.references, where)
    if (key === null) return []
    const links = (await store.repositoryOf(through.join).findBy({ [through.sourceKey]: key })) as Row[]
    const targetKeys = [...new Set(links.map((l) => l[through.targetKey]).filter((v) => v !== null))]
    if (targetKeys.length === 0) return []
    return target.findMany(
      windowed(q, and({ [resolved.target.primaryKey.name]: { in: targetKeys } }, q.where)),
    )
  }
  if (resolved.relation.kind === 'one') {
    const fk = fieldValue(entity, resolved.relation.foreignKey, where)
    if (fk === null) return null
    if (q.where === undefined && resolved.references === resolved.target.primaryKey.name) {
      return target.find(fk as never)
    }
    const [first] = await target.findMany({ where: and({ [resolved.references]: fk }, q.where), limit: 1 })
    return first ?? null
  }
  const key = fieldValue(entity, resolved.references, where)
  if (key === null) return []
  return target.findMany(windowed(q, and({ [resolved.relation.foreignKey]: key }, q.where)))
}

function windowed(q: AnyQuery, where: object): AnyQuery {
  return {
    where,
    ...(q.orderBy !== undefined ? { orderBy: q.orderBy } : {}),
    ...(q.limit !== undefined ? { limit: q.limit } : {}),
    ...(q.offset !== undefined ? { offset: q.offset } : {}),
  }
}

/**
 * Loads relations for all parents at once: ONE query per relation (two for many-to-many: the join entity, then
 * the targets), whatever the number of parents; nested `include`s load the same way, level by level. Each parent
 * gets the loaded value as an own property named after the relation (`user.posts` is the `Post[]`).
 */
export async function includeRelations(
  repository: Repository<object>,
  parents: readonly object[],
  include: IncludeInput<object>,
): Promise<void> {
  checkInclude(repository.entry, include)
  if (parents.length === 0) return
  const { store, entry } = repository
  for (const [name, spec] of Object.entries(include as Record<string, unknown>)) {
    if (spec === undefined || spec === false) continue
    const q: AnyQuery = spec === true ? {} : (spec as AnyQuery)
    const resolved = entry.registry.relation(entry, name)
    await includeOne(store, resolved, parents, q)
  }
}

/**
 * Checks every relation name of an `include` tree (nested ones against their target) before any row is read, so a
 * typo fails the same way whether or not rows exist.
 */
export function checkInclude(entry: RegisteredEntity, include: unknown): void {
  if (include === undefined) return
  if (include === null || typeof include !== 'object' || Array.isArray(include)) {
    throw new QueryError(
      `${entry.ir.name}: include must be an object of relation names, got ${String(include)}`,
    )
  }
  for (const [name, spec] of Object.entries(include)) {
    if (spec === undefined || spec === false) continue
    if (!entry.ir.relations.some((r) => r.name === name)) {
      throw QueryError.unknownInclude(
        entry.ir.name,
        name,
        entry.ir.relations.map((r) => r.name),
      )
    }
    if (spec === true) continue
    if (spec === null || typeof spec !== 'object') {
      throw new QueryError(
        `${entry.ir.name}.${name}: include takes true, false or a query object, got ${String(spec)}`,
      )
    }
    const nested = (spec as { include?: unknown }).include
    if (nested !== undefined) checkInclude(entry.registry.relation(entry, name).target, nested)
  }
}

function childQuery(q: AnyQuery, where: object): AnyQuery {
  return {
    where: and(where, q.where),
    ...(q.orderBy !== undefined ? { orderBy: q.orderBy } : {}),
    ...(q.include !== undefined ? { include: q.include } : {}),
  }
}

function distinctKeys(parents: readonly object[], field: string, where: string): unknown[] {
  const seen = new Map<unknown, unknown>()
  for (const p of parents) {
    const v = fieldValue(p, field, where)
    if (v !== null) seen.set(keyOf(v), v)
  }
  return [...seen.values()]
}

async function includeOne(
  store: EntityStore,
  resolved: ResolvedRelation,
  parents: readonly object[],
  q: AnyQuery,
): Promise<void> {
  const name = resolved.relation.name
  const where = `${resolved.source.ir.name}.${name}`
  const target = store.repositoryOf(resolved.target)
  const limit = q.limit ?? Number.POSITIVE_INFINITY

  if (resolved.through) {
    const through = resolved.through
    const keys = distinctKeys(parents, resolved.references, where)
    const links = keys.length
      ? ((await store.repositoryOf(through.join).findBy({ [through.sourceKey]: { in: keys } })) as Row[])
      : []
    const targetKeys = [...new Set(links.map((l) => l[through.targetKey]).filter((v) => v !== null))]
    const pkName = resolved.target.primaryKey.name
    const children = targetKeys.length
      ? ((await target.findMany(childQuery(q, { [pkName]: { in: targetKeys } }))) as Row[])
      : []
    const position = new Map(children.map((c, i) => [keyOf(c[pkName]), i]))
    const linked = new Map<unknown, number[]>()
    for (const l of links) {
      const at = position.get(keyOf(l[through.targetKey]))
      if (at === undefined) continue
      const k = keyOf(l[through.sourceKey])
      linked.set(k, [...(linked.get(k) ?? []), at])
    }
    for (const p of parents) {
      const at = linked.get(keyOf((p as Row)[resolved.references])) ?? []
      const list = [...new Set(at)]
        .sort((a, b) => a - b)
        .slice(0, limit)
        .map((i) => children[i])
      setLoadedRelation(p, name, list)
    }
    return
  }

  if (resolved.relation.kind === 'one') {
    const fk = resolved.relation.foreignKey
    const keys = distinctKeys(parents, fk, where)
    const children = keys.length
      ? ((await target.findMany(childQuery(q, { [resolved.references]: { in: keys } }))) as Row[])
      : []
    const byKey = new Map<unknown, Row>()
    for (const c of children) {
      const k = keyOf(c[resolved.references])
      if (!byKey.has(k)) byKey.set(k, c)
    }
    for (const p of parents) {
      const v = (p as Row)[fk]
      setLoadedRelation(p, name, v === null ? null : (byKey.get(keyOf(v)) ?? null))
    }
    return
  }

  const fk = resolved.relation.foreignKey
  const keys = distinctKeys(parents, resolved.references, where)
  const children = keys.length
    ? ((await target.findMany(childQuery(q, { [fk]: { in: keys } }))) as Row[])
    : []
  const groups = new Map<unknown, Row[]>()
  for (const c of children) {
    const k = keyOf(c[fk])
    const list = groups.get(k)
    if (list) {
      if (list.length < limit) list.push(c)
    } else groups.set(k, limit > 0 ? [c] : [])
  }
  for (const p of parents) {
    const v = (p as Row)[resolved.references]
    setLoadedRelation(p, name, v === null ? [] : (groups.get(keyOf(v)) ?? []))
  }
}
