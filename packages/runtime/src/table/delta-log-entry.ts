import type { DeltaCheckpointAction, DeltaCheckpointReadAction } from '../delta/checkpoint-parquet.js'
import type {
  DeltaAdd,
  DeltaCommit,
  DeltaCommitInfo,
  DeltaMetaData,
  DeltaProtocol,
  DeltaRemove,
} from '../delta/delta-actions.js'
import { CONSTRAINT_KEY_PREFIX, deltaCheckConstraints } from '../delta/delta-constraints.js'
import { type CommitSource, encodeDeltaCommit, parseDeltaCommit } from '../delta/delta-log-codec.js'
import { decodeDeltaPath, encodeDeltaPath } from '../delta/delta-paths.js'
import { deltaSchemaFor } from '../delta/delta-schema.js'
import {
  type DeltaStatKind,
  decodeDeltaStats,
  deltaStatKind,
  encodeDeltaStats,
} from '../delta/delta-stats.js'
import {
  COLUMN_MAPPING_MAX_ID,
  COLUMN_MAPPING_MODE,
  fromDeltaColumnMapping,
  storedColumnOf,
  toDeltaColumnMapping,
} from './column-mapping.js'
import { ENGINE_INFO } from './engine-info.js'
import type { ColumnStats, FileStats } from './file-stats.js'
import { foreignTableMetadata, refuseForeignTable } from './foreign-table-metadata.js'
import { identityMarksByField, withDeltaIdentityMarks } from './identity-columns.js'
import { withKeptColumnShapes } from './kept-column-shapes.js'
import type {
  AddAction,
  AppTxn,
  CommitInfo,
  LogEntry,
  OperationName,
  RemoveAction,
  TableMetadata,
} from './log-entry.js'
import { checkMetadata, checkPfCommitFields } from './log-entry-schema.js'
import { TableCorruptError, TableProtocolError } from './table-errors.js'
import type { TableState } from './table-state.js'
import type { Tombstone } from './table-tombstones.js'
import { withDeltaTextStored } from './text-stored-fields.js'

/**
 * A pf log entry as a Delta commit and back: the one translation between pf's view of a version (LogEntry) and
 * the Delta actions on disk. pf's metadata travels in `metaData.configuration` under `pf.*` keys (JSON text) and
 * its commit bookkeeping in `commitInfo` (which may hold any field); Delta readers ignore both.
 */

/** Tag of an add holding pf's checksum of the data file's bytes (`crc32:<8 hex digits>`). */
export const CHECKSUM_TAG = 'pf.crc32'

/** Configuration keys of pf's metadata (JSON text values); `pf.` keys are ignored by Delta readers. */
const PF = {
  entity: 'pf.entity',
  enums: 'pf.enums',
  format: 'pf.format',
  primaryKey: 'pf.primaryKey',
  updateMode: 'pf.updateMode',
  checkpointInterval: 'pf.checkpointInterval',
  autoCompactFiles: 'pf.autoCompactFiles',
  smallFileRows: 'pf.smallFileRows',
  physicalColumns: 'pf.physicalColumns',
  retiredColumns: 'pf.retiredColumns',
  fillValues: 'pf.fillValues',
} as const satisfies Partial<Record<keyof TableMetadata, string>>

/** pf's operations as Delta's writers name them (`commitInfo.operation`). */
const DELTA_OPERATION: Readonly<Record<OperationName, string>> = {
  CREATE: 'CREATE TABLE',
  APPEND: 'WRITE',
  INSERT: 'WRITE',
  OVERWRITE: 'WRITE',
  UPSERT: 'MERGE',
  DELETE: 'DELETE',
  TRANSACTION: 'MERGE',
  COMPACT: 'OPTIMIZE',
  SET_SCHEMA: 'REPLACE COLUMNS',
  SET_FORMAT: 'REORG',
  ADOPT: 'SET TBLPROPERTIES',
  DROP_FEATURE: 'DROP FEATURE',
}

/** What a Delta operation of another writer is to pf (its conflict checks skip only OPTIMIZE). */
function pfOperation(operation: unknown, version: number): OperationName {
  if (version === 0) return 'CREATE'
  switch (operation) {
    case 'WRITE':
    case 'STREAMING UPDATE':
      return 'APPEND'
    case 'DELETE':
      return 'DELETE'
    case 'OPTIMIZE':
      return 'COMPACT'
    default:
      return 'TRANSACTION'
  }
}

