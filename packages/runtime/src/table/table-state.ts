import { deletionVectorId } from '../delta/delta-actions.js'
import { type DeltaCheckpointContent, DeltaFileStats } from './delta-log-entry.js'
import type { ColumnStats, FileStats } from './file-stats.js'
import { refuseForeignTable } from './foreign-table-metadata.js'
import { type LiveFileColumns, LiveFileMap } from './live-file-map.js'
import type { AddAction, AppTxn, LogEntry, ProtocolAction, RemoveAction, TableMetadata } from './log-entry.js'
import { checkColumnStats } from './log-entry-schema.js'
import { logicalFileKey, type Tombstone, TombstoneSet } from './table-tombstones.js'
import { type Reservation, trackReservations } from './txn-publish.js'

/** A logical file that is part of a version: a data file and the rows deleted from it. */
export interface LiveFile {
  readonly add: AddAction
  /** The version that added the file (as this logical file: with this deletion vector). */
  readonly version: number
  /** Encoded keys whose rows in this file are deleted (pf's checkpoint cache of older tables; empty otherwise). */
  readonly deleted: ReadonlySet<string>
  /** Rows of the file that are deleted: its deletion vector's cardinality. */
  readonly deletedRows: number
}

/** The remove action of a live logical file (its deletion vector included: Delta identifies it by both). */
export function removeOf(file: LiveFile): RemoveAction {
  const dv = file.add.deletionVector
  return dv ? { path: file.add.path, deletionVector: dv } : { path: file.add.path }
}

/** Everything a version is: the result of replaying the log up to it. Immutable. */
export interface TableState {
  readonly version: number
  /** Commit time of the version, ms since the epoch. */
  readonly timestamp: number
  readonly protocol: ProtocolAction
  readonly metadata: TableMetadata
  /** Live files by relative path, in the order they were added (a LiveFileMap once read or replayed). */
  readonly files: ReadonlyMap<string, LiveFile>
  /** Visible rows (kept with the state: commits record it and replay checks it). */
  readonly rows: number
  /** Committed multi-table transactions reserved here and not yet published, by id (see txn-publish.ts). */
  readonly unpublished?: ReadonlyMap<string, Reservation>
  /** The latest Delta `txn` action per appId (checkpoints must keep them: publications are idempotent by them). */
  readonly appTxns?: ReadonlyMap<string, AppTxn>
  /**
   * Removed logical files not re-added (expired ones are dropped by checkpoints); read from their checkpoint only
   * when listed (checkpoint writing, vacuum).
   */
  readonly tombstones?: TombstoneSet
}

/** A data file's statistics as a checkpoint stores them: the per-column part as JSON text, parsed when used. */
export interface CheckpointStats {
  readonly numRows: number
  readonly columnsJson: string
}

/** A file of a checkpoint. `stats` is `CheckpointStats` since checkpoints are read lazily; older ones hold `FileStats`. */
export interface CheckpointFile {
  readonly add: Omit<AddAction, 'stats'> & { readonly stats: FileStats | CheckpointStats }
  readonly version: number
  readonly deleted: string[]
  readonly deletedRows: number
}

/** The serialised form of a state (a checkpoint file); its tombstones are a file of their own (tombstone-sidecar.ts). */
export interface CheckpointData {
  readonly version: number
  readonly timestamp: number
  readonly protocol: ProtocolAction
  readonly metadata: TableMetadata
  readonly files: readonly CheckpointFile[]
  /** The latest `txn` per appId (absent in caches written before pf kept them). */
  readonly appTxns?: readonly AppTxn[]
}

/** A checkpoint whose files are columns, each file built on first use (pf's checkpoint cache, see LiveFileMap). */
export interface ColumnarCheckpointData extends Omit<CheckpointData, 'files'> {
  readonly files: LiveFileColumns
}

/** Shared by every file without deleted keys. */
export const NO_KEYS: ReadonlySet<string> = new Set()

/**
 * FileStats whose per-column part is parsed on first use. Opening a table reads the newest checkpoint, which
 * lists every live file: parsing 10,000 files' column statistics up front cost more than everything else.
 * The JSON text is kept (private) and written back as it was by the next checkpoint.
 */
class LazyFileStats implements FileStats {
  /** The JSON text, or the UTF-8 bytes it is in (from `start` to `end`) until first used. */
  #json: string | Uint8Array
  readonly #start: number
  readonly #end: number
  readonly #invalid: (detail: string) => Error
  #columns: Readonly<Record<string, ColumnStats>> | undefined
  constructor(
    readonly numRows: number,
    json: string | Uint8Array,
    /** The error for statistics that do not parse or validate (names the checkpoint). */
    invalid: (detail: string) => Error,
    start = 0,
    end = 0,
  ) {
    this.#json = json
    this.#invalid = invalid
    this.#start = start
    this.#end = end
  }
  get columns(): Readonly<Record<string, ColumnStats>> {
    if (this.#columns === undefined) {
      let raw: unknown
      try {
        raw = JSON.parse(this.json)
      } catch {
        throw this.#invalid('file statistics are not valid JSON')
      }
      const checked = checkColumnStats(raw)
      if (!checked.ok) throw this.#invalid(`file statistics: ${checked.problem}`)
      this.#columns = checked.value
      return checked.value
    }
    return this.#columns
  }
  /** The per-column statistics as JSON text. */
  get json(): string {
    if (typeof this.#json !== 'string') {
      const b = this.#json
      this.#json = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8', this.#start, this.#end)
    }
    return this.#json
  }
}

