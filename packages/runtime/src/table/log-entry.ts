import type { DeltaDeletionVector } from '../delta/delta-actions.js'
import type { NarrowDeltaType } from '../delta/delta-schema.js'
import type { EntityIR, EnumIR, StorageFormatName } from '../schema/schema-ir.js'
import type { FileStats } from './file-stats.js'

/** How upserts and deletes change existing rows (see docs/tables.md). */
export type UpdateMode = 'merge-on-read' | 'copy-on-write'

/** The operations recorded in a commit. */
export type OperationName =
  | 'CREATE'
  | 'APPEND'
  | 'INSERT'
  | 'UPSERT'
  | 'DELETE'
  | 'OVERWRITE'
  | 'TRANSACTION'
  | 'COMPACT'
  | 'SET_SCHEMA'
  | 'SET_FORMAT'
  | 'ADOPT'
  | 'DROP_FEATURE'

/** A value filling a column for rows of files written before the column was added. */
export type FillValue = string | number | boolean

/** The Delta `protocol` of a table (see table-protocol.ts for what pf supports). */
export interface ProtocolAction {
  readonly minReaderVersion: number
  readonly minWriterVersion: number
  /** Present exactly when `minReaderVersion` is 3. */
  readonly readerFeatures?: readonly string[]
  /** Present exactly when `minWriterVersion` is 7. */
  readonly writerFeatures?: readonly string[]
}

/** The table's metadata: schema (IR + enums), key, format, layout. */
export interface TableMetadata {
  /** Random id of the table, fixed at creation. */
  readonly id: string
  readonly entity: EntityIR
  readonly enums: readonly EnumIR[]
  readonly format: StorageFormatName
  /** Primary-key column names. */
  readonly primaryKey: readonly string[]
  /** Hive partition column names. */
  readonly partitionBy: readonly string[]
  readonly updateMode: UpdateMode
  /** Commits between checkpoints. */
  readonly checkpointInterval: number
  /** Automatic compaction: live small files that trigger it (0: off). Absent: the default (256). */
  readonly autoCompactFiles?: number
  /** Automatic compaction: files with fewer rows are small. Absent: the default (65,536). */
  readonly smallFileRows?: number
  readonly createdTime: number
  /**
   * Storage column names that differ from the field's column (after a rename by
   * `evolveSchema`): column → name in the data files. Absent: every column is
   * stored under its own name.
   */
  readonly physicalColumns?: Readonly<Record<string, string>>
  /** Stored column names of dropped fields: never reused, so old data cannot resurface. */
  readonly retiredColumns?: readonly string[]
  /** Stored column name → the value rows of files lacking that column read (fields added with a default). */
  readonly fillValues?: Readonly<Record<string, FillValue>>
  /**
   * Delta column mapping (name mode), present once a rename or drop needed it: kept in the Delta schema's field
   * metadata, the one record of which column each field's data files use.
   */
  readonly columnMapping?: ColumnMappingMetadata
  /**
   * Autoincrement field column → its Delta identity high-water mark (decimal digits): at least every value the
   * column ever held, kept in the Delta schema's field metadata (see identity-columns.ts). Absent: none yet.
   */
  readonly identityHighWaterMarks?: Readonly<Record<string, string>>
  /**
   * Decimal/Bytes field names whose data files hold text (decimal strings, base64): Avro tables written before
   * bytes storage, until every file is rewritten (see text-stored-fields.ts). Absent: none.
   */
  readonly textStoredFields?: readonly string[]
  /**
   * Int/Float field (or list of them) names → the narrower Delta type (`integer`, `short`, `byte`, `float`) their
   * column (its elements) keeps: a table pf adopted, whose schema says so (see kept-column-shapes.ts). Absent: none
   * (pf's own tables).
   */
  readonly narrowStoredFields?: Readonly<Record<string, NarrowDeltaType>>
  /** Required field names whose column the table's schema keeps nullable (an adopted table's). Absent: none. */
  readonly nullableStoredFields?: readonly string[]
  /** List field names whose array the table's schema keeps `containsNull: true` (an adopted table's). Absent: none. */
  readonly nullElementsStoredFields?: readonly string[]
  /**
   * `metaData.configuration` keys pf does not write itself (another writer's table properties, e.g. of a table pf
   * adopted): kept as they are in every `metaData` pf writes. Absent: none.
   */
  readonly deltaConfiguration?: Readonly<Record<string, string>>
}

/** Column mapping of a table (PROTOCOL.md "Column Mapping", name mode). */
export interface ColumnMappingMetadata {
  /** The highest column id ever assigned (`delta.columnMapping.maxColumnId`). */
  readonly maxColumnId: number
  /** Field column → its stable id and the physical column name of its data. */
  readonly columns: Readonly<Record<string, ColumnMappingEntry>>
}

/** One field's column mapping: `delta.columnMapping.id` and `delta.columnMapping.physicalName`. */
export interface ColumnMappingEntry {
  readonly id: number
  readonly physicalName: string
}

/** A data file becomes part of the table. */
export interface AddAction {
  /** Path relative to the table directory, with `/` separators. */
  readonly path: string
  readonly size: number
  readonly partitionValues: Readonly<Record<string, string | null>>
  readonly stats: FileStats
  /** `crc32:<8 hex digits>` of the file's bytes, checked when the file is read (absent in files of other writers). */
  readonly checksum?: string
  /** When the file was written, ms since the epoch. Default: the commit's timestamp. */
  readonly modificationTime?: number
  /** Rows of the file that are deleted (a logical file is the pair path + deletion vector). */
  readonly deletionVector?: DeltaDeletionVector
}

