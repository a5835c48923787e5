import pl from 'nodejs-polars'
import { type DeltaDataType, NARROW_DELTA_RANGES, type NarrowDeltaType } from '../delta/delta-schema.js'
import type { EntityIR, FieldType } from '../schema/schema-ir.js'
import { ColumnRangeError } from './column-range-error.js'
import { deltaTypeText } from './foreign-table-check.js'

/**
 * The columns an adopted table keeps narrow (`integer`, `short`, `byte`, `float`, or arrays of them;
 * kept-column-shapes.ts) written as such: each value (each list element) checked against the column's range, then
 * the column cast to the polars dtype whose Parquet type is the Delta type's (INT32 annotated INT(32/16/8, signed),
 * FLOAT; a list's elements), so every writer after it (polars, arrow-rs) stores it narrow and the statistics are
 * those of the stored values. Reads cast back to Int64/Float64.
 */

/** The polars dtype storing each narrow Delta type. */
const NARROW_DTYPE: Readonly<Record<NarrowDeltaType, pl.DataType>> = {
  integer: pl.Int32,
  short: pl.Int16,
  byte: pl.Int8,
  float: pl.Float32,
}

/** How many list levels a field type has (0 for a scalar). */
function listDepth(type: FieldType): number {
  return type.kind === 'list' ? 1 + listDepth(type.element) : 0
}

/** The dtype of a column of `depth` list levels around the narrow type. */
function narrowDtype(type: NarrowDeltaType, depth: number): pl.DataType {
  return depth === 0 ? NARROW_DTYPE[type] : pl.List(narrowDtype(type, depth - 1))
}

/** The first refused value: every digit of an integer (as text: Series.get narrows an Int64 to 32 bits in nodejs-polars 0.24). */
function refusedValue(outside: pl.DataFrame, type: NarrowDeltaType): number | bigint {
  if (type === 'float') return Number(outside.getColumn('v').head(1).toArray()[0])
  return BigInt(String(outside.select(pl.col('v').cast(pl.Utf8)).getColumn('v').head(1).toArray()[0]))
}

/**
 * The values of a column as rows `v` (a list's elements, one row each; an empty or null list gives a null row),
 * numbered before each list level is exploded (`l0`, `l1`, ...: the list's row) and after (`e`).
 */
function valuesOf(df: pl.DataFrame, column: string, depth: number): pl.DataFrame {
  let values = df.select(pl.col(column).alias('v'))
  for (let level = 0; level < depth; level++) values = values.withRowIndex(`l${level}`).explode('v')
  return depth > 0 ? values.withRowIndex('e') : values
}

/** Where the first `outside` value sits in its lists: `[i]` per level (its row's offset in its list), '' for a scalar. */
function positionOf(values: pl.DataFrame, outside: pl.DataFrame, depth: number): string {
  const numberAt = (frame: pl.DataFrame, column: string) =>
    Number(frame.getColumn(column).head(1).toArray()[0])
  let at = ''
  for (let level = 0; level < depth; level++) {
    const row = level + 1 < depth ? `l${level + 1}` : 'e'
    const list = values.filter(pl.col(`l${level}`).eq(numberAt(outside, `l${level}`)))
    at += `[${numberAt(outside, row) - numberAt(list.select(pl.col(row).min()), row)}]`
  }
  return at
}

/**
 * A frame of stored columns (`entity` under stored column names) with the `narrow` fields' columns cast to their
 * narrow dtypes; ColumnRangeError naming `Entity.field` (a list's element: `Entity.field[i]`), the value and the
 * range when a value does not fit.
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
    const depth = listDepth(field.type)
    const v = pl.col('v')
    const beyond = v.lt(range.min).or(v.gt(range.max))
    // NaN and ±infinity are float values; only finite doubles beyond the float range would change.
    const values = valuesOf(df, field.column, depth)
    const outside = values.filter(type === 'float' ? beyond.and(v.isFinite()) : beyond)
    if (outside.height > 0) {
      let columnType: DeltaDataType = type
      for (let level = 0; level < depth; level++)
        columnType = { type: 'array', elementType: columnType, containsNull: false }
      throw new ColumnRangeError(
        `${entity.name}.${field.name}${positionOf(values, outside, depth)}`,
        refusedValue(outside, type),
        deltaTypeText(columnType),
        range,
      )
    }
    casts.push(pl.col(field.column).cast(narrowDtype(type, depth)))
  }
  return casts.length > 0 ? df.withColumns(...casts) : df
}
