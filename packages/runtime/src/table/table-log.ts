import { isAscii } from 'node:buffer'
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { CHECKPOINT_COLUMNS, CHECKPOINT_V2_COLUMNS } from '../delta/checkpoint-arrow-schema.js'
import { CheckpointFormatError, type DeltaCheckpointReadAction } from '../delta/checkpoint-parquet.js'
import { decodeCheckpointFile, SIDECAR_DIR, uuidCheckpointVersion } from '../delta/checkpoint-v2.js'
import { deletionVectorAbsolutePath } from '../delta/deletion-vector.js'
import { type CommitAnchor, commitAnchor } from '../delta/delta-log-codec.js'
import { decodeLastCheckpoint, encodeLastCheckpoint } from '../delta/last-checkpoint.js'
import { ParquetFrameError } from '../errors/pf-error.js'
import { decodeCheckpointCache, encodeCheckpointCache } from './checkpoint-cache-file.js'
import { encodeCheckpointOffThread } from './checkpoint-encoding.js'
import { commitLogOf, flushFiles, recoverCommitLogs } from './commit-wal.js'
import { durable, forgetLogged, loggedFiles } from './data-file-durability.js'
import {
  decodeLogEntry,
  deltaCheckpointActions,
  fromDeltaCheckpoint as deltaCheckpointContent,
  deltaCheckpointTombstones,
  encodeLogEntry,
} from './delta-log-entry.js'
import { type FileSystem, isNotFound } from './file-system.js'
import {
  type AddAction,
  CHECKPOINT_CACHE_DIR,
  checkpointFileName,
  deltaCheckpointFileName,
  LAST_CHECKPOINT,
  LEGACY_LOG_DIR,
  LOG_DIR,
  type LogEntry,
  logFileName,
  PRIVATE_DIR,
  type TxnRef,
  versionOfCheckpointFile,
  versionOfLogFile,
} from './log-entry.js'
import { checkCheckpoint, checkTombstoneFile } from './log-entry-schema.js'
import { QuietWait } from './quiet-wait.js'
import {
  type CacheHint,
  decodeCacheHint,
  encodeCacheHint,
  snapshotFileName,
  snapshotStep,
  versionOfSnapshotFile,
} from './state-cache.js'
import {
  LegacyTableLogError,
  TableCorruptError,
  TableNotFoundError,
  TableProtocolError,
  TableVersionExpiredError,
} from './table-errors.js'
import { readerProblem } from './table-protocol.js'
import {
  type CheckpointData,
  type ColumnarCheckpointData,
  fromCheckpoint,
  fromDeltaCheckpoint,
  ReplayError,
  replay,
  type TableState,
  toCheckpoint,
  totalsProblem,
} from './table-state.js'
import {
  type Tombstone,
  TombstoneSet,
  tombstoneRetentionMs,
  unexpiredTombstones,
} from './table-tombstones.js'
import { removeQuietly } from './temp-files.js'
import { encodeTombstoneFile, tombstoneFileName } from './tombstone-sidecar.js'
import { TxnDecisions } from './txn-decisions.js'

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
/** Entries are written as UTF-8 (PROTOCOL.md: newline-delimited JSON). */
const utf8 = new TextEncoder()

/** A look at the entry after a state: entry `next` (undefined when missing) and whether `next + 1` exists. */
interface NextLook {
  readonly next: number
  readonly read: Promise<[LogEntry | undefined, boolean]>
}

/** The complete Delta checkpoints in `_delta_log/` (classic or multi-part): version → part file names, in order. */
type DeltaCheckpoints = ReadonlyMap<number, readonly string[]>

/** Classic (`<v>.checkpoint.parquet`) and multi-part (`<v>.checkpoint.<part>.<parts>.parquet`) checkpoint names. */
const DELTA_CHECKPOINT = /^(\d{20})\.checkpoint(?:\.(\d{10})\.(\d{10}))?\.parquet$/

/** The complete Delta checkpoints among a log folder's file names (a multi-part one needs every part). */
function deltaCheckpointsIn(names: readonly string[]): DeltaCheckpoints {
  const parts = new Map<number, { total: number; names: Map<number, string> }>()
  const complete = new Map<number, readonly string[]>()
  for (const n of names) {
    // A UUID-named (V2) checkpoint is one file; its sidecars are read with it (checkpoint-v2.ts).
    const uuid = uuidCheckpointVersion(n)
    if (uuid !== undefined) {
      if (!complete.has(uuid)) complete.set(uuid, [n])
      continue
    }
    const m = DELTA_CHECKPOINT.exec(n)
    if (!m) continue
    const version = Number(m[1])
    if (m[2] === undefined) {
      complete.set(version, [n])
      continue
    }
    const total = Number(m[3])
    const found = parts.get(version) ?? { total, names: new Map<number, string>() }
    if (found.total === total) found.names.set(Number(m[2]), n)
    parts.set(version, found)
  }
  for (const [version, { total, names: found }] of parts) {
    if (complete.has(version) || found.size !== total) continue
    const ordered = Array.from({ length: total }, (_, i) => found.get(i + 1))
    if (ordered.every((n) => n !== undefined)) complete.set(version, ordered as string[])
  }
  return complete
}
/** A cached checkpoint's `txn` entry (the schema check of log-entry-schema.ts does not cover them). */
function isAppTxn(t: unknown): boolean {
  if (typeof t !== 'object' || t === null) return false
  const { appId, version, lastUpdated } = t as Record<string, unknown>
  return (
    typeof appId === 'string' &&
    Number.isSafeInteger(version) &&
    (lastUpdated === undefined || Number.isSafeInteger(lastUpdated))
  )
}

/** The oldest commit on disk; without any, the version after the newest checkpoint (all commits cleaned up). */
function firstCommit(entries: readonly number[], delta: DeltaCheckpoints): number {
  return entries[0] ?? (delta.size > 0 ? Math.max(...delta.keys()) + 1 : Number.POSITIVE_INFINITY)
}

