import pl from 'nodejs-polars'
import { ByteBoundedLru } from '../table/byte-bounded-lru.js'

/** Default bound of a decoded-file cache: 256 MiB. */
export const DEFAULT_DECODED_FILE_BYTES = 256 * 1024 * 1024

/** One data file decoded: every physical row (deletion vectors not applied: index positions count them all). */
export interface DecodedFile {
  /** The table's columns, as the store reads them, row `i` being the file's physical row `i`. */
  readonly df: pl.DataFrame
  /** `df`'s column names (reading them from a polars frame costs a call into polars). */
  readonly columns: readonly string[]
  /** `df.row`, taken once (a property read of a polars frame asks polars for its column names). */
  readonly readRow: (row: number) => unknown[]
  /** Approximate memory held, for the cache's byte bound. */
  readonly bytes: number
}

/** Bytes per row of a fixed-width column (8-byte values plus validity and slack). */
const FIXED_ROW_BYTES = 9
/** Bytes per row of a text or list column besides its payload (offsets, views, validity). */
const VARIABLE_ROW_BYTES = 17

/** The UTF-8 length of each value of a text column: polars' `len_bytes`, else (see `utf8Length`) its char count. */
type TextLength = (column: string) => pl.Expr

let textLength: TextLength | undefined

/**
 * nodejs-polars 0.24 exposes only `str.lengths()`: characters, counted by an opaque function that walks every string
 * (it undercounts non-ASCII text's bytes). polars' own `len_bytes` reads each value's stored length; its expression
 * is built from polars' JSON form, the form worker threads get expressions in (engine/expr-codec.ts). Should this
 * polars not read it, characters are counted as before.
 */
function utf8Length(): TextLength {
  if (textLength) return textLength
  const lenBytes = (column: string) =>
    pl.Expr.deserialize(
      Buffer.from(
        JSON.stringify({ Function: { input: [{ Column: column }], function: { StringExpr: 'LenBytes' } } }),
      ),
      'json',
    )
  try {
    const probe = pl
      .DataFrame({ t: ['é'] })
      .select(lenBytes('t').alias('n'))
      .getColumn('n')
      .get(0)
    textLength = Number(probe) === 2 ? lenBytes : (column) => pl.col(column).str.lengths()
  } catch {
    textLength = (column) => pl.col(column).str.lengths()
  }
  return textLength
}

/**
 * Approximate bytes a decoded frame holds: 9 per fixed-width value; text columns their UTF-8 bytes plus 17 per
 * row; lists and other nested columns 16 per element plus 17 per row. One pass over the text and list columns.
 */
export function decodedBytes(df: pl.DataFrame): number {
  const rows = df.height
  const dtypes = df.dtypes
  const sums: pl.Expr[] = []
  let bytes = 256
  df.columns.forEach((column, i) => {
    const dtype = dtypes[i]
    if (dtype?.equals(pl.String) || dtype?.equals(pl.Utf8)) {
      // Cast before the sum: nodejs-polars 0.24 refuses to sum `str.lengths()` as it comes.
      sums.push(utf8Length()(column).cast(pl.Float64).sum().alias(`${sums.length}`))
      bytes += VARIABLE_ROW_BYTES * rows
    } else if (dtype?.variant === 'List') {
      sums.push(pl.col(column).lst.lengths().cast(pl.Float64).sum().mul(16).alias(`${sums.length}`))
      bytes += VARIABLE_ROW_BYTES * rows
    } else {
      bytes += FIXED_ROW_BYTES * rows
    }
  })
  if (sums.length === 0 || rows === 0) return bytes
  // Through records: nodejs-polars builds a costly JS wrapper for every Series it hands out.
  const [record] = df.select(...sums).toRecords() as Record<string, number | null>[]
  for (const value of Object.values(record ?? {})) bytes += value ?? 0
  return bytes
}

/**
 * Decoded data files held in memory, least recently used evicted first once their bytes pass `maxBytes` (a file
 * larger than the bound alone is not kept). Find by primary key and indexed findBy read through the same cache, so
 * a file is decoded and held once. A cache, never the truth: entries are keyed by data file identity (table,
 * schema, path, size, checksum: see `Snapshot.decodedFile`), so they never go stale; which rows are live comes from
 * the snapshot and its deletion vectors at every lookup.
 */
export class DecodedFileCache extends ByteBoundedLru<string, DecodedFile> {
  private readonly decoding = new Map<string, Promise<DecodedFile>>()

  constructor(
    /** Most bytes held over all decoded files (approximate, see `decodedBytes`). Default 256 MiB. */
    maxBytes = DEFAULT_DECODED_FILE_BYTES,
  ) {
    super(maxBytes)
  }

  /**
   * The decoded file under `key`, else `read()` decoded and held when it fits; concurrent loads of one key share
   * one read. A failed read is not remembered.
   */
  load(key: string, read: () => Promise<pl.DataFrame>): Promise<DecodedFile> {
    const hit = this.get(key)
    if (hit) return Promise.resolve(hit)
    let loading = this.decoding.get(key)
    if (!loading) {
      loading = read()
        .then((df) => {
          const file = decodedFile(df)
          this.set(key, file)
          return file
        })
        .finally(() => this.decoding.delete(key))
      this.decoding.set(key, loading)
    }
    return loading
  }
}

/** A frame as the cache holds it: its column names and row reader taken once (each is a call into polars). */
export function decodedFile(df: pl.DataFrame): DecodedFile {
  return { df, columns: df.columns, readRow: df.row, bytes: decodedBytes(df) }
}

/** The process-wide cache every table's finds and every repository's indexed reads share (one bound). */
export const defaultDecodedFileCache = new DecodedFileCache()
