import pl from 'nodejs-polars'
import type { FieldType } from '../schema/schema-ir.js'
import { polarsTypeForField } from './polars-schema.js'

/*
 * The one way a JS value becomes a polars literal compared with a column (where-clauses, deletes, `has`, the
 * Table API's scan predicates). nodejs-polars 0.24 builds literals lossily: `pl.lit(-2n)` is 2 (the sign of a
 * negative bigint is dropped), `pl.lit(x).cast(pl.Int64)` of a bigint beyond 2^53 is null or rounded, and a
 * Series built from bigints with an Int64 dtype is all nulls. Integers therefore cross as decimal text cast to
 * Int64 (exact for every 64-bit value), DateTime as microseconds the same way, Date as days.
 */

const DAY_MS = 86_400_000
const MIN_I64 = -(2n ** 63n)
const MAX_I64 = 2n ** 63n - 1n

/** Days since the epoch of a Date or a 'YYYY-MM-DD' string; undefined when it is neither. */
export function epochDays(value: unknown): number | undefined {
  if (value instanceof Date) {
    const t = value.getTime()
    return Number.isNaN(t) ? undefined : Math.floor(t / DAY_MS)
  }
  if (typeof value !== 'string') return undefined
  const t = Date.parse(`${value}T00:00:00Z`)
  return Number.isNaN(t) ? undefined : Math.floor(t / DAY_MS)
}

/** An integer literal (Int64) from a bigint or an integer number, exactly. */
export function int64Literal(value: bigint | number): pl.Expr {
  return pl.lit(BigInt(value).toString()).cast(pl.Int64)
}

/**
 * A literal of a scalar or enum field type holding `value` exactly; null is a typed null. A value that does not
 * fit the type (an Int column compared with 1.5) keeps its own type, so the comparison means what it says.
 */
export function exactLiteral(type: FieldType, value: unknown): pl.Expr {
  const dtype = polarsTypeForField(type)
  if (value === null || value === undefined) return pl.lit(null).cast(dtype)
  if (type.kind !== 'scalar') return pl.lit(value as string)
  switch (type.name) {
    case 'Int':
    case 'BigInt':
      if (typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value))) {
        const n = BigInt(value)
        // Beyond Int64 a cast would give null (matching nothing): a double still orders it past every row.
        return n >= MIN_I64 && n <= MAX_I64 ? int64Literal(n) : pl.lit(Number(n)).cast(pl.Float64)
      }
      break
    case 'Float':
      if (typeof value === 'number') return pl.lit(value).cast(pl.Float64)
      if (typeof value === 'bigint') return pl.lit(value.toString()).cast(pl.Float64)
      break
    case 'DateTime':
      if (value instanceof Date && !Number.isNaN(value.getTime()))
        return int64Literal(BigInt(value.getTime()) * 1000n).cast(dtype)
      break
    case 'Date': {
      const days = typeof value === 'number' ? value : epochDays(value)
      if (days !== undefined) return pl.lit(days).cast(pl.Int32).cast(pl.Date)
      break
    }
    default:
      break
  }
  if (typeof value === 'bigint') return pl.lit(value.toString()).cast(pl.Int64)
  return pl.lit(value as string | number | boolean | Date)
}