/** The oldest version a cleaned-up log can reconstruct: its oldest checkpoint from which the commits run on. */
function oldestReadable(first: number, delta: DeltaCheckpoints): number {
  const usable = [...delta.keys()].filter((c) => c >= first - 1)
  return usable.length > 0 ? Math.min(...usable) : first
}

/** The action columns of a Delta checkpoint an open decodes: all but `remove` (tombstones, read when listed). */
const OPEN_COLUMNS = Object.keys({ ...CHECKPOINT_COLUMNS, ...CHECKPOINT_V2_COLUMNS }).filter(
  (c) => c !== 'remove',
)

/** Time without a commit before the state cache is written (writeSnapshotWhenIdle). */
const CACHE_IDLE_MS = 100
/** Under commits that never pause, the state is cached once it lags this many versions (if due then). */
const CACHE_MAX_LAG = 32

/** Log entries read ahead in parallel when catching up. */
const READ_AHEAD = 8

/**
 * Reads and writes a table's commit log, the Delta log `_delta_log/`, through the file-system seam; keeps pf's
 * checkpoint cache in `_pf/checkpoints/` (a cache: checked against the log, skipped when it disagrees).
 */
export class TableLog {
  readonly dir: string
  /** pf's checkpoint cache folder. */
  readonly cacheDir: string
  /** Parsed entries and checkpoints by version: log files never change once created. */
  private readonly entries = new Map<number, LogEntry>()
  private readonly checkpoints = new Map<number, TableState>()
  /** Decisions of the multi-table transactions some entries belong to. */
  decisions: TxnDecisions
  /** Table name for error messages (the path until version 0 names the entity, see `rename`). */
  private name: string
  /** Newest version of pf's cache (checkpoint or cached state) this object read or wrote; -1 before any. */
  private newestCached = -1
  /** The pause in this process's commits a state cache waits for (writeSnapshotWhenIdle). */
  private readonly cacheQuiet = new QuietWait(CACHE_IDLE_MS)
  /** Recovery from commit logs (commit-wal.ts): running, or true once done. */
  private recovery: Promise<void> | true | undefined

  constructor(
    readonly root: string,
    readonly fs: FileSystem,
    table: string,
  ) {
    this.dir = join(root, LOG_DIR)
    this.cacheDir = join(root, PRIVATE_DIR, CHECKPOINT_CACHE_DIR)
    this.name = table
    this.decisions = new TxnDecisions(fs, table)
  }

  /** Table name for error messages. */
  get table(): string {
    return this.name
  }

  /** Names the table in later errors (once its entity is known). */
  rename(table: string): void {
    this.name = table
    this.decisions = new TxnDecisions(this.fs, table)
  }

  /** Path of a version's log entry. */
  entryPath(version: number): string {
    return join(this.dir, logFileName(version))
  }

  private text(bytes: Uint8Array, file: string, version: number): string {
    try {
      // ASCII (the usual case) decodes as latin1 in a fraction of the time the checking UTF-8 decoder takes.
      return isAscii(bytes)
        ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
        : decoder.decode(bytes)
    } catch (error) {
      throw new TableCorruptError(this.table, file, version, 'not valid UTF-8 (damaged)', { cause: error })
    }
  }

  private parse(bytes: Uint8Array, file: string, version: number): unknown {
    const text = this.text(bytes, file, version)
    try {
      return JSON.parse(text) as unknown
    } catch (error) {
      throw new TableCorruptError(this.table, file, version, 'not valid JSON (truncated or damaged)', {
        cause: error,
      })
    }
  }

  /** The entry of a version, or undefined when it does not exist (yet). */
  async readEntry(version: number): Promise<LogEntry | undefined> {
    const cached = this.entries.get(version)
    if (cached) return cached
    const text = await this.entryText(version)
    return text === undefined ? undefined : this.decodeEntry(text, version)
  }

  /** The text of a version's commit file, or undefined when it does not exist (yet). */
  private async entryText(version: number): Promise<string | undefined> {
    const file = this.entryPath(version)
    let bytes: Uint8Array
    try {
      bytes = await this.fs.readFile(file)
    } catch (error) {
      if (isNotFound(error)) return undefined
      throw error
    }
    return this.text(bytes, file, version)
  }

  /** Decodes a version's commit text (checked, its transaction noted) and keeps the entry. */
  private decodeEntry(text: string, version: number): LogEntry {
    const file = this.entryPath(version)
    const entry = decodeLogEntry(text, { table: this.table, file, version })
    if (entry.txn) this.decisions.check(entry as LogEntry & { txn: TxnRef }, file)
    if (this.entries.size >= 20_000) this.entries.clear()
    this.entries.set(version, entry)
    return entry
  }

  /**
   * The entry of a version as it counts: a void stand-in when its multi-table transaction aborted,
   * 'pending' while that transaction is undecided, undefined when there is no entry (yet).
   */
  async readResolved(version: number): Promise<LogEntry | 'pending' | undefined> {
    const entry = await this.readEntry(version)
    return entry && this.decisions.resolve(this.root, entry)
  }

  /** The entry after a state when it belongs to an undecided multi-table transaction. */
  async pendingAfter(state: TableState): Promise<(LogEntry & { txn: TxnRef }) | undefined> {
    const next = await this.readEntry(state.version + 1)
    if (!next?.txn || (await this.decisions.resolve(this.root, next)) !== 'pending') return undefined
    return next as LogEntry & { txn: TxnRef }
  }

