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
  /** Compression codec; each format documents its default and the codecs it accepts. */
  readonly codec?: Codec
  /** Avro only: a schema to write with instead of the inferred one (an Avro record schema object or JSON text). */
  readonly avroSchema?: unknown
  /** Avro only: the record name of the inferred schema. Default "Record". */
  readonly avroRecordName?: string
  /** Avro only: text columns holding base64 that `bytes` fields store as the bytes it encodes. Default none. */
  readonly avroBase64Columns?: readonly string[]
}

/** What survives a write/read round trip in a format, for callers that must choose one. */
export interface FormatCapabilities {
  /** Every dtype is stored in the file (Int32 stays Int32, Float32 stays Float32). */
  readonly typed: boolean
  /** Datetime (with time zone) and Date columns read back as such. */
  readonly temporal: boolean
  /** List columns can be written and read back. */
  readonly nested: boolean
  /** An empty frame reads back with its columns. */
  readonly emptyKeepsColumns: boolean
}

/**
 * The seam between bytes on disk and polars frames: one small interface,
 * one implementation per format (`<name>-format.ts`).
 */
export interface StorageFormat {
  readonly name: FormatName
  /** File extensions, lower-case with the dot, first one used when writing. */
  readonly extensions: readonly string[]
  /** What survives a round trip; absent means "assume nothing". */
  readonly capabilities?: FormatCapabilities
  /** Reads one file eagerly. */
  read(path: string, options?: ReadOptions): Promise<pl.DataFrame>
  /** Scans one or many files lazily (predicate/projection pushdown), where the format allows it. */
  scan?(paths: string | readonly string[]): pl.LazyDataFrame
  /** Writes one file. Implementations write the whole file or throw; callers handle atomic renames. */
  write(df: pl.DataFrame, path: string, options?: WriteOptions): Promise<void>
  /**
   * The bytes `write` would write, in memory (`path` only names the file in errors): a caller with its own file-system
   * seam (a table's data files) writes them itself, with its faults and flushes, and checksums them unread.
   */
  encode?(df: pl.DataFrame, path: string, options?: WriteOptions): Promise<Uint8Array>
}