/**
 * Statistics whose per-column JSON is the UTF-8 bytes `bytes[start, end)` (a cache file's, checked by its CRC-32),
 * decoded and parsed on first use; `invalid` makes the error for statistics that do not parse or validate.
 */
export function statsInBytes(
  numRows: number,
  bytes: Uint8Array,
  start: number,
  end: number,
  invalid: (detail: string) => Error,
): FileStats {
  return new LazyFileStats(numRows, bytes, invalid, start, end)
}

function checkpointStats(stats: FileStats): CheckpointStats {
  const columnsJson = stats instanceof LazyFileStats ? stats.json : JSON.stringify(stats.columns)
  return { numRows: stats.numRows, columnsJson }
}

/** Rows visible in a state. */
export function liveRows(state: TableState): number {
  return state.rows
}

function countRows(files: Iterable<LiveFile>): number {
  let n = 0
  for (const f of files) n += f.add.stats.numRows - f.deletedRows
  return n
}

/** An entry that does not apply to the state before it; `version` names the entry. */
export class ReplayError extends Error {
  constructor(
    readonly version: number,
    message: string,
  ) {
    super(message)
  }
}

/** Why a state does not have the totals its version's entry recorded, or undefined when it does (or none were). */
export function totalsProblem(
  state: { readonly files: { readonly size: number }; readonly rows: number },
  entry: { readonly commitInfo: { readonly tableFiles?: number; readonly tableRows?: number } },
): string | undefined {
  const { tableFiles, tableRows } = entry.commitInfo
  if (tableFiles !== undefined && tableFiles !== state.files.size)
    return `${state.files.size} files are live, the log recorded ${tableFiles}`
  // An unknown row count (another writer's add without stats) has no total to check against.
  if (tableRows !== undefined && !Number.isNaN(state.rows) && tableRows !== state.rows)
    return `${state.rows} rows are live, the log recorded ${tableRows}`
  return undefined
}

/**
 * Replays log entries onto a state (or from nothing, starting with version 0), as PROTOCOL.md "Action
 * Reconciliation" says: the latest protocol and metadata win; a logical file is (path, deletion vector id), an
 * add replaces any earlier add of its path, a remove ends the logical file it names. Pure. Checks each entry
 * against the state (removed logical files live, the live file and row totals it recorded) and throws a
 * ReplayError naming the entry; callers wrap it with the file name.
 */
export function replay(start: TableState | undefined, entries: readonly LogEntry[]): TableState {
  let version = start?.version ?? -1
  let timestamp = start?.timestamp ?? 0
  let protocol = start?.protocol
  let metadata = start?.metadata
  let rows = start?.rows ?? 0
  let unpublished = start?.unpublished
  let appTxns = start?.appTxns
  const files = LiveFileMap.editing(start?.files)
  const tombstoneChanges = new Map<string, Tombstone | null>()
  for (const entry of entries) {
    const v = entry.version
    if (v !== version + 1) throw new ReplayError(v, `expected version ${version + 1}, found ${v}`)
    version = v
    timestamp = entry.commitInfo.timestamp
    if (entry.protocol) protocol = entry.protocol
    if (entry.metadata) metadata = entry.metadata
    for (const r of entry.remove ?? []) {
      const live = files.get(r.path)
      const id = deletionVectorId(r.deletionVector)
      if (!live || deletionVectorId(live.add.deletionVector) !== id) {
        const named = id === undefined ? r.path : `${r.path} (deletion vector ${id})`
        throw new ReplayError(v, `removes ${named}, which is not live`)
      }
      files.delete(r.path)
      rows -= live.add.stats.numRows - live.deletedRows
      tombstoneChanges.set(logicalFileKey(r), {
        path: r.path,
        deletionTimestamp: timestamp,
        ...(r.deletionVector ? { deletionVector: r.deletionVector } : {}),
        size: live.add.size,
        partitionValues: live.add.partitionValues,
      })
    }
    if (!protocol || !metadata) throw new ReplayError(v, 'no protocol or metadata (version 0 missing)')
    for (const a of entry.add ?? []) {
      if (a.stats instanceof DeltaFileStats) a.stats.bind(metadata)
      const replaced = files.get(a.path)
      if (replaced) rows -= replaced.add.stats.numRows - replaced.deletedRows
      const deletedRows = a.deletionVector?.cardinality ?? 0
      if (deletedRows > a.stats.numRows)
        throw new ReplayError(v, `adds ${a.path} with ${deletedRows} deleted rows of ${a.stats.numRows}`)
      files.set(a.path, { add: a, version, deleted: NO_KEYS, deletedRows })
      rows += a.stats.numRows - deletedRows
      tombstoneChanges.set(logicalFileKey(a), null)
    }
    const problem = totalsProblem({ files, rows }, entry)
    if (problem !== undefined) throw new ReplayError(v, problem)
    unpublished = trackReservations(unpublished, entry, metadata)
    if (entry.appTxns?.length) {
      const next = new Map(appTxns)
      for (const t of entry.appTxns) next.set(t.appId, t)
      appTxns = next
    }
  }
  if (!protocol || !metadata)
    throw new ReplayError(version + 1, 'no protocol or metadata (version 0 missing)')
  const tombstones = TombstoneSet.after(start?.tombstones, tombstoneChanges)
  return {
    version,
    timestamp,
    protocol,
    metadata,
    files: files.done(),
    rows,
    ...(unpublished ? { unpublished } : {}),
    ...(appTxns ? { appTxns } : {}),
    ...(tombstones ? { tombstones } : {}),
  }
}