  /**
   * Creates a version's commit if no writer has (throws an EEXIST error otherwise), then syncs the directory.
   * The entry appears only once the data files it adds that this process wrote are durable (their flush runs
   * while the entry is written, see data-file-durability.ts); a failed flush fails the commit, creating nothing.
   * `before`: the state the entry applies to (undefined for version 0). `gate`: waited for (alongside the flushes
   * and the entry's own write) before the entry appears, e.g. another writer's commit turn.
   */
  async writeEntry(
    entry: LogEntry,
    before: TableState | undefined,
    gate?: () => Promise<void>,
  ): Promise<void> {
    // Data files and deletion vector files this process may still be writing (data-file-write-behind.ts).
    const added = [...(entry.add ?? []), ...(entry.reserved?.add ?? [])].flatMap((a) => [
      join(this.root, a.path),
      ...vectorFileOf(a, this.root),
    ])
    // Only a file system whose exclusive create honours `after` lets the gate overlap the entry's write.
    const overlap = this.fs.gatedCreate === true
    if (gate && !overlap) await gate()
    const wal = before ? commitLogOf(this.fs, this.root, this.tableIdentity) : undefined
    const path = this.entryPath(entry.version)
    const text = encodeLogEntry(entry, before)
    if (!wal || !before) {
      // Files written for the commit log are flushed here (e.g. a first version naming them).
      const flushed = durable(added).then(() =>
        flushFiles(
          this.fs,
          loggedFiles(added).map((f) => f.path),
        ),
      )
      const after = gate && overlap ? Promise.all([flushed, gate()]) : flushed
      // Observed here too: a create that fails before looking at `after` must not leave it unhandled.
      after.catch(() => undefined)
      await this.fs.createExclusive(path, text, { after, syncDir: true })
      return
    }
    // Through the commit log (commit-wal.ts): nothing flushed before the link; the record makes the commit durable.
    const after = Promise.all([
      durable(added),
      gate && overlap ? gate() : undefined,
      wal.ensureDurable(before.version, () => this.filesOf(before.version)),
    ])
    after.catch(() => undefined)
    // Encoded once: the entry's file and its record hold the same bytes.
    const bytes = utf8.encode(text)
    await this.fs.createExclusive(path, bytes, { after, durable: false })
    const mine = wal.linked(entry.version)
    const logged = loggedFiles(added)
    try {
      await wal.append(entry.version, [{ path, bytes }, ...logged])
    } catch {
      // The log could not be appended to: the commit is made durable by flushing what it wrote instead.
      try {
        await flushFiles(this.fs, [path, ...logged.map((f) => f.path)])
      } catch (error) {
        mine.fail()
        throw error
      }
    }
    forgetLogged(logged.map((f) => f.path))
    mine.done()
  }

  /**
   * A version's entry and the files it adds (absolute paths): what makes it durable when flushed. None when its
   * commit file is gone (log cleanup after a checkpoint: the checkpoint, flushed when written, holds the version).
   */
  private async filesOf(version: number): Promise<string[]> {
    const entry = await this.readEntry(version)
    if (!entry) return []
    return [
      this.entryPath(version),
      ...[...(entry.add ?? []), ...(entry.reserved?.add ?? [])].flatMap((a) => [
        join(this.root, a.path),
        ...vectorFileOf(a, this.root),
      ]),
    ]
  }

  /** Recovers the table from commit logs left by writers that no longer run, once, before its first read. */
  private recovered(): Promise<void> | undefined {
    if (this.recovery === true) return undefined
    this.recovery ??= recoverCommitLogs(this.fs, this.root, this.name).then(
      () => {
        this.recovery = true
      },
      (error: unknown) => {
        this.recovery = undefined
        throw error
      },
    )
    return this.recovery
  }

  /** True when a version's entry exists (a cheap stat; the entry is not read). */
  private async exists(version: number): Promise<boolean> {
    try {
      await this.fs.stat(this.entryPath(version))
      return true
    } catch (error) {
      if (isNotFound(error)) return false
      throw error
    }
  }

  private gap(missing: number, present: number): TableCorruptError {
    return new TableCorruptError(
      this.table,
      this.entryPath(missing),
      missing,
      `log entry missing, but version ${present} exists (entries were deleted)`,
    )
  }

  /**
   * Which table this is: version 0's file identity (see `FileStat.identity`), recorded by the first open. A
   * table folder deleted and created again at the same path is another table; caches must not outlive it.
   * Without version 0: TableNotFoundError when the log holds nothing, TableCorruptError when it holds entries
   * or checkpoints (a table is never re-created over them).
   */
  async identity(): Promise<string> {
    try {
      return (await this.fs.stat(this.entryPath(0))).identity ?? ''
    } catch (error) {
      if (!isNotFound(error)) throw error
    }
    // Log cleanup (PROTOCOL.md "Metadata Cleanup") may delete the commits before a checkpoint: the oldest one names it.
    const oldest = await this.list().then(
      (listed) => [...listed.delta.entries()].sort((a, b) => a[0] - b[0])[0],
      () => undefined,
    )
    if (oldest) {
      const parts = oldest[1]
      return `checkpoint:${(await this.fs.stat(join(this.dir, parts[0] as string))).identity ?? ''}`
    }
    await this.assertVersion0OrEmpty()
    const legacy = join(this.root, LEGACY_LOG_DIR)
    const isLegacy = await this.fs.stat(join(legacy, logFileName(0))).then(
      () => true,
      (error: unknown) => {
        if (isNotFound(error)) return false
        throw error
      },
    )
    if (isLegacy) throw new LegacyTableLogError(this.root, legacy)
    throw new TableNotFoundError(this.root)
  }

  /** Version 0's identity when this log was first read (see `identity`). */
  private recorded: string | undefined

  /** Which table this log object describes: recorded by the first read; '' where identities are unknown. */
  get tableIdentity(): string {
    return this.recorded ?? ''
  }

  /**
   * True while the table on disk is the one this object first read (a stat of version 0); false once the folder
   * was deleted and a table created again at its path. TableNotFoundError / TableCorruptError without version 0.
   */
  async sameTable(): Promise<boolean> {
    const now = await this.identity()
    this.recorded ??= now
    return now === this.recorded
  }

  /** Throws TableCorruptError when the log folder holds entries or checkpoints but no version 0. */
  async assertVersion0OrEmpty(): Promise<void> {
    let listed: { entries: number[]; checkpoints: number[]; delta: DeltaCheckpoints }
    try {
      listed = await this.list()
    } catch (error) {
      if (error instanceof TableNotFoundError) return
      throw error
    }
    const checkpoints = listed.checkpoints.length + listed.delta.size
    if (listed.entries.length + checkpoints > 0 && listed.entries[0] !== 0) {
      throw new TableCorruptError(
        this.table,
        this.entryPath(0),
        0,
        `version 0 is missing, but the log holds ${listed.entries.length} entries and ${checkpoints} checkpoints: the table is not re-created over them`,
      )
    }
  }