/** A logical file stops being part of the table (the data file stays on disk until vacuumed). */
export interface RemoveAction {
  readonly path: string
  /** The deletion vector of the logical file removed (none: the file without one). */
  readonly deletionVector?: DeltaDeletionVector
}

export interface CommitInfo {
  /** Milliseconds since the epoch. */
  readonly timestamp: number
  readonly operation: OperationName
  /** The version the writer read before planning (after rebasing: the one it rebased onto). */
  readonly readVersion: number
  readonly rowsAdded: number
  readonly rowsRemoved: number
  /** Random id of the commit attempt, to recognise one's own commit. */
  readonly txnId: string
  /** What a migration changed, one line each (SET_SCHEMA, SET_FORMAT). */
  readonly details?: readonly string[]
  /** Set on the void stand-in of an entry whose multi-table transaction was aborted (never written to disk). */
  readonly aborted?: true
  /** Live data files after this version (checked on replay and against checkpoints; absent in older tables). */
  readonly tableFiles?: number
  /** Visible rows after this version (as `tableFiles`). */
  readonly tableRows?: number
}

/**
 * Marks a reservation of a multi-table transaction (`commitTables`): a version that changes nothing for any
 * reader and carries the table's planned actions (`LogEntry.reserved`). While the transaction's decision file is
 * missing the entry is pending (pf readers stop before it, pf writers wait for it); with `abort` it stays void;
 * with `commit` the planned actions are published as a later version (see txn-publish.ts).
 */
export interface TxnRef {
  /** Random id of the transaction. */
  readonly id: string
  /** The decision file, relative to the table directory, with `/` separators. */
  readonly decision: string
  /** Milliseconds since the epoch after which any writer may decide `abort` for an undecided transaction. */
  readonly deadline: number
  /** Table directories taking part (relative to the decision file's folder), for whoever reads the log. */
  readonly tables: readonly string[]
}

/**
 * One version of the table as pf sees it: a Delta commit `_delta_log/<version>.json` (see delta-log-entry.ts).
 * Applied in this order: protocol and metadata, `remove`, `add`.
 */
export interface LogEntry {
  readonly version: number
  readonly commitInfo: CommitInfo
  readonly protocol?: ProtocolAction
  readonly metadata?: TableMetadata
  readonly remove?: readonly RemoveAction[]
  readonly add?: readonly AddAction[]
  /** Present when the entry reserves a version for a multi-table transaction (see `TxnRef`). */
  readonly txn?: TxnRef
  /** The actions a reservation plans: published by a later version once its transaction commits. */
  readonly reserved?: ReservedActions
  /** Delta `txn` actions (application progress markers; pf's publications name `pf-txn-<id>`). */
  readonly appTxns?: readonly AppTxn[]
}

/** What a multi-table transaction's reservation plans for its table (a normal commit's actions, not yet applied). */
export interface ReservedActions {
  readonly remove: readonly RemoveAction[]
  readonly add: readonly AddAction[]
  readonly rowsAdded: number
  readonly rowsRemoved: number
}

/** A Delta `txn` action: an application's progress marker, committed with the version that makes the progress. */
export interface AppTxn {
  readonly appId: string
  readonly version: number
  readonly lastUpdated?: number
}

/** Zero-padded file name of a version's commit. */
export function logFileName(version: number): string {
  return `${String(version).padStart(20, '0')}.json`
}

/** File name of a version's checkpoint in pf's checkpoint cache (`_pf/checkpoints/`). */
export function checkpointFileName(version: number): string {
  return `${String(version).padStart(20, '0')}.checkpoint.json`
}

/** File name of a version's Delta checkpoint in `_delta_log/` (classic, one part). */
export function deltaCheckpointFileName(version: number): string {
  return `${String(version).padStart(20, '0')}.checkpoint.parquet`
}

/** Name of the log folder inside a table: the Delta log. */
export const LOG_DIR = '_delta_log'
/** pf's private folder inside a table (locks, marks, checkpoint cache): Delta readers and VACUUM ignore `_` names. */
export const PRIVATE_DIR = '_pf'
/** The folder of pf's checkpoint cache inside PRIVATE_DIR. */
export const CHECKPOINT_CACHE_DIR = 'checkpoints'
/** The log folder of tables written before the Delta log (0.1): refused with a typed error. */
export const LEGACY_LOG_DIR = '_pf_log'
/** Name of the pointer to the newest checkpoint of the cache. */
export const LAST_CHECKPOINT = '_last_checkpoint'

/** Parses a commit's version from its file name; undefined for other files. */
export function versionOfLogFile(name: string): number | undefined {
  const m = /^(\d{20})\.json$/.exec(name)
  return m?.[1] === undefined ? undefined : Number(m[1])
}

/** Parses a cached checkpoint's version from its file name. */
export function versionOfCheckpointFile(name: string): number | undefined {
  const m = /^(\d{20})\.checkpoint\.json$/.exec(name)
  return m?.[1] === undefined ? undefined : Number(m[1])
}
