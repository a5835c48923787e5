import type { Field } from 'apache-arrow'
import pl from 'nodejs-polars'
import { arrowColumnValues, arrowFields, needsArrow } from '../format/arrow-values.js'
import { DataType, Precision } from '../vendor/apache-arrow.js'
import { FrameError } from './frame-error.js'

type Reader = (row: number) => unknown
type TypedNumbers =
  | Float64Array
  | Float32Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint32Array
  | Uint16Array
  | Uint8Array

const MS_PER_DAY = 86_400_000

/** A numeric column as a typed array (nulls filled with zero) plus a null mask when it has nulls. */
function numbers(series: pl.Series): { values: TypedNumbers; nulls: Uint8Array | undefined } {
  const hasNulls = series.nullCount() > 0
  const values = (hasNulls ? series.fillNull('zero') : series).toTypedArray() as TypedNumbers
  const nulls = hasNulls ? (series.isNull().cast(pl.UInt8).toTypedArray() as Uint8Array) : undefined
  return { values, nulls }
}

function withNulls(nulls: Uint8Array | undefined, read: Reader): Reader {
  return nulls ? (i) => (nulls[i] ? null : read(i)) : read
}

/**
 * A 64-bit integer column: numbers when every value is a safe integer (checked on the Float64 cast, which is
 * exact up to 2^53 and rounds anything beyond to at least 2^53), else every value as a bigint.
 */
function wideIntegerReader(series: pl.Series): Reader {
  const { values, nulls } = numbers(series.cast(pl.Float64))
  let safe = true
  for (let i = 0; i < values.length && safe; i++)
    safe = Math.abs(values[i] as number) <= Number.MAX_SAFE_INTEGER
  if (safe) return withNulls(nulls, (i) => values[i])
  const exact = series.fillNull('zero').toTypedArray() as unknown as BigInt64Array | BigUint64Array
  return withNulls(nulls, (i) => exact[i])
}

/**
 * A fast reader of one column, chosen by its Arrow type (which also describes dtypes nodejs-polars cannot):
 * typed arrays for numbers, booleans and dates; exact text for decimals; Arrow for binary, Float16 and nested
 * values holding those or 64-bit integers; polars' own conversion otherwise.
 */
function columnReader(series: pl.Series, field: Field | undefined): Reader {
  const type = field?.type
  if (
    type === undefined ||
    DataType.isDictionary(type) ||
    DataType.isUtf8(type) ||
    DataType.isLargeUtf8(type)
  ) {
    return plainReader(series)
  }
  if (DataType.isInt(type)) {
    if (type.bitWidth === 64) return wideIntegerReader(series)
    const { values, nulls } = numbers(series)
    return withNulls(nulls, (i) => values[i])
  }
  if (DataType.isFloat(type) && type.precision !== Precision.HALF) {
    const { values, nulls } = numbers(series)
    return withNulls(nulls, (i) => values[i])
  }
  if (DataType.isBool(type)) {
    const { values, nulls } = numbers(series.cast(pl.UInt8))
    return withNulls(nulls, (i) => values[i] !== 0)
  }
  if (DataType.isTimestamp(type)) {
    const { values, nulls } = numbers(series.cast(pl.Datetime('ms')).cast(pl.Float64))
    return withNulls(nulls, (i) => new Date(values[i] as number))
  }
  if (DataType.isDate(type)) {
    const { values, nulls } = numbers(series.cast(pl.Int32))
    return withNulls(nulls, (i) => new Date((values[i] as number) * MS_PER_DAY))
  }
  if (DataType.isDecimal(type)) return plainReader(series.cast(pl.Utf8))
  if (needsArrow(type)) {
    const values = arrowColumnValues(series)
    return (i) => values[i] ?? null
  }
  return plainReader(series)
}

function plainReader(series: pl.Series): Reader {
  const array = series.toArray() as unknown[]
  return (i) => array[i] ?? null
}

/**
 * A function building all rows with an object literal of the column names (one hidden class,
 * about twice as fast as assigning keys one by one). Names are embedded as JSON string literals.
 */
function rowBuilder(
  names: readonly string[],
): (readers: readonly Reader[], height: number) => Record<string, unknown>[] {
  if (names.includes('__proto__')) {
    return (readers, height) => {
      const rows = new Array<Record<string, unknown>>(height)
      for (let i = 0; i < height; i++) {
        const row: Record<string, unknown> = {}
        names.forEach((name, c) => {
          Object.defineProperty(row, name, {
            value: (readers[c] as Reader)(i),
            enumerable: true,
            writable: true,
            configurable: true,
          })
        })
        rows[i] = row
      }
      return rows
    }
  }
  const fields = names.map((name, c) => `${JSON.stringify(name)}: r${c}(i)`).join(', ')
  const locals = names.map((_, c) => `const r${c} = readers[${c}];`).join(' ')
  const body = `${locals} const rows = new Array(height); for (let i = 0; i < height; i++) rows[i] = { ${fields} }; return rows;`
  return new Function('readers', 'height', body) as (
    readers: readonly Reader[],
    height: number,
  ) => Record<string, unknown>[]
}

/**
 * Rows of a DataFrame as plain objects, moving each column across the native boundary once
 * (typed arrays where possible) instead of polars' row-by-row `toRecords()`. The value model (docs/frames.md):
 * integers and floats (Float16 too) are numbers, but a 64-bit integer column whose values are not all safe
 * integers comes back as bigints; decimals are exact strings, binary `Uint8Array`s, booleans booleans, dates
 * and datetimes `Date`s (millisecond precision), lists arrays, structs objects, nulls null.
 */
export function dataFrameToRecords(df: pl.DataFrame): Record<string, unknown>[] {
  if (df.height === 0) return []
  const fields = arrowFields(df)
  const readers = df.getColumns().map((series, c) => {
    try {
      return columnReader(series, fields[c])
    } catch (cause) {
      // e.g. a string longer than V8's limit (2^29 - 24 characters)
      const message = cause instanceof Error ? cause.message : String(cause)
      throw new FrameError(`Column "${series.name}" cannot be converted to JS values: ${message}`, { cause })
    }
  })
  return rowBuilder(df.columns)(readers, df.height)
}
