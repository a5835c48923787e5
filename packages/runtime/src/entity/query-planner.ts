import pl from 'nodejs-polars'
import type { FieldIR } from '../schema/schema-ir.js'
import type { IndexGroup } from '../secondary-index/index-group.js'
import type { Key } from '../table/key-codec.js'
import type { ColumnPredicate, PredicateValue } from '../table/scan-predicate.js'
import { decimalSortKeys } from './decimal-compare.js'
import { QueryError } from './entity-errors.js'
import { checkValue, compileWhere, type WhereContext } from './where-compiler.js'

/** At most this many `in` values are handed to the table for file pruning (its row filter is an OR chain). */
const MAX_PRUNING_VALUES = 32
/** An index is used for at most this many probed values (a composite group probes every combination). */
const MAX_PROBE_VALUES = 4096

/** An index lookup a where clause allows: the group, the encoded values that may match, whether that is all it asks. */
export interface IndexProbe {
  readonly group: IndexGroup
  /** Encoded values (tuples, for a composite group) a matching row holds one of; empty: nothing matches. */
  readonly values: readonly string[]
  /** True when the where clause is exactly this lookup (no other condition): counts need no data read. */
  readonly covers: boolean
}

/** Which way a query reads: an index (the files holding matches, the matched live rows) or a scan of the live files. */
export type QueryPath =
  | {
      readonly path: 'index'
      readonly index: string
      readonly files: number
      readonly rows: number
      /**
       * `rows`: the where clause is exactly the lookup, so only the matched rows are fetched (an unsorted find) or
       * counted; `frame`: the matched rows go through a frame that applies the other conditions.
       */
      readonly fetch: 'rows' | 'frame'
      /** Whether every file holding matches is decoded in memory now (else a read decodes it whole, once). */
      readonly decoded: boolean
    }
  | { readonly path: 'scan'; readonly files: number }

/** A query planned against one entity: what the table prunes by, the row filter, the sort, the columns. */
export interface QueryPlan {
  /** Simple conditions of the top-level AND, for pruning files by statistics. */
  readonly prune: ColumnPredicate[]
  readonly filter: pl.Expr | undefined
  /** Sort keys, first to last: column names, or expressions (a Decimal sorts by its numeric keys). */
  readonly sort: { readonly by: (string | pl.Expr)[]; readonly descending: boolean[] } | undefined
  /** Columns to load (undefined: all). */
  readonly columns: string[] | undefined
  /** Fields to materialise. */
  readonly fields: readonly FieldIR[]
  /** The index lookup that finds the candidate rows, when the where clause allows one. */
  readonly probe: IndexProbe | undefined
}

/** The parts of a query the planner reads. */
export interface PlannableQuery {
  readonly where?: unknown
  readonly orderBy?: unknown
  readonly select?: unknown
}

/**
 * Plans where / orderBy / select, and the index lookup among `indexes` the where clause allows; throws QueryError
 * naming `Entity.field` for unknown fields or bad values.
 */
export function planQuery(
  ctx: WhereContext,
  primaryKey: FieldIR,
  query: PlannableQuery,
  indexes: readonly IndexGroup[] = [],
): QueryPlan {
  const probe = planProbe(ctx, query.where, indexes)
  if (!probe?.covers) {
    const filter = compileWhere(ctx, query.where)
    return {
      prune: filter ? prunePredicates(ctx, query.where) : [],
      filter,
      sort: planOrderBy(ctx, query.orderBy),
      ...planSelect(ctx, primaryKey, query.select),
      probe: filter ? probe : undefined,
    }
  }
  // Exactly an index lookup: its values are checked as compileWhere checks them, and its polars expression (about a
  // millisecond per expression object in nodejs-polars 0.24) is built only if a read needs it.
  checkLookup(ctx, query.where as Record<string, unknown>)
  let filter: pl.Expr | undefined
  return {
    prune: prunePredicates(ctx, query.where),
    get filter() {
      filter ??= compileWhere(ctx, query.where)
      return filter
    },
    sort: planOrderBy(ctx, query.orderBy),
    ...planSelect(ctx, primaryKey, query.select),
    probe,
  }
}

