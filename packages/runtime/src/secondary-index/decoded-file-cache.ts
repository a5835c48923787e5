import pl from 'nodejs-polars'

/** One data file decoded: every physical row (deletion vectors not applied: index positions count them all). */
export interface DecodedFile {
  /** The table's columns, as the store reads them, row `i` being the file's physical row `i`. */
  readonly df: pl.DataFrame
  /** Approximate memory held, for the cache's byte bound. */
  readonly bytes: number
}

/** Bytes per row of a fixed-width column (8-byte values plus validity and slack). */
const FIXED_ROW_BYTES = 9
/** Bytes per row of a text or list column besides its payload (offsets, views, validity). */
const VARIABLE_ROW_BYTES = 17

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
      sums.push(pl.col(column).str.lengths().cast(pl.Float64).sum().alias(`${sums.length}`))
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
 * larger than the bound alone is not kept). A cache, never the truth: entries are keyed by data file identity
 * (path, size, checksum) and by the table schema they were projected with, so they never go stale; which rows are
 * live comes from the snapshot and its deletion vectors at every lookup.
 */
export class DecodedFileCache {
  private readonly entries = new Map<string, DecodedFile>()
  private held = 0

  constructor(
    /** Most bytes held over all decoded files (approximate, see `decodedBytes`). Default 256 MiB. */
    readonly maxBytes = 256 * 1024 * 1024,
  ) {}

  /** Bytes held now. */
  get bytes(): number {
    return this.held
  }

  /** Decoded files held now. */
  get size(): number {
    return this.entries.size
  }

  /** The decoded file, marking it recently used. */
  get(key: string): DecodedFile | undefined {
    const hit = this.entries.get(key)
    if (hit) {
      this.entries.delete(key)
      this.entries.set(key, hit)
    }
    return hit
  }

  /** Whether a decoded file of this many bytes can be held at all. */
  fits(bytes: number): boolean {
    return bytes <= this.maxBytes
  }

  /** Holds a decoded file, evicting the least recently used ones to stay within the bound. */
  set(key: string, file: DecodedFile): void {
    const old = this.entries.get(key)
    if (old) {
      this.entries.delete(key)
      this.held -= old.bytes
    }
    if (!this.fits(file.bytes)) return
    this.entries.set(key, file)
    this.held += file.bytes
    for (const [k, e] of this.entries) {
      if (this.held <= this.maxBytes) break
      this.entries.delete(k)
      this.held -= e.bytes
    }
  }

  /** Drops everything. */
  clear(): void {
    this.entries.clear()
    this.held = 0
  }
}

/** The process-wide cache every repository's indexed reads share (one bound for the process). */
export const defaultDecodedFileCache = new DecodedFileCache()
