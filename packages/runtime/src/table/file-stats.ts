import pl from 'nodejs-polars'
import type { EntityIR, FieldIR } from '../schema/schema-ir.js'

/**
 * A min/max statistic as stored in the log. Int64 and DateTime (microseconds)
 * are decimal strings (exact beyond 2^53), Float and Date (days) are numbers,
 * strings are strings (ordered by UTF-8 bytes, as polars orders them).
 */
export type StatValue = string | number

export interface ColumnStats {
  readonly nullCount: number
  readonly min?: StatValue
  readonly max?: StatValue
}

/** Row count and per-column statistics of one data file. */
export interface FileStats {
  readonly numRows: number
  readonly columns: Readonly<Record<string, ColumnStats>>
}

/** How a field's statistics are compared; `none` keeps only the null count. */
export type StatKind = 'int' | 'float' | 'string' | 'none'

/** The statistic kind of a field. */
export function statKind(field: FieldIR): StatKind {
  const t = field.type
  if (t.kind === 'enum') return 'string'
  if (t.kind === 'list') return 'none'
  switch (t.name) {
    case 'Int':
    case 'BigInt':
    case 'DateTime':
      return 'int'
    case 'Float':
    case 'Date':
      return 'float'
    case 'String':
      return 'string'
    default:
      return 'none'
  }
}

function statExpr(field: FieldIR, agg: 'min' | 'max'): pl.Expr {
  let col = pl.col(field.column)
  if (field.type.kind === 'scalar' && field.type.name === 'DateTime') col = col.cast(pl.Int64)
  const value = agg === 'min' ? col.min() : col.max()
  return value.cast(pl.Utf8).alias(`${agg}:${field.column}`)
}

function valid(v: unknown): v is StatValue {
  return typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))
}

const DAY_MS = 86_400_000

/** One row of a one-row frame, as a record. */
function firstRow(df: pl.DataFrame): Record<string, unknown> {
  return (df.toRecords()[0] ?? {}) as Record<string, unknown>
}

/**
 * Row count, null counts and min/max of every comparable column. Uses whole-frame
 * reductions (`nullCount`, `min`, `max`): on small and large frames alike they
 * cost far less than per-column Series or one select of per-column expressions
 * (measured: 8 ms against 25-100 ms for 1M rows and 5 columns). Int64 values
 * beyond 2^53 are recomputed exactly as text; DateTime bounds are widened by
 * 1 ms (records carry milliseconds), which keeps them bounds. Columns in
 * `known` (min/max already known, e.g. from the Parquet footer just written)
 * are not reduced again.
 */
export function computeFileStats(
  df: pl.DataFrame,
  entity: EntityIR,
  known: ReadonlyMap<string, { readonly min: StatValue; readonly max: StatValue }> = new Map(),
): FileStats {
  const columns: Record<string, ColumnStats> = {}
  const nulls = df.height === 0 ? {} : firstRow(df.nullCount())
  const names = entity.fields
    .filter((f) => statKind(f) !== 'none' && !known.has(f.column) && Number(nulls[f.column] ?? 0) < df.height)
    .map((f) => f.column)
  const mins = df.height === 0 || names.length === 0 ? {} : firstRow(df.select(...names).min())
  const maxs = df.height === 0 || names.length === 0 ? {} : firstRow(df.select(...names).max())
  const exact: pl.Expr[] = []
  for (const field of entity.fields) {
    const nullCount = Number(nulls[field.column] ?? 0)
    columns[field.column] = { nullCount }
    const kind = statKind(field)
    if (kind === 'none' || nullCount === df.height) continue
    const range = known.get(field.column)
    if (range) {
      columns[field.column] = { nullCount, min: range.min, max: range.max }
      continue
    }
    let min = mins[field.column]
    let max = maxs[field.column]
    if (min instanceof Date && max instanceof Date) {
      if (field.type.kind === 'scalar' && field.type.name === 'Date') {
        min = Math.floor(min.getTime() / DAY_MS)
        max = Math.floor(max.getTime() / DAY_MS)
      } else {
        min = String((BigInt(min.getTime()) - 1n) * 1000n)
        max = String((BigInt(max.getTime()) + 1n) * 1000n)
      }
    } else if (kind === 'int') {
      if (
        typeof min === 'number' &&
        typeof max === 'number' &&
        Number.isSafeInteger(min) &&
        Number.isSafeInteger(max)
      ) {
        min = String(min)
        max = String(max)
      } else {
        exact.push(statExpr(field, 'min'), statExpr(field, 'max'))
        continue
      }
    }
    if (valid(min) && valid(max)) columns[field.column] = { nullCount, min, max }
  }
  if (exact.length > 0) {
    const row = firstRow(df.select(...exact))
    for (const field of entity.fields) {
      const min = row[`min:${field.column}`]
      const max = row[`max:${field.column}`]
      const nullCount = columns[field.column]?.nullCount ?? 0
      if (valid(min) && valid(max)) columns[field.column] = { nullCount, min, max }
    }
  }
  return { numRows: df.height, columns }
}

/** A stat or key value parsed for comparison. */
export type Comparable = bigint | number | string

/** Parses a stored statistic (or a canonical key) for comparison. */
export function toComparable(kind: StatKind, value: StatValue): Comparable {
  if (kind === 'int') return typeof value === 'number' ? BigInt(value) : BigInt(value)
  if (kind === 'float') return Number(value)
  return String(value)
}

const encoder = new TextEncoder()

/**
 * What a range of a column is of: the column and how its values compare. Ranges are cached and indexed by it (a
 * file's key range, the per-layer indexes of LiveFileMap), so a range is never taken for another column's.
 */
export function rangeTag(column: string, kind: StatKind): string {
  return `${column}:${kind}`
}

/** Orders two comparables of the same kind; strings by UTF-8 bytes (polars' order). */
export function compare(a: Comparable, b: Comparable): number {
  if (typeof a === 'string' && typeof b === 'string') return compareUtf8(a, b)
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * Orders two strings by their UTF-8 bytes (-1, 0, 1) without encoding them: below U+D800 a code unit is its code
 * point, and UTF-8 keeps code point order. Where surrogates (or U+E000-U+FFFF, which UTF-16 orders below them) decide
 * the order, or end the shorter string, the bytes are compared: a lone surrogate encodes as U+FFFD.
 */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x === y) continue
    if (x < 0xd800 && y < 0xd800) return x < y ? -1 : 1
    return Buffer.compare(encoder.encode(a), encoder.encode(b))
  }
  const last = n > 0 ? a.charCodeAt(n - 1) : 0
  if (last >= 0xd800 && last <= 0xdfff) return Buffer.compare(encoder.encode(a), encoder.encode(b))
  return a.length < b.length ? -1 : 1
}

/** Parsed min/max of one column of one file; undefined when the file has no usable range. */
export interface Range {
  readonly min: Comparable
  readonly max: Comparable
}

/** The parsed range of a column in a file's stats. */
export function rangeOf(stats: FileStats, column: string, kind: StatKind): Range | undefined {
  const c = stats.columns[column]
  if (!c || c.min === undefined || c.max === undefined || kind === 'none') return undefined
  return { min: toComparable(kind, c.min), max: toComparable(kind, c.max) }
}

/** Whether a file whose column has `range` may hold `value` (no range: maybe). */
export function mayContain(range: Range | undefined, value: Comparable): boolean {
  if (!range) return true
  return compare(value, range.min) >= 0 && compare(value, range.max) <= 0
}