  /**
   * Versions of the entries on disk, checked to run without a gap from 0, or from just after a Delta checkpoint
   * when log cleanup deleted the commits before it; the cached and the Delta checkpoints.
   */
  async listComplete(): Promise<{ entries: number[]; checkpoints: number[]; delta: DeltaCheckpoints }> {
    const listed = await this.list()
    const { entries } = listed
    if (entries.length > 0 || listed.checkpoints.length > 0) {
      const first = firstCommit(entries, listed.delta)
      const cleaned = first !== 0 && [...listed.delta.keys()].some((c) => c >= first - 1)
      if (first !== 0 && !cleaned) await this.assertVersion0OrEmpty()
      const from = cleaned ? first : 0
      for (let i = 0; i < entries.length; i++) {
        if (entries[i] !== from + i) throw this.gap(from + i, entries[i] as number)
      }
    }
    return listed
  }

  /** Versions of the commits and of the cached checkpoints on disk, ascending; the Delta checkpoints. */
  async list(): Promise<{ entries: number[]; checkpoints: number[]; delta: DeltaCheckpoints }> {
    let names: string[]
    try {
      names = await this.fs.readdir(this.dir)
    } catch (error) {
      if (isNotFound(error)) throw new TableNotFoundError(this.root)
      throw error
    }
    const cached = await this.fs.readdir(this.cacheDir).catch((error: unknown) => {
      if (isNotFound(error)) return []
      throw error
    })
    const entries: number[] = []
    const checkpoints: number[] = []
    for (const n of names) {
      const v = versionOfLogFile(n)
      if (v !== undefined) entries.push(v)
    }
    for (const n of cached) {
      const c = versionOfCheckpointFile(n)
      if (c !== undefined) checkpoints.push(c)
    }
    return {
      entries: entries.sort((a, b) => a - b),
      checkpoints: checkpoints.sort((a, b) => a - b),
      delta: deltaCheckpointsIn(names),
    }
  }

  /** Path of a version's checkpoint in the cache. */
  checkpointPath(version: number): string {
    return join(this.cacheDir, checkpointFileName(version))
  }

  /** A cached checkpoint's (or cached state's) state; TableCorruptError when it does not parse or validate. */
  private async readCheckpoint(version: number, snapshot = false): Promise<TableState> {
    const key = snapshot ? -1 - version : version
    const cached = this.checkpoints.get(key)
    if (cached) return cached
    const file = snapshot ? join(this.cacheDir, snapshotFileName(version)) : this.checkpointPath(version)
    const invalid = (detail: string) => new TableCorruptError(this.table, file, version, detail)
    const data = this.cacheData(await this.fs.readFile(file), file, version, invalid)
    const tableId = data.metadata.id
    const state = fromCheckpoint(
      data,
      invalid,
      TombstoneSet.loading(() => this.cachedTombstones(version, tableId)),
    )
    if (this.checkpoints.size >= 8) this.checkpoints.clear()
    this.checkpoints.set(key, state)
    return state
  }

  /**
   * A cache file's checkpoint data: checked by its header (then not validated again: pf wrote it), or validated
   * action by action when it is of the older layout; TableCorruptError when it is neither.
   */
  private cacheData(
    bytes: Uint8Array,
    file: string,
    version: number,
    invalid: (detail: string) => Error,
  ): CheckpointData | ColumnarCheckpointData {
    const read = decodeCheckpointCache(bytes, version, invalid)
    if (read.kind === 'refused') throw new TableCorruptError(this.table, file, version, read.problem)
    if (read.kind === 'checked') return read.data
    const checked = checkCheckpoint(this.parse(bytes, file, version), version)
    if (!checked.ok) throw new TableCorruptError(this.table, file, version, checked.problem)
    const txns: unknown = (checked.value as { appTxns?: unknown }).appTxns
    if (txns !== undefined && !(Array.isArray(txns) && txns.every(isAppTxn)))
      throw new TableCorruptError(this.table, file, version, 'appTxns is not a list of {appId, version}')
    return checked.value
  }

  /**
   * A cached checkpoint to start from, checked against the log: its version's entry must exist and record the
   * same totals, and its table must be version 0's. The log is the truth: a checkpoint that cannot be read,
   * validated or that disagrees with the log is skipped (the state is rebuilt from the commits). A cached
   * checkpoint of this table whose commit is gone proves the log was truncated: TableCorruptError, never a rollback.
   */
  private async checkpointStart(version: number, snapshot = false): Promise<TableState | undefined> {
    // The entries are read while the checkpoint is (an open waits for both); unused when it is not usable.
    const entries = Promise.all([this.readAnchor(version), this.readAnchor(0)])
    entries.catch(() => undefined)
    const state = await this.readCheckpoint(version, snapshot).catch((error: unknown) => {
      if (error instanceof TableCorruptError || isNotFound(error)) return undefined
      throw error
    })
    if (!state) return undefined
    const [entry, first] = await entries
    if (first?.tableId !== state.metadata.id) return undefined
    if (!entry) {
      const file = snapshot ? join(this.cacheDir, snapshotFileName(version)) : this.checkpointPath(version)
      throw new TableCorruptError(this.table, file, version, `the log entry of version ${version} is missing`)
    }
    if (totalsProblem(state, { commitInfo: entry }) !== undefined) return undefined
    this.newestCached = Math.max(this.newestCached, version)
    return state
  }

