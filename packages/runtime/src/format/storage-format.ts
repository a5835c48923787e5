import type pl from 'nodejs-polars'

/** Every file format the frame layer reads or writes. */
export type FormatName = 'parquet' | 'csv' | 'tsv' | 'avro' | 'ndjson' | 'ipc'

export type Codec = 'uncompressed' | 'snappy' | 'gzip' | 'lz4' | 'zstd' | 'deflate' | 'null'

export interface ReadOptions {
  /** Only these columns (projection). */
  readonly columns?: readonly string[]
  /** At most this many rows. */
  readonly nRows?: number
}

export interface WriteOptions {
  readonly codec?: Codec
  /** Avro only: a schema to write with instead of the inferred one. */
  readonly avroSchema?: unknown
}

/**
 * The seam between bytes on disk and polars frames: one small interface,
 * one implementation per format (`<name>-format.ts`).
 */
export interface StorageFormat {
  readonly name: FormatName
  /** File extensions, lower-case with the dot, first one used when writing. */
  readonly extensions: readonly string[]
  /** Reads one file eagerly. */
  read(path: string, options?: ReadOptions): Promise<pl.DataFrame>
  /** Scans one or many files lazily (predicate/projection pushdown), where the format allows it. */
  scan?(paths: string | readonly string[]): pl.LazyDataFrame
  /** Writes one file. Implementations write the whole file or throw; callers handle atomic renames. */
  write(df: pl.DataFrame, path: string, options?: WriteOptions): Promise<void>
}