/** The checks compileWhere makes of a where clause that is only equality / `in` on known fields (see `equalityValues`). */
function checkLookup(ctx: WhereContext, where: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(where)) {
    const field = ctx.fields.get(name)
    if (value === undefined || value === null || !field) continue
    if (typeof value !== 'object' || value instanceof Date) {
      checkValue(ctx, field, value, 'equals')
      continue
    }
    for (const [op, operand] of Object.entries(value)) {
      if (op === 'equals' && operand !== null && operand !== undefined) checkValue(ctx, field, operand, op)
      if (op === 'in' && Array.isArray(operand)) for (const v of operand) checkValue(ctx, field, v, op)
    }
  }
}

/** The values a top-level condition allows a field (`x: v`, `x: { equals: v }`, `x: { in: [...] }`), if it is only that. */
function equalityValues(value: unknown): unknown[] | undefined {
  if (value === null || value === undefined) return undefined
  if (typeof value !== 'object' || value instanceof Date) return [value]
  if (Array.isArray(value)) return undefined
  const ops = Object.entries(value).filter(([, v]) => v !== undefined)
  if (ops.length !== 1) return undefined
  const [op, operand] = ops[0] as [string, unknown]
  if (op === 'equals') return operand === null ? undefined : [operand]
  // `in` with a null also matches null rows, which no index holds.
  if (op === 'in' && Array.isArray(operand) && !operand.includes(null)) return operand
  return undefined
}

/**
 * The cheapest index lookup of a (valid) where clause: a group all of whose fields the top-level AND constrains to
 * equality or `in`, fewest probed values first, then most fields. Undefined when no index applies.
 */
function planProbe(
  ctx: WhereContext,
  where: unknown,
  indexes: readonly IndexGroup[],
): IndexProbe | undefined {
  if (indexes.length === 0 || typeof where !== 'object' || where === null) return undefined
  const allowed = new Map<string, unknown[]>()
  const keys = Object.entries(where).filter(([, v]) => v !== undefined)
  for (const [key, value] of keys) {
    if (!ctx.fields.has(key)) continue
    const values = equalityValues(value)
    if (values) allowed.set(key, values)
  }
  let best: IndexProbe | undefined
  for (const group of indexes) {
    const lists = group.fields.map((f) => allowed.get(f.name))
    if (!lists.every((l): l is unknown[] => l !== undefined)) continue
    const combinations = lists.reduce((n, l) => n * l.length, 1)
    if (combinations > MAX_PROBE_VALUES) continue
    // Fewest probed values first; of equals, the group of more fields (it matches fewer rows).
    const worse =
      best !== undefined &&
      (combinations > best.values.length ||
        (combinations === best.values.length && group.fields.length <= best.group.fields.length))
    if (worse) continue
    let tuples: unknown[][] = [[]]
    for (const list of lists) tuples = tuples.flatMap((t) => list.map((v) => [...t, v]))
    let values: string[]
    try {
      values = tuples.map((t) => group.codec.encode((t.length === 1 ? t[0] : t) as Key))
    } catch {
      continue
    }
    const covers = keys.length === group.fields.length
    best = { group, values: [...new Set(values)], covers }
  }
  return best
}

/** Applies the plan's filter, sort and projection to a lazy scan. */
export function applyPlan(lf: pl.LazyDataFrame, plan: QueryPlan): pl.LazyDataFrame {
  let out = plan.filter ? lf.filter(plan.filter) : lf
  if (plan.sort) {
    // nodejs-polars takes one direction per sort: stable sorts from the last key to the first give the same order.
    for (let i = plan.sort.by.length - 1; i >= 0; i--) {
      const by = plan.sort.by[i] as string | pl.Expr
      out = out.sort({
        by: plan.sort.descending[i] === true ? descendingKey(by) : by,
        descending: false,
        nullsLast: true,
        maintainOrder: true,
      })
    }
  }
  return plan.columns ? out.select(...plan.columns) : out
}

/**
 * An ascending key ordering like `by` descending: minus its dense rank (ties stay ties, nulls stay null). Polars
 * reverses the rows of an all-null column sorted descending, ignoring `maintainOrder`, which broke ties.
 */
function descendingKey(by: string | pl.Expr): pl.Expr {
  const col = typeof by === 'string' ? pl.col(by) : by
  return pl.lit(0).sub(col.rank('dense').cast(pl.Int64))
}

