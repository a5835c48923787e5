import pl from 'nodejs-polars'

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

/** Dtypes whose `toTypedArray()` already holds JS numbers. */
const NATIVE_NUMBERS = new Set(['Int8', 'Int16', 'Int32', 'UInt8', 'UInt16', 'UInt32', 'Float32', 'Float64'])
/** 64-bit integers: cast to Float64 (exact up to 2^53, like polars' own conversion). */
const WIDE_INTEGERS = new Set(['Int64', 'UInt64'])
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

/** A fast reader of one column: typed arrays for numbers, booleans and dates; polars' own conversion otherwise. */
function columnReader(series: pl.Series): Reader {
  const variant = series.dtype.variant
  if (NATIVE_NUMBERS.has(variant) || WIDE_INTEGERS.has(variant)) {
    const { values, nulls } = numbers(WIDE_INTEGERS.has(variant) ? series.cast(pl.Float64) : series)
    return withNulls(nulls, (i) => values[i])
  }
  if (variant === 'Bool') {
    const { values, nulls } = numbers(series.cast(pl.UInt8))
    return withNulls(nulls, (i) => values[i] !== 0)
  }
  if (variant === 'Datetime') {
    const { values, nulls } = numbers(series.cast(pl.Datetime('ms')).cast(pl.Float64))
    return withNulls(nulls, (i) => new Date(values[i] as number))
  }
  if (variant === 'Date') {
    const { values, nulls } = numbers(series.cast(pl.Int32))
    return withNulls(nulls, (i) => new Date((values[i] as number) * MS_PER_DAY))
  }
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
 * (typed arrays where possible) instead of polars' row-by-row `toRecords()`. Integers and floats
 * become numbers, booleans booleans, dates and datetimes `Date`s (millisecond precision), nulls null.
 */
export function dataFrameToRecords(df: pl.DataFrame): Record<string, unknown>[] {
  if (df.height === 0) return []
  return rowBuilder(df.columns)(df.getColumns().map(columnReader), df.height)
}