  /**
   * What a cached state is checked against in a version's commit (`commitAnchor`: its table id and totals, its
   * actions not decoded); undefined when there is no commit. A commit whose anchor does not read is decoded (a
   * damaged one is its TableCorruptError).
   */
  private async readAnchor(version: number): Promise<CommitAnchor | undefined> {
    let entry = this.entries.get(version)
    if (!entry) {
      const text = await this.entryText(version)
      if (text === undefined) return undefined
      const anchor = commitAnchor(text)
      if (anchor) return anchor
      // Decoded from the text already read: a damaged commit is its TableCorruptError.
      entry = this.decodeEntry(text, version)
    }
    const { tableFiles, tableRows } = entry.commitInfo
    return {
      ...(entry.metadata ? { tableId: entry.metadata.id } : {}),
      ...(tableFiles !== undefined ? { tableFiles } : {}),
      ...(tableRows !== undefined ? { tableRows } : {}),
    }
  }

  /**
   * The newest usable state of pf's cache: the one `_last_checkpoint` names, else (missing, damaged, pruned by
   * another writer or refused by the log) the newest cached state and the newest cached checkpoint listed.
   */
  private async cacheStart(hint: CacheHint | undefined): Promise<TableState | undefined> {
    const tried = hint && (await this.checkpointStart(hint.version, hint.snapshot))
    if (tried) return tried
    const names = await this.fs.readdir(this.cacheDir).catch((error: unknown) => {
      if (isNotFound(error)) return []
      throw error
    })
    const newest = (parse: (name: string) => number | undefined) =>
      Math.max(-1, ...names.map((n) => parse(n) ?? -1))
    const candidates: CacheHint[] = [
      { version: newest(versionOfSnapshotFile), snapshot: true },
      { version: newest(versionOfCheckpointFile), snapshot: false },
    ]
    for (const c of candidates.sort((a, b) => b.version - a.version)) {
      if (c.version < 0 || (c.version === hint?.version && c.snapshot === hint.snapshot)) continue
      const state = await this.checkpointStart(c.version, c.snapshot)
      if (state) return state
    }
    return undefined
  }

  /** The cache file named by `_last_checkpoint`, if any (a hint: a stale or missing pointer is fine). */
  private async lastCheckpointHint(): Promise<CacheHint | undefined> {
    try {
      return decodeCacheHint(decoder.decode(await this.fs.readFile(join(this.cacheDir, LAST_CHECKPOINT))))
    } catch {
      return undefined
    }
  }

  /**
   * The tombstones of a cached checkpoint: its tombstone file, checked to be of this table and version; a missing
   * or damaged one is a cache miss (the Delta checkpoint of the version, else the log, is read instead).
   */
  private async cachedTombstones(version: number, tableId: string): Promise<readonly Tombstone[]> {
    const file = join(this.cacheDir, tombstoneFileName(version))
    const found = await this.fs.readFile(file).then(
      (bytes) => {
        try {
          return checkTombstoneFile(this.parse(bytes, file, version), version, tableId)
        } catch (error) {
          if (error instanceof TableCorruptError) return undefined
          throw error
        }
      },
      (error: unknown) => {
        if (isNotFound(error)) return undefined
        throw error
      },
    )
    if (found?.ok) return found.value
    const parts = (await this.list()).delta.get(version)
    return parts ? this.deltaTombstones(version, parts) : this.rebuiltTombstones(version)
  }

  /** The tombstones of a Delta checkpoint (its `remove` rows); the log's when the checkpoint cannot be read. */
  private async deltaTombstones(version: number, parts: readonly string[]): Promise<readonly Tombstone[]> {
    const source = { table: this.table, file: join(this.dir, parts[0] as string), version }
    const actions = await this.decodeDeltaCheckpoint(version, parts, ['remove']).catch((error: unknown) => {
      if (error instanceof TableCorruptError || isNotFound(error)) return undefined
      throw error
    })
    return actions ? deltaCheckpointTombstones(actions, source) : this.rebuiltTombstones(version)
  }

  /**
   * The tombstones of a version rebuilt from the log: the newest checkpoint before it (with its own tombstones)
   * and the commits after that one, or every commit from version 0. TableCorruptError when the log no longer
   * holds what that takes (cleaned up): tombstones are never guessed, vacuum and checkpoints depend on them.
   */
  private async rebuiltTombstones(version: number): Promise<readonly Tombstone[]> {
    const { entries, checkpoints } = await this.list()
    let start: TableState | undefined
    for (const c of checkpoints.filter((v) => v < version).reverse()) {
      start = await this.checkpointStart(c)
      if (start) break
    }
    const delta = await this.deltaCheckpointStart(version - 1)
    if (delta && delta.version > (start?.version ?? -1)) start = delta
    const state = start || entries[0] === 0 ? await this.catchUp(start, version) : undefined
    if (state?.version !== version)
      throw new TableCorruptError(
        this.table,
        join(this.cacheDir, tombstoneFileName(version)),
        version,
        'its tombstones cannot be read, and the log no longer holds the commits to rebuild them',
      )
    return (await state.tombstones?.list()) ?? []
  }

  /** The actions of a Delta checkpoint (all parts; only the `columns` given); TableCorruptError for a bad part. */
  private async decodeDeltaCheckpoint(
    version: number,
    parts: readonly string[],
    columns: readonly string[],
  ): Promise<DeltaCheckpointReadAction[]> {
    const actions: DeltaCheckpointReadAction[] = []
    for (const file of parts.map((n) => join(this.dir, n))) {
      try {
        const bytes = await this.fs.readFile(file)
        const readSidecar = (name: string) => this.fs.readFile(join(this.dir, SIDECAR_DIR, name))
        const options = { file, version, table: this.table, actions: columns, readSidecar }
        actions.push(...(await decodeCheckpointFile(bytes, options)))
      } catch (error) {
        if (error instanceof CheckpointFormatError)
          throw new TableCorruptError(this.table, file, version, error.message, { cause: error })
        throw error
      }
    }
    return actions
  }

