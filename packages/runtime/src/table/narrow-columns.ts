import pl from 'nodejs-polars'
import { NARROW_DELTA_RANGES, type NarrowDeltaType } from '../delta/delta-schema.js'
import type { EntityIR } from '../schema/schema-ir.js'
import { ColumnRangeError } from './column-range-error.js'

/**
 * The columns an adopted table keeps narrow (`integer`, `short`, `byte`, `float`; kept-column-shapes.ts) written
 * as such: each value checked against the column's range, then the column cast to the polars dtype whose Parquet
 * type is the Delta type's (INT32 annotated INT(32/16/8, signed), FLOAT), so every writer after it (polars,
 * arrow-rs) stores it narrow and the statistics are those of the stored values. Reads cast back to Int64/Float64.
 */

/** The polars dtype storing each narrow Delta type. */
const NARROW_DTYPE: Readonly<Record<NarrowDeltaType, pl.DataType>> = {
  integer: pl.Int32,
  short: pl.Int16,
  byte: pl.Int8,
  float: pl.Float32,
}

/** The first refused value: every digit of an integer (as text: Series.get narrows an Int64 to 32 bits in nodejs-polars 0.24). */
function refusedValue(outside: pl.DataFrame, type: NarrowDeltaType): number | bigint {
  if (type === 'float') return Number(outside.getColumn('v').head(1).toArray()[0])
  return BigInt(String(outside.select(pl.col('v').cast(pl.Utf8)).getColumn('v').head(1).toArray()[0]))
}

/**
 * A frame of stored columns (`entity` under stored column names) with the `narrow` fields' columns cast to their
 * narrow dtypes; ColumnRangeError naming `Entity.field`, the value and the range when a value does not fit.
 */
export function narrowedFrame(
  df: pl.DataFrame,
  entity: EntityIR,
  narrow: Readonly<Record<string, NarrowDeltaType>> | undefined,
): pl.DataFrame {
  if (narrow === undefined) return df
  const casts: pl.Expr[] = []
  for (const field of entity.fields) {
    const type = narrow[field.name]
    if (type === undefined || !df.columns.includes(field.column)) continue
    const range = NARROW_DELTA_RANGES[type]
    const column = pl.col(field.column)
    const v = pl.col('v')
    const beyond = v.lt(range.min).or(v.gt(range.max))
    // NaN and ±infinity are float values; only finite doubles beyond the float range would change.
    const outside = df.select(column.alias('v')).filter(type === 'float' ? beyond.and(v.isFinite()) : beyond)
    if (outside.height > 0)
      throw new ColumnRangeError(`${entity.name}.${field.name}`, refusedValue(outside, type), type, range)
    casts.push(column.cast(NARROW_DTYPE[type]))
  }
  return casts.length > 0 ? df.withColumns(...casts) : df
}
