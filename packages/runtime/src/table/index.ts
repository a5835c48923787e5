/**
 * Tables: durable, concurrent-safe storage of one entity type as a directory of
 * immutable data files plus a Delta Lake transaction log (`_delta_log/`). See docs/tables.md.
 *
 * ```ts
 * const users = await createTable('data/users', { entity, enums })   // or openTable('data/users')
 * await users.append(df)                        // one commit = one new version
 * await users.upsert(df); await users.deleteKeys([1, 2]); await users.deleteWhere(pl.col('age').lt(18))
 * await users.transaction((tx) => { tx.upsert(a); tx.deleteKeys([3]) })   // several ops, one commit
 * await commitTables([{ table: users, build: (tx) => tx.upsert(a) }, { table: posts, build: (tx) => tx.append(p) }])
 * const row = await users.findByKey(1)          // 1-row DataFrame | null
 * const lf = await users.scan({ where: [{ column: 'age', op: '>=', value: 18 }] })   // pl.LazyDataFrame
 * const old = await (await users.at(3)).read()  // time travel; users.asOf(date), users.history()
 * await users.compact(); await users.vacuum({ retentionMs: 0 })
 * await users.rewriteFormat('avro')             // migrations: one verified commit each
 * await users.evolveSchema(newEntity, enums)    // add/drop/rename (metadata), widen (rewrite)
 * ```
 */
export { ColumnMapping } from './column-mapping.js'
export { ColumnRangeError } from './column-range-error.js'
export { ContentChecksum } from './content-checksum.js'
export { type FaultRule, FaultyFileSystem, type FsOperation, fsError } from './faulty-file-system.js'
export { FeatureDropError } from './feature-drop-error.js'
export type { ColumnStats, FileStats, StatValue } from './file-stats.js'
export { errorCode, type FileSystem, isAlreadyExists, isNotFound } from './file-system.js'
export { conformFrame } from './frame-conformer.js'
export type { Key, KeyValue } from './key-codec.js'
export { KeyIndexCache } from './key-index-cache.js'
export { LegacyConversionError } from './legacy-conversion-error.js'
export {
  convertLegacyTable,
  type LegacyConversionOptions,
  type LegacyConversionResult,
} from './legacy-log-conversion.js'
export type {
  AddAction,
  CommitInfo,
  FillValue,
  LogEntry,
  OperationName,
  ProtocolAction,
  RemoveAction,
  TableMetadata,
  TxnRef,
  UpdateMode,
} from './log-entry.js'
export type {
  ContentDigest,
  DroppedFeature,
  EvolveSchemaOptions,
  EvolveSchemaResult,
  RewriteCheck,
  RewriteOptions,
  RewriteProgress,
  RewriteResult,
} from './migration-options.js'
export { type CommitTablesOptions, commitTables, type TableWrite } from './multi-table-commit.js'
export { NodeFileSystem, nodeFileSystem } from './node-file-system.js'
export { polarsSchemaForEntity, polarsTypeForField } from './polars-schema.js'
export type { ColumnPredicate, PredicateValue } from './scan-predicate.js'
export {
  type ChangeCost,
  planSchemaChanges,
  type SchemaChange,
  type SchemaChangeOptions,
} from './schema-change-plan.js'
export { evolveMetadata } from './schema-evolution.js'
export { type ScanOptions, Snapshot } from './snapshot.js'
export {
  type CommitOptions,
  type CommitResult,
  type CreateTableOptions,
  createTable,
  type HistoryEntry,
  openTable,
  Table,
  type TableOptions,
  TableTransaction,
} from './table.js'
export { type AdoptTableOptions, adoptTable } from './table-adoption.js'
export { TableAdoptionError } from './table-adoption-error.js'
export {
  ConflictError,
  type ConflictReason,
  DuplicateKeyError,
  LegacyTableLogError,
  LockError,
  RewriteVerificationError,
  SchemaChangeRefusedError,
  TableCorruptError,
  TableExistsError,
  TableNotFoundError,
  TableProtocolError,
  TableReadError,
  TableSchemaError,
  TableVersionExpiredError,
  TableWriteError,
  TxnUnpublishedError,
} from './table-errors.js'
export type { LiveFile, TableState } from './table-state.js'
export { UNREFERENCED_MIN_AGE_MS, type VacuumOptions, type VacuumResult } from './table-vacuum.js'
