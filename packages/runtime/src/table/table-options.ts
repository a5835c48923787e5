import type { EntityIR, EnumIR, StorageFormatName } from '../schema/schema-ir.js'
import type { FileSystem } from './file-system.js'
import type { KeyIndexCache } from './key-index-cache.js'
import type { OperationName, UpdateMode } from './log-entry.js'

/** Options shared by `createTable` and `openTable`. */
export interface TableOptions {
  /** File-system seam. Default: the real file system. */
  readonly fs?: FileSystem
  /** Attempts after losing the race for a version before a ConflictError. Default 100. */
  readonly maxRetries?: number
  /** Largest number of rows per written data file. Default 1,048,576. */
  readonly maxRowsPerFile?: number
  /** Warm key index. Default: one cache shared by the process. */
  readonly keyIndex?: KeyIndexCache
}

/** What `createTable` needs besides the path. */
export interface CreateTableOptions extends TableOptions {
  readonly entity: EntityIR
  readonly enums?: readonly EnumIR[]
  /** Data file format. Default: `entity.format`. */
  readonly format?: StorageFormatName
  /** Hive partition fields (names). Default: `entity.partitionBy`. */
  readonly partitionBy?: readonly string[]
  /** Default 'merge-on-read' (see docs/tables.md). */
  readonly updateMode?: UpdateMode
  /** Commits between checkpoints. Default 100. */
  readonly checkpointInterval?: number
  /**
   * Automatic compaction after a write, when at least `files` live files hold fewer than `fileRows` rows each:
   * those are merged (per partition) in a COMPACT commit of their own, in the background (the write does not wait;
   * `Table.settled()` does). Default `{ files: 256, fileRows: 65_536 }`; `false` turns it off (call `compact()`).
   */
  readonly autoCompact?: false | { readonly files?: number; readonly fileRows?: number }
}

/** Options of a write. */
export interface CommitOptions {
  /**
   * Optimistic check: the version the caller read before deciding this write.
   * If a later commit touched any key this one writes or deletes, the write
   * fails with ConflictError('keys-touched') instead of being rebased.
   */
  readonly readVersion?: number
}

/** What a commit did. */
export interface CommitResult {
  /** The version created (the current one when the write changed nothing). */
  readonly version: number
  readonly rowsAdded: number
  readonly rowsRemoved: number
  /** Commit attempts (1 + rebases after losing a race). */
  readonly attempts: number
}

/** One line of `history()`. */
export interface HistoryEntry {
  readonly version: number
  readonly timestamp: Date
  readonly operation: OperationName
  readonly rowsAdded: number
  readonly rowsRemoved: number
  /** What a migration changed (SET_SCHEMA, SET_FORMAT), one line each. */
  readonly details?: readonly string[]
  /** The version belongs to a multi-table transaction that aborted: it changes nothing. */
  readonly aborted?: true
  /** The id of the multi-table transaction this version reserves (it changes nothing; a later one publishes it). */
  readonly reserves?: string
  /** The ids of the multi-table transactions whose changes this version publishes. */
  readonly publishes?: readonly string[]
}
