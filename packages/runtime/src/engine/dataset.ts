import type { FormatName } from '../format/storage-format.js'
import type { HiveColumn } from './hive-partitioning.js'

/** One data file of a dataset and its hive partition values. */
export interface DatasetFile {
  readonly path: string
  /** Size on disk in bytes. */
  readonly size: number
  /** Values of the partition columns, from its `col=value/` directories (null for HIVE_NULL). */
  readonly partitionValues: Readonly<Record<string, string | null>>
}

/** What a `read()` path resolves to: one file, a directory tree or a glob's matches, all in one format. */
export interface Dataset {
  /** The path or glob as given. */
  readonly source: string
  readonly format: FormatName
  /** Data files, sorted by path. */
  readonly files: readonly DatasetFile[]
  /** Hive partition columns, in directory order (empty when not partitioned). */
  readonly partitionColumns: readonly HiveColumn[]
}