  /** A Delta checkpoint's state (all parts; tombstones read when listed); TableCorruptError for a bad part. */
  private async readDeltaCheckpoint(version: number, parts: readonly string[]): Promise<TableState> {
    const first = join(this.dir, parts[0] as string)
    const actions = await this.decodeDeltaCheckpoint(version, parts, OPEN_COLUMNS)
    const content = deltaCheckpointContent(actions, { table: this.table, file: first, version })
    const problem = readerProblem(content.protocol, content.metadata)
    if (problem !== undefined) throw new TableProtocolError(this.table, `version ${version} ${problem}`)
    const entry = await this.readEntry(version)
    const timestamp = entry?.commitInfo.timestamp ?? (await this.fs.stat(first)).mtimeMs
    try {
      const tombstones = TombstoneSet.loading(() => this.deltaTombstones(version, parts))
      return fromDeltaCheckpoint(version, timestamp, content, tombstones)
    } catch (error) {
      if (error instanceof ReplayError)
        throw new TableCorruptError(this.table, first, version, error.message, { cause: error })
      throw error
    }
  }

  /**
   * The newest Delta checkpoint at or before `limit` to start from (`_delta_log/_last_checkpoint`, else a
   * listing), checked against the log as cached ones are: one that cannot be read or that disagrees with its
   * version's commit is skipped for an older one. Undefined without a usable one.
   */
  private async deltaCheckpointStart(limit = Number.POSITIVE_INFINITY): Promise<TableState | undefined> {
    const pointed = await this.deltaPointer()
    const candidates: [number, readonly string[]][] = []
    if (pointed?.ok && pointed.value.version <= limit) {
      const { version, parts, v2Checkpoint } = pointed.value
      const pad = String(version).padStart(20, '0')
      const names = v2Checkpoint
        ? [v2Checkpoint.path]
        : parts === undefined || parts <= 1
          ? [deltaCheckpointFileName(version)]
          : Array.from(
              { length: parts },
              (_, i) =>
                `${pad}.checkpoint.${String(i + 1).padStart(10, '0')}.${String(parts).padStart(10, '0')}.parquet`,
            )
      candidates.push([version, names])
    }
    let listed: DeltaCheckpoints | undefined
    for (let i = 0; ; i++) {
      const candidate = candidates[i]
      if (!candidate) {
        if (listed) return undefined
        listed = (await this.list()).delta
        // A version tried under other names (a pointer naming a classic file where a UUID-named one is) is listed too.
        const tried = (v: number, names: readonly string[]) =>
          candidates.some(([c, n]) => c === v && n.join('/') === names.join('/'))
        const older = [...listed].filter(([v, names]) => v <= limit && !tried(v, names))
        candidates.push(...older.sort((a, b) => b[0] - a[0]))
        if (candidates.length === i) return undefined
        i--
        continue
      }
      const [version, parts] = candidate
      const state = await this.readDeltaCheckpoint(version, parts).catch((error: unknown) => {
        if (error instanceof TableCorruptError || isNotFound(error)) return undefined
        throw error
      })
      if (!state) continue
      const entry = await this.readEntry(version)
      if (entry && totalsProblem(state, entry) !== undefined) continue
      return state
    }
  }

  /**
   * Writes a file through a temp file and a rename (never partial); the temp file never stays behind. `durable`
   * false: not fsynced (a cache file a crash may lose or tear: it is checked when read, and a miss is harmless).
   */
  private async replaceFile(
    name: string,
    data: string | Uint8Array,
    dir = this.cacheDir,
    durable = true,
  ): Promise<void> {
    const temp = join(dir, `.${name}.${process.pid}.${randomUUID()}.tmp`)
    try {
      await this.fs.writeFile(temp, data, { durable })
      await this.fs.rename(temp, join(dir, name))
    } catch (error) {
      await removeQuietly(this.fs, temp)
      throw error
    }
  }

  /**
   * Whether a commit from `before` to `after` is due a checkpoint: every `checkpointInterval` versions, never at
   * a version with a committed reservation not published yet (its planned actions live only in commitInfo, which
   * checkpoints drop); one skipped for that is written by the publication that makes the table clean again.
   */
  checkpointDue(before: TableState | undefined, after: TableState): boolean {
    const interval = after.metadata.checkpointInterval
    if (interval <= 0 || after.unpublished?.size) return false
    if (after.version % interval === 0) return true
    const pending = [...(before?.unpublished?.values() ?? [])].map((r) => r.version)
    if (pending.length === 0) return false
    const skipped = Math.floor((after.version - 1) / interval) * interval
    return skipped >= Math.min(...pending)
  }

  /**
   * Caches a checkpoint of a state (its unexpired tombstones in a file of their own, written first) and points the
   * cache's `_last_checkpoint` at it (temp file + rename, not flushed), then writes the Delta checkpoint (flushed). Not at a state with an
   * unpublished multi-table transaction: the cache does not hold reservations. A tombstone is unexpired for the
   * table's `delta.deletedFileRetentionDuration` (TablePropertyError when it does not parse; nothing is written).
   */
  async writeCheckpoint(state: TableState): Promise<void> {
    if (state.unpublished?.size) return
    const retention = tombstoneRetentionMs(this.table, state.metadata)
    const all = (await state.tombstones?.list()) ?? []
    const tombstones = unexpiredTombstones(all, Date.now(), retention)
    const cached = toCheckpoint(state)
    await this.inCacheTurn(async () => {
      await this.fs.mkdir(this.cacheDir)
      // pf's cache files are not fsynced (a lost or torn one is a cache miss: the Delta checkpoint, flushed below,
      // and the log are the truth); their flushes would only join the journal commits of the commits running
      // meanwhile.
      const sidecar = encodeTombstoneFile(state.version, state.metadata.id, tombstones)
      await this.replaceFile(tombstoneFileName(state.version), sidecar, this.cacheDir, false)
      await this.replaceFile(
        checkpointFileName(state.version),
        encodeCheckpointCache(cached),
        this.cacheDir,
        false,
      )
      const hint = encodeCacheHint({ version: state.version, snapshot: false })
      await this.replaceFile(LAST_CHECKPOINT, hint, this.cacheDir, false)
      this.newestCached = Math.max(this.newestCached, state.version)
      // Cached states up to this version are superseded by it (only the newest cache is kept).
      await this.removeSnapshotsUpTo(state.version)
    })
    await this.writeDeltaCheckpoint(state, tombstones)
  }

