import pl from 'nodejs-polars'

type Reader = (row: number) => unknown

const NUMERIC = new Set([
  'Int8',
  'Int16',
  'Int32',
  'Int64',
  'UInt8',
  'UInt16',
  'UInt32',
  'UInt64',
  'Float32',
  'Float64',
])
const MS_PER_DAY = 86_400_000

/** Values of a Float64-castable column as a typed array, with a null mask when it has nulls. */
function numbers(series: pl.Series): { values: Float64Array; nulls: Uint8Array | undefined } {
  const hasNulls = series.nullCount() > 0
  const asFloat = series.cast(pl.Float64)
  const values = (hasNulls ? asFloat.fillNull('zero') : asFloat).toTypedArray() as Float64Array
  const nulls = hasNulls ? (series.isNull().cast(pl.UInt8).toTypedArray() as Uint8Array) : undefined
  return { values, nulls }
}

function withNulls(nulls: Uint8Array | undefined, read: Reader): Reader {
  return nulls ? (i) => (nulls[i] ? null : read(i)) : read
}

/** A fast reader of one column: typed arrays for numbers, booleans and dates; polars' own conversion otherwise. */
function columnReader(series: pl.Series): Reader {
  const variant = series.dtype.variant
  if (NUMERIC.has(variant)) {
    const { values, nulls } = numbers(series)
    return withNulls(nulls, (i) => values[i])
  }
  if (variant === 'Bool') {
    const { values, nulls } = numbers(series.cast(pl.UInt8))
    return withNulls(nulls, (i) => values[i] !== 0)
  }
  if (variant === 'Datetime') {
    const { values, nulls } = numbers(series.cast(pl.Datetime('ms')).cast(pl.Int64))
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
 * Rows of a DataFrame as plain objects, moving each column across the native boundary once
 * (typed arrays where possible) instead of polars' row-by-row `toRecords()`. Integers and floats
 * become numbers, booleans booleans, dates and datetimes `Date`s (millisecond precision), nulls null.
 */
export function dataFrameToRecords(df: pl.DataFrame): Record<string, unknown>[] {
  const names = df.columns
  const readers = df.getColumns().map(columnReader)
  const width = names.length
  const rows = new Array<Record<string, unknown>>(df.height)
  for (let i = 0; i < rows.length; i++) {
    const row: Record<string, unknown> = {}
    for (let c = 0; c < width; c++) row[names[c] as string] = (readers[c] as Reader)(i)
    rows[i] = row
  }
  return rows
}