/** Stored column → statistic kind, per metadata object (stats are keyed by the names in the data files). */
const kindsCache = new WeakMap<TableMetadata, ReadonlyMap<string, DeltaStatKind>>()
export function statKinds(metadata: TableMetadata): ReadonlyMap<string, DeltaStatKind> {
  let kinds = kindsCache.get(metadata)
  if (!kinds) {
    kinds = new Map(
      metadata.entity.fields.map((f) => [storedColumnOf(metadata, f.column), deltaStatKind(f.type)]),
    )
    kindsCache.set(metadata, kinds)
  }
  return kinds
}

/**
 * Statistics read from a Delta `add`: the row count at once, the per-column part once the metadata in effect
 * is known (`bind`, called by replay: a commit's stats are typed by the schema of its version).
 */
export class DeltaFileStats implements FileStats {
  readonly numRows: number
  #json: string
  #kinds: ReadonlyMap<string, DeltaStatKind> | undefined
  #columns: Readonly<Record<string, ColumnStats>> | undefined
  constructor(numRows: number, json: string) {
    this.numRows = numRows
    this.#json = json
  }
  /** Types the statistics by a metadata (the first binding holds: a version's schema never changes). */
  bind(metadata: TableMetadata): void {
    this.#kinds ??= statKinds(metadata)
  }
  get columns(): Readonly<Record<string, ColumnStats>> {
    if (this.#columns) return this.#columns
    if (!this.#kinds) throw new Error('statistics read before their version was replayed')
    const decoded = decodeDeltaStats(this.#json, this.#kinds)
    this.#columns = decoded.ok ? decoded.value.columns : {}
    return this.#columns
  }
}

/** Configuration keys pf owns whatever their value: its metadata, its enum CHECK constraints, column mapping. */
function isPfOwnedKey(key: string): boolean {
  return (
    key.startsWith('pf.') ||
    key.startsWith(`${CONSTRAINT_KEY_PREFIX}pf_enum_`) ||
    key === COLUMN_MAPPING_MODE ||
    key === COLUMN_MAPPING_MAX_ID
  )
}

/** The entity with each field's column under the name its data files use (tables from before column mapping). */
function storedEntityOf(metadata: TableMetadata): TableMetadata['entity'] {
  if (metadata.columnMapping) return metadata.entity
  const physical = metadata.physicalColumns ?? {}
  return {
    ...metadata.entity,
    fields: metadata.entity.fields.map((f) => ({ ...f, column: physical[f.column] ?? f.column })),
  }
}

/** The configuration pf writes for its metadata (`pf.*` keys, CHECK constraints, Delta keys it derives). */
function pfConfiguration(metadata: TableMetadata): Record<string, string> {
  const configuration: Record<string, string> = {
    ...deltaCheckConstraints(storedEntityOf(metadata), metadata.enums),
    [PF.entity]: JSON.stringify(metadata.entity),
    [PF.enums]: JSON.stringify(metadata.enums),
    [PF.format]: JSON.stringify(metadata.format),
    [PF.primaryKey]: JSON.stringify(metadata.primaryKey),
    [PF.updateMode]: JSON.stringify(metadata.updateMode),
    [PF.checkpointInterval]: JSON.stringify(metadata.checkpointInterval),
    ...toDeltaColumnMapping(metadata)?.configuration,
  }
  if (metadata.checkpointInterval > 0)
    configuration['delta.checkpointInterval'] = String(metadata.checkpointInterval)
  // Merge-on-read deletes are deletion vectors (the protocol lists the feature, see table-protocol.ts).
  if (metadata.updateMode === 'merge-on-read') configuration['delta.enableDeletionVectors'] = 'true'
  for (const key of [
    'autoCompactFiles',
    'smallFileRows',
    'physicalColumns',
    'retiredColumns',
    'fillValues',
  ] as const) {
    if (metadata[key] !== undefined) configuration[PF[key]] = JSON.stringify(metadata[key])
  }
  return configuration
}

/**
 * The keys of a `metaData.configuration` that pf neither owns nor derives from `metadata` (another writer's table
 * properties): what `TableMetadata.deltaConfiguration` keeps. Empty for a table only pf wrote.
 */
export function otherWritersConfiguration(
  configuration: Readonly<Record<string, string>>,
  metadata: TableMetadata,
): Record<string, string> {
  const derived = pfConfiguration(metadata)
  const kept: Record<string, string> = {}
  for (const [key, value] of Object.entries(configuration))
    if (!isPfOwnedKey(key) && !(key in derived)) kept[key] = value
  return kept
}

/**
 * The `metaData` action of pf's metadata: Delta schema (stored column names), CHECK constraints, `pf.*` keys, and
 * other writers' configuration keys as they were (`deltaConfiguration`).
 */
export function toDeltaMetaData(metadata: TableMetadata): DeltaMetaData {
  // Column mapping: the schema names fields by their columns and gives each its physical name (column-mapping.ts).
  const mapping = toDeltaColumnMapping(metadata)
  return {
    id: metadata.id,
    format: { provider: metadata.format, options: {} },
    schemaString: deltaSchemaFor(storedEntityOf(metadata), metadata.enums, {
      ...(mapping ? { columnMapping: mapping.fields } : {}),
      identityHighWaterMarks: identityMarksByField(metadata),
      textStored: new Set(metadata.textStoredFields),
      ...(metadata.narrowStoredFields ? { narrowStored: metadata.narrowStoredFields } : {}),
      ...(metadata.nullableStoredFields ? { nullableStored: new Set(metadata.nullableStoredFields) } : {}),
      ...(metadata.nullElementsStoredFields
        ? { nullElementsStored: new Set(metadata.nullElementsStoredFields) }
        : {}),
    }).schemaString,
    partitionColumns: [...metadata.partitionBy],
    createdTime: metadata.createdTime,
    configuration: { ...metadata.deltaConfiguration, ...pfConfiguration(metadata) },
  }
}

/** pf's metadata of a `metaData` action; another writer's table (no `pf.*` keys) is read by its Delta schema. */
function fromDeltaMetaData(meta: DeltaMetaData, source: CommitSource): TableMetadata {
  const config = meta.configuration ?? {}
  if (config[PF.entity] === undefined) return foreignTableMetadata(meta, source)
  const raw: Record<string, unknown> = {
    id: meta.id,
    partitionBy: meta.partitionColumns,
    createdTime: meta.createdTime ?? 0,
  }
  for (const [field, key] of Object.entries(PF)) {
    const text = config[key]
    if (text === undefined) continue
    try {
      raw[field] = JSON.parse(text) as unknown
    } catch (error) {
      throw new TableCorruptError(
        source.table,
        source.file,
        source.version,
        `configuration ${key} is not JSON`,
        {
          cause: error,
        },
      )
    }
  }
  const checked = checkMetadata(raw)
  if (!checked.ok) {
    const detail = `pf's metadata in metaData.configuration: ${checked.problem}`
    throw new TableCorruptError(source.table, source.file, source.version, detail)
  }
  const mapping = fromDeltaColumnMapping(meta.schemaString, config)
  if (!mapping.ok) {
    if (mapping.unsupported) throw new TableProtocolError(source.table, `${source.file}: ${mapping.problem}`)
    throw new TableCorruptError(source.table, source.file, source.version, mapping.problem)
  }
  const mapped = mapping.value ? { ...checked.value, columnMapping: mapping.value } : checked.value
  // Autoincrement fields are identity columns: their high-water marks live in the schema (other writers raise them).
  const marked = withDeltaIdentityMarks(mapped, meta.schemaString, source)
  // Avro tables from before bytes storage keep Decimal/Bytes text where their schema says string.
  const text = withDeltaTextStored(marked, meta.schemaString, source)
  // An adopted table's columns keep their narrow types and nullability (kept-column-shapes.ts).
  const stored = withKeptColumnShapes(text, meta.schemaString, source)
  // Other writers' table properties (a table pf adopted, or set on a pf table by Spark) stay in what pf writes.
  const others = otherWritersConfiguration(config, stored)
  return Object.keys(others).length > 0 ? { ...stored, deltaConfiguration: others } : stored
}

/** Whether a commit changes rows (OPTIMIZE and format rewrites only rearrange them: `dataChange` false). */
function changesData(operation: OperationName): boolean {
  return operation !== 'COMPACT' && operation !== 'SET_FORMAT'
}

function toCommitInfo(entry: LogEntry, metadata: TableMetadata, reserved: unknown): DeltaCommitInfo {
  const info = entry.commitInfo
  const adds = entry.add?.length ?? 0
  const removes = entry.remove?.length ?? 0
  const operation = reserved === undefined ? DELTA_OPERATION[info.operation] : RESERVE_OPERATION
  const partitionBy = JSON.stringify(metadata.partitionBy)
  const parameters: Record<string, unknown> =
    operation === 'WRITE'
      ? { mode: info.operation === 'OVERWRITE' ? 'Overwrite' : 'Append', partitionBy }
      : operation === 'CREATE TABLE'
        ? { isManaged: 'false', description: null, partitionBy, properties: '{}' }
        : {}
  return {
    timestamp: info.timestamp,
    operation,
    operationParameters: parameters,
    ...(info.readVersion >= 0 ? { readVersion: info.readVersion } : {}),
    isolationLevel: 'Serializable',
    isBlindAppend: info.operation === 'APPEND' && removes === 0,
    operationMetrics: {
      numAddedFiles: String(adds),
      numRemovedFiles: String(removes),
      numOutputRows: String(info.rowsAdded),
      numDeletedRows: String(info.rowsRemoved),
    },
    engineInfo: ENGINE_INFO,
    txnId: info.txnId,
    ...(info.tableFiles !== undefined ? { tableFiles: info.tableFiles } : {}),
    ...(info.tableRows !== undefined ? { tableRows: info.tableRows } : {}),
    pf: {
      operation: info.operation,
      rowsAdded: info.rowsAdded,
      rowsRemoved: info.rowsRemoved,
      ...(info.details ? { details: info.details } : {}),
      ...(entry.txn ? { txn: entry.txn } : {}),
      ...(reserved !== undefined ? { reserved } : {}),
    },
  }
}

/** Delta `commitInfo.operation` of a reservation (a version that changes nothing; see txn-publish.ts). */
export const RESERVE_OPERATION = 'pf: reserve transaction'

function toDeltaRemove(
  r: RemoveAction,
  before: TableState | undefined,
  timestamp: number,
  dataChange: boolean,
): DeltaRemove {
  const live = before?.files.get(r.path)
  return {
    path: encodeDeltaPath(r.path),
    deletionTimestamp: timestamp,
    dataChange,
    ...(live
      ? {
          extendedFileMetadata: true,
          partitionValues: live.add.partitionValues,
          size: live.add.size,
          ...(knownRowCount(live.add) ? { stats: `{"numRecords":${live.add.stats.numRows}}` } : {}),
        }
      : {}),
    ...(live?.add.deletionVector ? { deletionVector: live.add.deletionVector } : {}),
  }
}

/** False for another writer's add without stats (optional in Delta): re-added or removed, it stays without them. */
function knownRowCount(a: AddAction): boolean {
  return !Number.isNaN(a.stats.numRows)
}

function toDeltaAdd(
  a: AddAction,
  kinds: ReadonlyMap<string, DeltaStatKind>,
  timestamp: number,
  dataChange: boolean,
): DeltaAdd {
  return {
    path: encodeDeltaPath(a.path),
    partitionValues: a.partitionValues,
    size: a.size,
    modificationTime: a.modificationTime ?? timestamp,
    dataChange,
    ...(knownRowCount(a) ? { stats: encodeDeltaStats(a.stats, kinds, a.deletionVector === undefined) } : {}),
    ...(a.checksum ? { tags: { [CHECKSUM_TAG]: a.checksum } } : {}),
    ...(a.deletionVector ? { deletionVector: a.deletionVector } : {}),
  }
}

/**
 * The commit file of a pf entry. `before`: the state it applies to (removes carry the removed file's size and
 * partition values; stats are typed by the metadata in effect). A reservation's planned actions are encoded the
 * same way, inside its commitInfo, where Delta readers ignore them.
 */
export function encodeLogEntry(entry: LogEntry, before: TableState | undefined): string {
  const metadata = entry.metadata ?? before?.metadata
  if (!metadata) throw new Error(`log entry ${entry.version} has no metadata to apply to`)
  refuseForeignTable(before?.metadata ?? metadata)
  const timestamp = entry.commitInfo.timestamp
  const dataChange = changesData(entry.commitInfo.operation)
  const kinds = statKinds(metadata)
  const reserved = entry.reserved
    ? {
        rowsAdded: entry.reserved.rowsAdded,
        rowsRemoved: entry.reserved.rowsRemoved,
        actions: [
          ...entry.reserved.remove.map((r) => ({ remove: toDeltaRemove(r, before, timestamp, dataChange) })),
          ...entry.reserved.add.map((a) => ({ add: toDeltaAdd(a, kinds, timestamp, dataChange) })),
        ],
      }
    : undefined
  const commit: DeltaCommit = {
    commitInfo: toCommitInfo(entry, metadata, reserved),
    ...(entry.protocol ? { protocol: entry.protocol } : {}),
    ...(entry.metadata ? { metaData: toDeltaMetaData(entry.metadata) } : {}),
    add: (entry.add ?? []).map((a) => toDeltaAdd(a, kinds, timestamp, dataChange)),
    remove: (entry.remove ?? []).map((r) => toDeltaRemove(r, before, timestamp, dataChange)),
    txn: (entry.appTxns ?? []).map((t) => ({ ...t })),
  }
  return encodeDeltaCommit(commit)
}

function decodedPath(uri: string, source: CommitSource): string {
  const decoded = decodeDeltaPath(uri)
  // The codec checked every path already; this keeps the type honest.
  if (!decoded.ok) throw new TableCorruptError(source.table, source.file, source.version, decoded.problem)
  return decoded.path
}

function fromAdd(a: DeltaAdd, source: CommitSource): AddAction {
  const path = decodedPath(a.path, source)
  // Stats are optional in Delta (older delta-rs and Spark tables): the row count is then unknown (NaN).
  const counted =
    a.stats === undefined || a.stats === null
      ? ({ ok: true, value: { numRows: Number.NaN, columns: {} } } as const)
      : decodeDeltaStats(a.stats, new Map())
  if (!counted.ok)
    throw new TableCorruptError(source.table, source.file, source.version, `add ${path}: ${counted.problem}`)
  const checksum = a.tags?.[CHECKSUM_TAG]
  if (checksum !== undefined && (checksum === null || !/^crc32:[0-9a-f]{8}$/.test(checksum))) {
    throw new TableCorruptError(
      source.table,
      source.file,
      source.version,
      `add ${path}: tag ${CHECKSUM_TAG} is not "crc32:" and 8 hex digits`,
    )
  }
  return {
    path,
    size: a.size,
    partitionValues: a.partitionValues,
    stats: new DeltaFileStats(counted.value.numRows, a.stats ?? '{}'),
    modificationTime: a.modificationTime,
    ...(checksum ? { checksum } : {}),
    ...(a.deletionVector ? { deletionVector: a.deletionVector } : {}),
  }
}

function fromRemove(r: DeltaRemove, source: CommitSource): RemoveAction {
  return {
    path: decodedPath(r.path, source),
    ...(r.deletionVector ? { deletionVector: r.deletionVector } : {}),
  }
}

function fromCommitInfo(
  raw: DeltaCommitInfo | undefined,
  source: CommitSource,
  mtime: number,
): {
  commitInfo: CommitInfo
  txn?: LogEntry['txn']
  reserved?: LogEntry['reserved']
} {
  const version = source.version
  const pf = checkPfCommitFields(raw ?? {})
  if (!pf.ok) throw new TableCorruptError(source.table, source.file, version, pf.problem)
  const own = pf.value.pf
  const timestamp = typeof raw?.timestamp === 'number' ? raw.timestamp : mtime
  const commitInfo: CommitInfo = {
    timestamp,
    operation: own?.operation ?? pfOperation(raw?.operation, version),
    readVersion: typeof raw?.readVersion === 'number' ? raw.readVersion : version - 1,
    rowsAdded: own?.rowsAdded ?? 0,
    rowsRemoved: own?.rowsRemoved ?? 0,
    txnId: typeof raw?.txnId === 'string' ? raw.txnId : '',
    ...(own?.details ? { details: own.details } : {}),
    ...(pf.value.tableFiles !== undefined ? { tableFiles: pf.value.tableFiles } : {}),
    ...(pf.value.tableRows !== undefined ? { tableRows: pf.value.tableRows } : {}),
  }
  const reserved = own?.reserved && fromReserved(own.reserved, source)
  return { commitInfo, ...(own?.txn ? { txn: own.txn } : {}), ...(reserved ? { reserved } : {}) }
}

/** A reservation's planned actions, validated by the Delta codec as the actions of a commit would be. */
function fromReserved(
  raw: { rowsAdded: number; rowsRemoved: number; actions: readonly Record<string, unknown>[] },
  source: CommitSource,
): NonNullable<LogEntry['reserved']> {
  const where = { ...source, file: `${source.file} (commitInfo.pf.reserved.actions)` }
  const planned = parseDeltaCommit(raw.actions.map((a) => JSON.stringify(a)).join('\n'), where)
  const kinds = raw.actions.flatMap((a) => Object.keys(a)).filter((k) => k !== 'add' && k !== 'remove')
  if (kinds.length > 0)
    throw new TableCorruptError(
      source.table,
      source.file,
      source.version,
      `commitInfo.pf.reserved.actions holds ${kinds[0]}, only add and remove are planned`,
    )
  return {
    remove: planned.remove.map((r) => fromRemove(r, where)),
    add: planned.add.map((a) => fromAdd(a, where)),
    rowsAdded: raw.rowsAdded,
    rowsRemoved: raw.rowsRemoved,
  }
}

/**
 * The actions of a classic Delta checkpoint of a state (PROTOCOL.md "Checkpoints"): its protocol, metaData, the
 * latest `txn` per appId, one `add` per live logical file (`dataChange: false`, stats and deletion vectors as
 * committed) and one `remove` per tombstone given (the unexpired ones, `dataChange: false`), for VACUUM. No commitInfo.
 */
export function deltaCheckpointActions(
  state: TableState,
  tombstones: readonly Tombstone[],
): DeltaCheckpointAction[] {
  refuseForeignTable(state.metadata)
  const kinds = statKinds(state.metadata)
  const actions: DeltaCheckpointAction[] = [
    {
      protocol: {
        minReaderVersion: state.protocol.minReaderVersion,
        minWriterVersion: state.protocol.minWriterVersion,
        ...(state.protocol.readerFeatures ? { readerFeatures: state.protocol.readerFeatures } : {}),
        ...(state.protocol.writerFeatures ? { writerFeatures: state.protocol.writerFeatures } : {}),
      },
    },
    { metaData: toDeltaMetaData(state.metadata) },
  ]
  for (const t of state.appTxns?.values() ?? []) actions.push({ txn: { ...t } })
  for (const file of state.files.values()) {
    actions.push({ add: toDeltaAdd(file.add, kinds, state.timestamp, false) })
  }
  for (const t of tombstones) actions.push({ remove: toDeltaTombstone(t) })
  return actions
}

/** A tombstone as a checkpoint's `remove` (extended file metadata when size and partition values are known). */
function toDeltaTombstone(t: Tombstone): DeltaRemove {
  const extended = t.size !== undefined && t.partitionValues !== undefined
  return {
    path: encodeDeltaPath(t.path),
    deletionTimestamp: t.deletionTimestamp,
    dataChange: false,
    ...(extended ? { extendedFileMetadata: true, partitionValues: t.partitionValues, size: t.size } : {}),
    ...(t.deletionVector ? { deletionVector: t.deletionVector } : {}),
  }
}

/** A `remove` read from a checkpoint as a tombstone. */
function fromDeltaTombstone(r: DeltaRemove, source: CommitSource): Tombstone {
  return {
    ...fromRemove(r, source),
    deletionTimestamp: r.deletionTimestamp ?? 0,
    ...(typeof r.size === 'number' ? { size: r.size } : {}),
    ...(r.partitionValues ? { partitionValues: r.partitionValues } : {}),
  }
}

/** A commit file as pf's log entry (any Delta commit; pf's metadata required where a metaData action is). */
export function decodeLogEntry(text: string, source: CommitSource, mtime = 0): LogEntry {
  const commit = parseDeltaCommit(text, source)
  const { commitInfo, txn, reserved } = fromCommitInfo(commit.commitInfo, source, mtime)
  const protocol: DeltaProtocol | undefined = commit.protocol
  return {
    version: source.version,
    commitInfo,
    ...(protocol
      ? {
          protocol: {
            minReaderVersion: protocol.minReaderVersion,
            minWriterVersion: protocol.minWriterVersion,
            ...(protocol.readerFeatures ? { readerFeatures: [...protocol.readerFeatures] } : {}),
            ...(protocol.writerFeatures ? { writerFeatures: [...protocol.writerFeatures] } : {}),
          },
        }
      : {}),
    ...(commit.metaData ? { metadata: fromDeltaMetaData(commit.metaData, source) } : {}),
    ...(commit.remove.length > 0 ? { remove: commit.remove.map((r) => fromRemove(r, source)) } : {}),
    ...(commit.add.length > 0 ? { add: commit.add.map((a) => fromAdd(a, source)) } : {}),
    ...(txn ? { txn } : {}),
    ...(reserved ? { reserved } : {}),
    ...(commit.txn.length > 0
      ? {
          appTxns: commit.txn.map((t) => ({
            appId: t.appId,
            version: t.version,
            ...(typeof t.lastUpdated === 'number' ? { lastUpdated: t.lastUpdated } : {}),
          })),
        }
      : {}),
  }
}

/** What a Delta checkpoint says a version is: pf's view of its actions. */
export interface DeltaCheckpointContent {
  readonly protocol: NonNullable<LogEntry['protocol']>
  readonly metadata: TableMetadata
  readonly add: readonly AddAction[]
  /** The latest `txn` per appId. */
  readonly appTxns: readonly AppTxn[]
}

/** The tombstones of a Delta checkpoint: its `remove` actions (what VACUUM needs of the files removed before it). */
export function deltaCheckpointTombstones(
  actions: readonly DeltaCheckpointReadAction[],
  source: CommitSource,
): Tombstone[] {
  const tombstones: Tombstone[] = []
  for (const action of actions)
    if ('remove' in action) tombstones.push(fromDeltaTombstone(action.remove, source))
  return tombstones
}

/**
 * pf's view of a Delta checkpoint's actions (all parts, in order) but its tombstones (`deltaCheckpointTombstones`);
 * TableCorruptError without protocol or metaData. V2-spec actions must be resolved first (decodeCheckpointFile reads
 * the sidecars); one left here is TableProtocolError.
 */
export function fromDeltaCheckpoint(
  actions: readonly DeltaCheckpointReadAction[],
  source: CommitSource,
): DeltaCheckpointContent {
  let protocol: DeltaProtocol | undefined
  let meta: DeltaMetaData | undefined
  const adds: AddAction[] = []
  const txns = new Map<string, AppTxn>()
  for (const action of actions) {
    if ('protocol' in action) protocol = action.protocol
    else if ('metaData' in action) meta = action.metaData
    else if ('add' in action) adds.push(fromAdd(action.add, source))
    else if ('txn' in action) {
      const t = action.txn
      txns.set(t.appId, {
        appId: t.appId,
        version: t.version,
        ...(typeof t.lastUpdated === 'number' ? { lastUpdated: t.lastUpdated } : {}),
      })
    } else if ('sidecar' in action || 'checkpointMetadata' in action) {
      throw new TableProtocolError(
        source.table,
        `${source.file}: V2-spec checkpoint actions reached the replay unresolved (read it with decodeCheckpointFile)`,
      )
    }
  }
  if (!protocol || !meta)
    throw new TableCorruptError(
      source.table,
      source.file,
      source.version,
      'the checkpoint has no protocol or metaData',
    )
  return {
    protocol: {
      minReaderVersion: protocol.minReaderVersion,
      minWriterVersion: protocol.minWriterVersion,
      ...(protocol.readerFeatures ? { readerFeatures: [...protocol.readerFeatures] } : {}),
      ...(protocol.writerFeatures ? { writerFeatures: [...protocol.writerFeatures] } : {}),
    },
    metadata: fromDeltaMetaData(meta, source),
    add: adds,
    appTxns: [...txns.values()],
  }
}