  /**
   * Whether the state after a commit should be cached (`writeSnapshot`): `snapshotStep` versions after the newest
   * cache this object read or wrote; never with an unpublished multi-table transaction (the cache holds none), nor
   * for a table that writes no checkpoints (`checkpointInterval` 0: every open replays the log).
   */
  snapshotDue(state: TableState): boolean {
    if (state.unpublished?.size || state.metadata.checkpointInterval <= 0) return false
    return state.version - this.newestCached >= snapshotStep(state.files.size)
  }

  /**
   * Caches the newest state (`current`) once commits pause (`CACHE_IDLE_MS` without one, see `committed`), if one
   * is due then (`snapshotDue`), and again after the next pause while commits landed during the write: a burst of
   * commits caches once, so the encoding's CPU and the cache's file operations stay off the commits that follow.
   */
  async writeSnapshotWhenIdle(current: () => TableState): Promise<void> {
    for (;;) {
      await this.cacheQuiet.wait()
      const state = current()
      if (!this.snapshotDue(state)) return
      await this.writeSnapshot(state)
      if (current().version === state.version) return
    }
  }

  /**
   * A commit of this process landed at `version`: a state cache waiting for a pause waits on, unless the newest
   * cache lags `CACHE_MAX_LAG` versions behind (commits that never pause are still cached now and then).
   */
  committed(version: number): void {
    if (version - this.newestCached >= CACHE_MAX_LAG) this.cacheQuiet.flush()
    else this.cacheQuiet.touch()
  }

  /** Ends a state cache's wait for a pause now (a caller waits for the background work to be done). */
  flushCache(): void {
    this.cacheQuiet.flush()
  }

  /**
   * Caches a state as `_pf/checkpoints/<v>.snapshot.json` (temp file + rename, not synced: a cache lost or torn
   * by a crash is a cache miss), points the cache's `_last_checkpoint` at it and removes the older cached states.
   * Tombstones are not written: a state opened from it reads them from the checkpoint before it and the commits.
   */
  async writeSnapshot(state: TableState): Promise<void> {
    await this.inCacheTurn(async () => {
      // A cache of this version or a newer one landed while this one waited for its turn (a checkpoint's).
      if (state.version <= this.newestCached) return
      const bytes = encodeCheckpointCache(toCheckpoint(state))
      // Never into a table folder deleted since the commit (a reset script's): its log folder must still be there.
      await this.fs.stat(this.dir)
      await this.fs.mkdir(this.cacheDir)
      // Neither file is fsynced: a flush would join the journal commit of the next commit on the critical path.
      await this.replaceFile(snapshotFileName(state.version), bytes, this.cacheDir, false)
      const hint = encodeCacheHint({ version: state.version, snapshot: true })
      await this.replaceFile(LAST_CHECKPOINT, hint, this.cacheDir, false)
      this.newestCached = Math.max(this.newestCached, state.version)
      await this.removeSnapshotsUpTo(state.version - 1)
    })
  }

  /** This object's writes of cache files, one after another: a cached state and a checkpoint never interleave. */
  private cacheTurn: Promise<void> = Promise.resolve()

  private inCacheTurn(work: () => Promise<void>): Promise<void> {
    const run = this.cacheTurn.then(work, work)
    this.cacheTurn = run.catch(() => undefined)
    return run
  }

  /** Removes the cached states (`<v>.snapshot.json`) of versions up to `version`. */
  private async removeSnapshotsUpTo(version: number): Promise<void> {
    for (const name of await this.fs.readdir(this.cacheDir)) {
      const v = versionOfSnapshotFile(name)
      if (v !== undefined && v <= version) await removeQuietly(this.fs, join(this.cacheDir, name))
    }
  }

  /**
   * Writes the Delta checkpoint of a state, `_delta_log/<version>.checkpoint.parquet` (classic, one part; temp
   * file + rename), then points `_delta_log/_last_checkpoint` at it: other engines open a long-lived table from it.
   */
  private async writeDeltaCheckpoint(state: TableState, tombstones: readonly Tombstone[]): Promise<void> {
    const name = deltaCheckpointFileName(state.version)
    const actions = deltaCheckpointActions(state, tombstones)
    // Encoded on the maintenance thread: parquet-wasm and the Arrow/Parquet work never block this event loop.
    const bytes = await encodeCheckpointOffThread(actions, join(this.dir, name))
    await this.replaceFile(name, bytes, this.dir)
    // The pointer never moves back: a late checkpoint (another process's, or one that outlived a feature drop that
    // moved the entries after it away) leaves a newer one named.
    if ((await this.pointedDeltaCheckpoint()) >= state.version) return
    const pointer = encodeLastCheckpoint({
      version: state.version,
      size: actions.length,
      sizeInBytes: bytes.byteLength,
      numOfAddFiles: state.files.size,
    })
    await this.replaceFile(LAST_CHECKPOINT, pointer, this.dir)
    await this.fs.fsyncDir(this.dir)
  }

  /** `_delta_log/_last_checkpoint` decoded; undefined when there is none. */
  private deltaPointer(): Promise<ReturnType<typeof decodeLastCheckpoint> | undefined> {
    return this.fs.readFile(join(this.dir, LAST_CHECKPOINT)).then(
      (bytes) => decodeLastCheckpoint(Buffer.from(bytes).toString('utf8')),
      (error: unknown) => {
        if (isNotFound(error)) return undefined
        throw error
      },
    )
  }

  /** The version `_delta_log/_last_checkpoint` names; -1 when there is none or it does not parse (a hint). */
  private async pointedDeltaCheckpoint(): Promise<number> {
    const read = await this.deltaPointer()
    return read?.ok ? read.value.version : -1
  }

  /**
   * Replays entries onto a state, naming the entry when the log is inconsistent; TableProtocolError when the
   * resulting protocol needs a reader version or feature pf lacks.
   */
  private apply(start: TableState | undefined, entries: LogEntry[]): TableState {
    let state: TableState
    try {
      state = replay(start, entries)
    } catch (error) {
      if (!(error instanceof ReplayError)) throw error
      const bad = error.version
      throw new TableCorruptError(this.table, this.entryPath(bad), bad, error.message, { cause: error })
    }
    if (state.protocol !== start?.protocol) {
      const problem = readerProblem(state.protocol, state.metadata)
      if (problem !== undefined)
        throw new TableProtocolError(this.table, `version ${state.version} ${problem}`)
    }
    return state
  }

