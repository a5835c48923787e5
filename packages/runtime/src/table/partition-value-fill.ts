import type { DataType } from 'nodejs-polars'
import pl from 'nodejs-polars'
import { parseUtcDate, parseUtcTimestamp } from '../delta/utc-calendar.js'
import { decimalSpecOf } from '../schema/decimal-spec.js'
import type { FieldIR } from '../schema/schema-ir.js'
import { decimalTextAt } from './decimal-projection.js'

/**
 * A partition column's value for the rows of a data file that does not hold the column (other writers keep
 * partition values only in the log's `partitionValues`, PROTOCOL.md "Partition Value Serialization"), typed as
 * the field reads. Null, absent, or empty for a non-string field: null. Undefined when the text is not a value of
 * the field's type (the caller reports the file).
 */
export function partitionValueFill(
  field: FieldIR,
  raw: string | null | undefined,
  dtype: DataType,
): pl.Expr | undefined {
  const type = field.type
  const name = type.kind === 'scalar' ? type.name : 'String'
  if (raw === null || raw === undefined || (raw === '' && name !== 'String'))
    return pl.lit(null).cast(dtype).alias(field.column)
  switch (name) {
    case 'DateTime': {
      const micros = parseUtcTimestamp(raw, false) ?? parseUtcTimestamp(raw, true)
      if (micros === undefined) return undefined
      return pl
        .lit(String(micros))
        .cast(pl.Int64)
        .cast(pl.Datetime('us', 'UTC'))
        .cast(dtype)
        .alias(field.column)
    }
    case 'Date': {
      const days = parseUtcDate(raw)
      if (days === undefined) return undefined
      return pl.lit(days).cast(pl.Int32).cast(pl.Date).alias(field.column)
    }
    case 'Boolean':
      if (raw !== 'true' && raw !== 'false') return undefined
      return pl.lit(raw === 'true').alias(field.column)
    case 'Int':
    case 'BigInt':
      if (!/^-?\d+$/.test(raw)) return undefined
      return pl.lit(raw).cast(dtype).alias(field.column)
    case 'Float':
      if (Number.isNaN(Number(raw))) return undefined
      return pl.lit(raw).cast(dtype).alias(field.column)
    case 'Decimal':
      return type.kind === 'scalar'
        ? decimalTextAt(pl.lit(raw), decimalSpecOf(type), pl.Utf8).alias(field.column)
        : undefined
    default:
      return pl.lit(raw).cast(dtype).alias(field.column)
  }
}