/**
 * The totals a commit records in its entry: live files and rows after it (checked by every later replay). The rows
 * are left out while a live file's row count is unknown (an add without stats: Delta makes them optional).
 */
export function totalsOf(state: TableState): { tableFiles: number; tableRows?: number } {
  return Number.isNaN(state.rows)
    ? { tableFiles: state.files.size }
    : { tableFiles: state.files.size, tableRows: state.rows }
}

/** A state as checkpoint data (its tombstones are written beside it, see tombstone-sidecar.ts). */
export function toCheckpoint(state: TableState): CheckpointData {
  refuseForeignTable(state.metadata)
  return {
    version: state.version,
    timestamp: state.timestamp,
    protocol: state.protocol,
    metadata: state.metadata,
    files: [...state.files.values()].map((f) => ({
      add: { ...f.add, stats: checkpointStats(f.add.stats) },
      version: f.version,
      deleted: [...f.deleted],
      deletedRows: f.deletedRows,
    })),
    ...(state.appTxns?.size ? { appTxns: [...state.appTxns.values()] } : {}),
  }
}

/**
 * A state from (validated) checkpoint data or a cache file's columns; `invalid` makes the error for statistics
 * found broken when parsed; `tombstones`: the checkpoint's, read when first listed.
 */
export function fromCheckpoint(
  data: CheckpointData | ColumnarCheckpointData,
  invalid: (detail: string) => Error,
  tombstones: TombstoneSet,
): TableState {
  const { files, rows } =
    'fileAt' in data.files
      ? { files: LiveFileMap.of(data.files), rows: data.files.rows }
      : fileMapOf(data.files, invalid)
  return {
    version: data.version,
    timestamp: data.timestamp,
    protocol: data.protocol,
    metadata: data.metadata,
    files,
    rows,
    ...(data.appTxns?.length ? { appTxns: new Map(data.appTxns.map((t) => [t.appId, t])) } : {}),
    tombstones,
  }
}

/** The live files of an older cache file's (validated) objects and their visible rows. */
function fileMapOf(
  data: readonly CheckpointFile[],
  invalid: (detail: string) => Error,
): { files: ReadonlyMap<string, LiveFile>; rows: number } {
  const files = new Map<string, LiveFile>()
  let rows = 0
  for (const f of data) {
    // The parsed objects are this function's own: they become the live files in place (fewer allocations).
    const stats = f.add.stats
    if ('columnsJson' in stats) {
      ;(f.add as { stats: FileStats }).stats = new LazyFileStats(stats.numRows, stats.columnsJson, invalid)
    }
    const live = f as unknown as { deleted: ReadonlySet<string> | string[] }
    live.deleted = f.deleted.length === 0 ? NO_KEYS : new Set(f.deleted)
    files.set(f.add.path, f as unknown as LiveFile)
    rows += stats.numRows - f.deletedRows
  }
  return { files, rows }
}

/**
 * The state a Delta checkpoint holds (PROTOCOL.md "Checkpoints"): its adds are the live logical files, each
 * counted as added at the checkpoint's version (the commits that added them may be gone). `timestamp`: the
 * version's commit time where known; `tombstones`: its `remove` rows, decoded when first listed.
 */
export function fromDeltaCheckpoint(
  version: number,
  timestamp: number,
  content: DeltaCheckpointContent,
  tombstones: TombstoneSet,
): TableState {
  const files = new Map<string, LiveFile>()
  for (const a of content.add) {
    if (a.stats instanceof DeltaFileStats) a.stats.bind(content.metadata)
    const deletedRows = a.deletionVector?.cardinality ?? 0
    if (deletedRows > a.stats.numRows)
      throw new ReplayError(version, `adds ${a.path} with ${deletedRows} deleted rows of ${a.stats.numRows}`)
    files.set(a.path, { add: a, version, deleted: NO_KEYS, deletedRows })
  }
  return {
    version,
    timestamp,
    protocol: content.protocol,
    metadata: content.metadata,
    files,
    rows: countRows(files.values()),
    ...(content.appTxns.length > 0 ? { appTxns: new Map(content.appTxns.map((t) => [t.appId, t])) } : {}),
    tombstones,
  }
}
