import pl from 'nodejs-polars'
import type { DecodedRow, RowColumnKind, RowValue } from './parquet-row-decoder.js'

/**
 * One row read at a key index position, in the table's schema column order. A row decoded in JS carries its values
 * and builds its polars frame only when asked (a cold `find` never starts polars); a row polars read is its frame.
 */
export interface PointRow {
  /** Column names, in schema order. */
  readonly columns: readonly string[]
  /** The values as polars' `df.row` gives them (undefined: read them from `frame()`). */
  readonly values?: readonly unknown[]
  /** The exact values of these columns (bigint for 64-bit integers), for the row's key; undefined: not decoded. */
  exact?(columns: readonly string[]): unknown[] | undefined
  /** The one-row frame. */
  frame(): pl.DataFrame
}

const DAY_MS = 86_400_000

/** A value as polars' `df.row` hands it out: 64-bit integers as doubles, dates and timestamps as Dates. */
function rowValue(kind: RowColumnKind, value: RowValue): unknown {
  if (value === null) return null
  switch (kind) {
    case 'int64':
      return Number(value as bigint)
    case 'date':
      return new Date((value as number) * DAY_MS)
    case 'timestamp':
      // As polars hands it out: microseconds / 1000 as a double, which a Date truncates toward zero.
      return new Date(Number(value as bigint) / 1000)
    default:
      return value
  }
}

/** A one-value series of the kind's table dtype (exact: 64-bit values cross as bigints). */
function series(name: string, kind: RowColumnKind, value: RowValue): pl.Series {
  switch (kind) {
    case 'int64':
      return value === null
        ? pl.Series(name, [null], pl.Int64)
        : pl.Series(name, BigInt64Array.of(value as bigint))
    case 'timestamp':
      return series(name, 'int64', value).cast(pl.Datetime('us', 'UTC'))
    case 'date':
      return (
        value === null ? pl.Series(name, [null], pl.Int32) : pl.Series(name, Int32Array.of(value as number))
      ).cast(pl.Date)
    case 'double':
      return value === null
        ? pl.Series(name, [null], pl.Float64)
        : pl.Series(name, Float64Array.of(value as number))
    case 'boolean':
      return pl.Series(name, [value], pl.Bool)
    default:
      return pl.Series(name, [value], pl.Utf8)
  }
}

/** The point row of a row decoded in JS (see parquet-row-decoder.ts), its columns under the table's names. */
export function decodedPointRow(columns: readonly string[], row: DecodedRow): PointRow {
  let df: pl.DataFrame | undefined
  return {
    columns,
    values: row.values.map((v, i) => rowValue(row.kinds[i] as RowColumnKind, v)),
    exact: (wanted) => {
      const out: unknown[] = []
      for (const c of wanted) {
        const at = columns.indexOf(c)
        if (at < 0) return undefined
        out.push(row.values[at])
      }
      return out
    },
    frame: () => {
      df ??= pl.DataFrame(
        columns.map((c, i) => series(c, row.kinds[i] as RowColumnKind, row.values[i] ?? null)),
      )
      return df
    },
  }
}

/** The point row of a frame polars read. */
export function framePointRow(df: pl.DataFrame): PointRow {
  return { columns: df.columns, frame: () => df }
}
