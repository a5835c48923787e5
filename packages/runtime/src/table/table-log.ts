import { isAscii } from 'node:buffer'
import { join } from 'node:path'
import { ParquetFrameError } from '../errors/pf-error.js'
import { type FileSystem, isNotFound } from './file-system.js'
import {
  checkpointFileName,
  LAST_CHECKPOINT,
  LOG_DIR,
  type LogEntry,
  logFileName,
  type TxnRef,
  versionOfCheckpointFile,
  versionOfLogFile,
} from './log-entry.js'
import { TableCorruptError, TableNotFoundError } from './table-errors.js'
import { type CheckpointData, fromCheckpoint, replay, type TableState, toCheckpoint } from './table-state.js'
import { TxnDecisions } from './txn-decisions.js'

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
/** Log entries read ahead in parallel when catching up. */
const READ_AHEAD = 8

/** Reads and writes a table's commit log (`_pf_log/`) through the file-system seam. */
export class TableLog {
  readonly dir: string
  /** Parsed entries and checkpoints by version: log files never change once created. */
  private readonly entries = new Map<number, LogEntry>()
  private readonly checkpoints = new Map<number, TableState>()
  /** Decisions of the multi-table transactions some entries belong to. */
  readonly decisions: TxnDecisions

  constructor(
    readonly root: string,
    readonly fs: FileSystem,
    readonly table: string,
  ) {
    this.dir = join(root, LOG_DIR)
    this.decisions = new TxnDecisions(fs, table)
  }

  /** Path of a version's log entry. */
  entryPath(version: number): string {
    return join(this.dir, logFileName(version))
  }

  private parse<T>(bytes: Uint8Array, file: string, version: number): T {
    try {
      // ASCII (the usual case) decodes as latin1 in a fraction of the time the checking UTF-8 decoder takes.
      const text = isAscii(bytes)
        ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
        : decoder.decode(bytes)
      return JSON.parse(text) as T
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
    const file = this.entryPath(version)
    let bytes: Uint8Array
    try {
      bytes = await this.fs.readFile(file)
    } catch (error) {
      if (isNotFound(error)) return undefined
      throw error
    }
    const entry = this.parse<LogEntry>(bytes, file, version)
    if (
      typeof entry !== 'object' ||
      entry === null ||
      entry.version !== version ||
      typeof entry.commitInfo !== 'object'
    ) {
      throw new TableCorruptError(this.table, file, version, 'not a log entry of this version')
    }
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

  /** Creates a version's entry if no writer has (throws an EEXIST error otherwise), then syncs the directory. */
  async writeEntry(entry: LogEntry): Promise<void> {
    await this.fs.createExclusive(this.entryPath(entry.version), JSON.stringify(entry))
    await this.fs.fsyncDir(this.dir)
  }

  /** Versions of the entries and checkpoints on disk, ascending. */
  async list(): Promise<{ entries: number[]; checkpoints: number[] }> {
    let names: string[]
    try {
      names = await this.fs.readdir(this.dir)
    } catch (error) {
      if (isNotFound(error)) throw new TableNotFoundError(this.root)
      throw error
    }
    const entries: number[] = []
    const checkpoints: number[] = []
    for (const n of names) {
      const v = versionOfLogFile(n)
      if (v !== undefined) entries.push(v)
      const c = versionOfCheckpointFile(n)
      if (c !== undefined) checkpoints.push(c)
    }
    return { entries: entries.sort((a, b) => a - b), checkpoints: checkpoints.sort((a, b) => a - b) }
  }

  private async readCheckpoint(version: number): Promise<TableState> {
    const cached = this.checkpoints.get(version)
    if (cached) return cached
    const file = join(this.dir, checkpointFileName(version))
    const data = this.parse<CheckpointData>(await this.fs.readFile(file), file, version)
    if (data.version !== version || !Array.isArray(data.files)) {
      throw new TableCorruptError(this.table, file, version, 'not a checkpoint of this version')
    }
    const state = fromCheckpoint(data)
    if (this.checkpoints.size >= 8) this.checkpoints.clear()
    this.checkpoints.set(version, state)
    return state
  }

  /** The version named by `_last_checkpoint`, if any (a hint: a stale or missing pointer is fine). */
  private async lastCheckpointHint(): Promise<number | undefined> {
    try {
      const text = decoder.decode(await this.fs.readFile(join(this.dir, LAST_CHECKPOINT)))
      const v = (JSON.parse(text) as { version?: unknown }).version
      return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined
    } catch {
      return undefined
    }
  }

  /** Writes a checkpoint of a state and points `_last_checkpoint` at it (temp file + rename: never partial). */
  async writeCheckpoint(state: TableState): Promise<void> {
    const name = checkpointFileName(state.version)
    const temp = join(this.dir, `.${name}.${process.pid}.${Date.now()}.tmp`)
    await this.fs.writeFile(temp, JSON.stringify(toCheckpoint(state)))
    await this.fs.rename(temp, join(this.dir, name))
    const pointerTemp = join(this.dir, `.${LAST_CHECKPOINT}.${process.pid}.${Date.now()}.tmp`)
    await this.fs.writeFile(pointerTemp, JSON.stringify({ version: state.version }))
    await this.fs.rename(pointerTemp, join(this.dir, LAST_CHECKPOINT))
    await this.fs.fsyncDir(this.dir)
  }

  /** Replays entries onto a state, naming the entry when the log is inconsistent. */
  private apply(start: TableState | undefined, entries: LogEntry[]): TableState {
    try {
      return replay(start, entries)
    } catch (error) {
      const version = (start?.version ?? -1) + 1
      const bad =
        entries.find((e, i) => e.version !== version + i)?.version ?? entries.at(-1)?.version ?? version
      throw new TableCorruptError(this.table, this.entryPath(bad), bad, (error as Error).message, {
        cause: error,
      })
    }
  }

  /**
   * Reads entries after `state` until the first missing one, or the first of an undecided multi-table
   * transaction (read ahead in parallel), and applies them.
   */
  async catchUp(
    state: TableState | undefined,
    limit = Number.POSITIVE_INFINITY,
  ): Promise<TableState | undefined> {
    let current = state
    for (;;) {
      const next = (current?.version ?? -1) + 1
      if (next > limit) return current
      // The next entry alone first: usually there is none (a writer checking for news before its commit).
      const head = await this.readEntry(next)
      if (!head) return current
      const count = Math.min(READ_AHEAD, limit - next + 1)
      const batch = [
        head,
        ...(await Promise.all(Array.from({ length: count - 1 }, (_, i) => this.readEntry(next + 1 + i)))),
      ]
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

  /**
   * The newest state: from `known` (a state already read) or the newest checkpoint,
   * then the entries after it. Opening is O(entries since the checkpoint).
   */
  async latest(known?: TableState): Promise<TableState> {
    let start = known
    if (!start) {
      const hint = await this.lastCheckpointHint()
      if (hint !== undefined) start = await this.readCheckpoint(hint).catch(() => undefined)
    }
    const state = await this.catchUp(start)
    if (!state) {
      await this.list() // throws TableNotFoundError when the log folder is missing
      throw new TableNotFoundError(this.root)
    }
    return state
  }

  /** The state at a version: the newest checkpoint at or before it, then entries up to it. */
  async at(version: number): Promise<TableState | undefined> {
    const { entries, checkpoints } = await this.list()
    if (!entries.includes(version)) return undefined
    const base = checkpoints.filter((c) => c <= version).at(-1)
    const start = base === undefined ? undefined : await this.readCheckpoint(base).catch(() => undefined)
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