  /**
   * Reads entries after `state` until the first missing one, or the first of an undecided multi-table
   * transaction (read ahead in parallel), and applies them. `end.missing` is set when it stopped because the
   * entry after the state it returns did not exist (read during this call); `ahead`: that first look, started
   * earlier by this call's caller (used when it is of the entry after `state`).
   */
  async catchUp(
    state: TableState | undefined,
    limit = Number.POSITIVE_INFINITY,
    end?: { missing: boolean },
    ahead?: NextLook,
  ): Promise<TableState | undefined> {
    let current = state
    for (;;) {
      const next = (current?.version ?? -1) + 1
      if (next > limit) return current
      // The next entry alone first: usually there is none (a writer checking for news before its commit). The
      // one after is probed meanwhile: present without the next one, the log has a gap (a writer would fill it).
      const look = ahead?.next === next ? ahead : this.lookAt(next)
      ahead = undefined
      const [head, after] = await look.read
      if (!head) {
        // Entries are created in order, so the later one existing means this one did: re-read before blaming.
        if (after && !(await this.readEntry(next))) throw this.gap(next, next + 1)
        if (!after) {
          if (end) end.missing = true
          return current
        }
        continue
      }
      const count = Math.min(READ_AHEAD, limit - next + 1)
      const batch = [
        head,
        ...(await Promise.all(Array.from({ length: count - 1 }, (_, i) => this.readEntry(next + 1 + i)))),
      ]
      const missing = batch.indexOf(undefined)
      const later = batch.findIndex((e, i) => i > missing && e !== undefined)
      if (missing >= 0 && later > missing && !(await this.readEntry(next + missing))) {
        throw this.gap(next + missing, next + later)
      }
      const present: LogEntry[] = []
      for (const e of batch) {
        const resolved = e && (await this.decisions.resolve(this.root, e))
        if (!resolved || resolved === 'pending') break
        present.push(resolved)
      }
      if (present.length === 0) return current
      current = this.apply(current, present)
      if (present.length < batch.length) return current
    }
  }

  /** Reads entry `next` and whether entry `next + 1` exists (catchUp's first look), both at once. */
  private lookAt(next: number): NextLook {
    const read = Promise.all([this.readEntry(next), this.exists(next + 1)])
    // Observed here too: a look started ahead and then not used must not leave a rejection unhandled.
    read.catch(() => undefined)
    return { next, read }
  }

  /**
   * The newest state: from `known` (a state already read) or the newest cached state or checkpoint, then the
   * entries after it. Opening is O(entries since the cache). `end.missing`: see `catchUp`.
   */
  async latest(known?: TableState, end?: { missing: boolean }): Promise<TableState> {
    const recovering = this.recovered()
    if (recovering) await recovering
    let start = known
    let ahead: NextLook | undefined
    if (!start) {
      // Version 0 first: without it the table is missing (empty log) or corrupt, never re-created. The hint is
      // read meanwhile (one round of file-system calls).
      const hinting = this.lastCheckpointHint()
      await this.sameTable()
      const hint = await hinting
      // The commit after the hinted cache is looked for while the cache is read (one round fewer).
      ahead = hint && this.lookAt(hint.version + 1)
      start = await this.cacheStart(hint)
      // Without a usable cache: the newest Delta checkpoint (needed once log cleanup deleted older commits).
      start ??= await this.deltaCheckpointStart()
    }
    const state = await this.catchUp(start, Number.POSITIVE_INFINITY, end, ahead)
    if (!state) {
      await this.identity() // throws TableNotFoundError or TableCorruptError
      // Still here: the log was cleaned up before its Delta checkpoints (no version 0), and none can be read.
      const newest = [...(await this.list()).delta].sort((a, b) => b[0] - a[0])[0]
      if (newest)
        throw new TableCorruptError(
          this.table,
          join(this.dir, newest[1][0] as string),
          newest[0],
          'the log is cleaned up before its checkpoints (no version 0) and no checkpoint can be read (a part or sidecar missing or damaged)',
        )
      throw new TableNotFoundError(this.root)
    }
    return state
  }

  /** The state at a version: the newest checkpoint at or before it, then entries up to it. */
  async at(version: number): Promise<TableState | undefined> {
    const recovering = this.recovered()
    if (recovering) await recovering
    const { entries, checkpoints, delta } = await this.listComplete()
    const first = firstCommit(entries, delta)
    const checkpointed = delta.has(version) && version === first - 1
    if (!entries.includes(version) && !checkpointed) {
      if (version >= 0 && version < first && first > 0)
        throw new TableVersionExpiredError(this.table, version, oldestReadable(first, delta))
      return undefined
    }
    const base = checkpoints.filter((c) => c <= version).at(-1)
    let start = base === undefined ? undefined : await this.checkpointStart(base)
    if (!start && first > 0) {
      start = await this.deltaCheckpointStart(version)
      if (!start || start.version < first - 1)
        throw new TableVersionExpiredError(this.table, version, oldestReadable(first, delta))
    }
    const state = await this.catchUp(start, version)
    if (!state || state.version !== version) {
      const missing = (state?.version ?? -1) + 1
      if ((await this.readEntry(missing))?.txn) {
        throw new ParquetFrameError(
          'PF_TABLE_VERSION',
          `Table ${this.table}: version ${missing} belongs to a multi-table transaction that is not decided yet`,
        )
      }
      throw new TableCorruptError(this.table, this.entryPath(missing), missing, 'log entry missing')
    }
    return state
  }
}

/** The absolute path of an add action's deletion vector file, if it has one inside the table. */
function vectorFileOf(add: AddAction, root: string): string[] {
  const dv = add.deletionVector
  if (!dv || dv.storageType === 'i') return []
  try {
    return [deletionVectorAbsolutePath(dv, root)]
  } catch {
    return []
  }
}
