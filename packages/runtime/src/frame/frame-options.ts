import type pl from 'nodejs-polars'
import type { JoinHow } from '../engine/engine-frame.js'
import type { EngineChoice } from '../engine/engine-name.js'
import type { Codec, FormatName } from '../format/storage-format.js'

/** A column by name, or any polars expression. */
export type ColumnRef = string | pl.Expr

/** Options of `read()`. */
export interface ReadFrameOptions {
  /** Format of the file(s), instead of detecting it from the extension. */
  readonly format?: FormatName
  /** Engine to use (aliases pandas/polars/dask accepted). Default: from config, else chosen by size. */
  readonly engine?: EngineChoice | 'pandas' | 'polars' | 'dask'
  /** Version of a Delta table folder to read (time travel). Default: the latest. Only for Delta tables. */
  readonly version?: number
}

/** Options of `Frame.groupBy()`. */
export interface GroupByOptions {
  /** Sort the groups by their keys, so every engine returns the same order. Default true. */
  readonly sort?: boolean
}

/** Options of `Frame.sort()`. */
export interface SortOptions {
  /** One flag for all keys or one per key. Default false. */
  readonly descending?: boolean | readonly boolean[]
  /** Put nulls last. Default false (nulls first). */
  readonly nullsLast?: boolean
}

/** Options of `Frame.join()`: `on` for keys named the same on both sides, else `leftOn` + `rightOn`. */
export interface JoinOptions {
  readonly on?: string | readonly string[]
  readonly leftOn?: string | readonly string[]
  readonly rightOn?: string | readonly string[]
  /** Default `'inner'`. */
  readonly how?: JoinHow
  /** Suffix of right-side columns whose names clash. Default `'_right'`. */
  readonly suffix?: string
}

/** Options of `Frame.unique()`. */
export interface UniqueOptions {
  /** Columns that define a duplicate. Default: all columns. */
  readonly subset?: string | readonly string[]
  /** Which duplicate to keep. Default `'first'`. */
  readonly keep?: 'first' | 'last' | 'any' | 'none'
  /** Keep the original row order. Default true. */
  readonly maintainOrder?: boolean
}

/** Options of `Frame.write()`. */
export interface WriteFrameOptions {
  /** Format; default from the path's extension (a partitioned directory defaults to parquet). */
  readonly format?: FormatName
  /** Compression codec (each format has its default: zstd for Parquet). */
  readonly codec?: Codec
  /**
   * Write a directory of hive-style partitions (`col=value/part-….parquet`, the columns left out of
   * the files) that Spark, Trino and DuckDB read as is. `[]` writes a flat directory of part files.
   */
  readonly partitionBy?: string | readonly string[]
  /** What to do when a partitioned directory already holds files. Default `'error'`. */
  readonly mode?: 'error' | 'overwrite' | 'append'
}

/** Options of `Frame.toAvro()`. */
export interface ToAvroOptions {
  /** An Avro record schema (object or JSON text) instead of the inferred one. */
  readonly schema?: unknown
  /** `null` (default), `deflate` or `snappy`. */
  readonly codec?: Codec
}