function planOrderBy(ctx: WhereContext, orderBy: unknown): QueryPlan['sort'] {
  if (orderBy === undefined || orderBy === null) return undefined
  const list = Array.isArray(orderBy) ? orderBy : [orderBy]
  const by: (string | pl.Expr)[] = []
  const descending: boolean[] = []
  for (const item of list) {
    if (typeof item !== 'object' || item === null) {
      throw new QueryError(`${ctx.entity}: orderBy must be an object like { name: 'asc' } or a list of them`)
    }
    for (const [name, direction] of Object.entries(item)) {
      if (direction === undefined) continue
      const field = ctx.fields.get(name)
      if (!field) {
        throw new QueryError(
          `${ctx.entity}.${name}: unknown field in orderBy. Fields: ${[...ctx.fields.keys()].join(', ')}`,
        )
      }
      if (direction !== 'asc' && direction !== 'desc') {
        throw new QueryError(
          `${ctx.entity}.${name}: orderBy direction must be 'asc' or 'desc', got ${String(direction)}`,
        )
      }
      if (
        field.type.kind === 'list' ||
        (field.type.kind === 'scalar' && ['Json', 'Bytes'].includes(field.type.name))
      ) {
        throw new QueryError(
          `${ctx.entity}.${name}: cannot order by a ${field.type.kind === 'list' ? 'list' : field.type.name} field`,
        )
      }
      if (field.type.kind === 'scalar' && field.type.name === 'Decimal') {
        // Decimal text would sort as text ('10.5' before '9'): sort by its exact numeric keys instead.
        const keys = decimalSortKeys(pl.col(field.column), direction === 'desc')
        by.push(...keys.by)
        descending.push(...keys.descending)
        continue
      }
      by.push(field.column)
      descending.push(direction === 'desc')
    }
  }
  return by.length > 0 ? { by, descending } : undefined
}

function planSelect(
  ctx: WhereContext,
  primaryKey: FieldIR,
  select: unknown,
): { columns: string[] | undefined; fields: readonly FieldIR[] } {
  const all = [...ctx.fields.values()]
  if (select === undefined || select === null) return { columns: undefined, fields: all }
  if (typeof select !== 'object')
    throw new QueryError(`${ctx.entity}: select must be an object like { name: true }`)
  const wanted = new Set<string>([primaryKey.name])
  for (const [name, on] of Object.entries(select)) {
    if (!ctx.fields.has(name)) {
      throw new QueryError(
        `${ctx.entity}.${name}: unknown field in select. Fields: ${[...ctx.fields.keys()].join(', ')}`,
      )
    }
    if (on === true) wanted.add(name)
  }
  const fields = all.filter((f) => wanted.has(f.name))
  return { columns: fields.map((f) => f.column), fields }
}

/** Simple conditions of the top-level AND of a (valid) where, as the table's pruning predicates. */
function prunePredicates(ctx: WhereContext, where: unknown): ColumnPredicate[] {
  if (typeof where !== 'object' || where === null) return []
  const out: ColumnPredicate[] = []
  for (const [key, value] of Object.entries(where)) {
    const field = ctx.fields.get(key)
    if (!field || value === undefined || field.type.kind === 'list') continue
    // Decimal text compares numerically in the row filter (see decimal-compare.ts), never as text; it has no stats.
    if (field.type.kind === 'scalar' && ['Json', 'Bytes', 'Float', 'Decimal'].includes(field.type.name))
      continue
    const column = field.column
    if (value === null) {
      out.push({ column, op: 'isNull' })
      continue
    }
    if (isPredicateValue(value)) {
      out.push({ column, op: '=', value })
      continue
    }
    if (typeof value !== 'object' || Array.isArray(value) || value instanceof Date) continue
    const ops = value as Record<string, unknown>
    if (isPredicateValue(ops.equals)) out.push({ column, op: '=', value: ops.equals })
    for (const [op, sym] of [
      ['gt', '>'],
      ['gte', '>='],
      ['lt', '<'],
      ['lte', '<='],
    ] as const) {
      if (isPredicateValue(ops[op])) out.push({ column, op: sym, value: ops[op] })
    }
    if (ops.isNull === true) out.push({ column, op: 'isNull' })
    if (ops.isNull === false) out.push({ column, op: 'isNotNull' })
    const values = ops.in
    if (Array.isArray(values) && values.length <= MAX_PRUNING_VALUES && values.every(isPredicateValue)) {
      out.push({ column, op: 'in', values })
    }
  }
  return out
}

function isPredicateValue(value: unknown): value is PredicateValue {
  return (
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'bigint' ||
    typeof value === 'boolean' ||
    value instanceof Date
  )
}
