import { randomUUID } from 'node:crypto'
import { dirname, join, resolve } from 'node:path'
import { crc32 } from 'node:zlib'
import { type AppendLog, type FileSystem, isAlreadyExists, isNotFound, orWhenMissing } from './file-system.js'
import { LOG_DIR, logFileName, PRIVATE_DIR } from './log-entry.js'
import { bootTimeMs, currentProcess, liveness, type ProcessIdentity } from './process-identity.js'
import { TableCorruptError, TableReadError } from './table-errors.js'
import { containedPath, tableRelative, UncontainedPathError } from './table-path.js'

/**
 * The commit write-ahead log: how a small commit is durable with one append and `fdatasync` instead of a flush of
 * each file it writes (docs/design/fast-durable-commits.md, design B, and docs/tables.md "Commit protocol").
 *
 * A commit writes its data files and links its log entry `<v>.json` as before, but flushes none of them. Once the
 * link succeeded (the version is this writer's), it appends a record holding the entry's bytes and those of the
 * small data files it wrote to its writer's log, `_pf/wal/<writer>-<n>.log`, and is acknowledged when that append
 * is flushed. A log is sealed after 10 s and retired 35 s later, once the kernel wrote its files back itself; after
 * a second without commits and before the process exits, at once: the files its records name and their folders are
 * flushed, then it is deleted (see SEAL_AFTER_MS).
 *
 * One rule keeps the log's versions contiguous: a version is linked only once the version below it is durable
 * (`ensureDurable`: this process's own record flushed, or another writer's entry and files flushed here). So when
 * a version's record is durable, every version below it is, and a power loss can lose only versions nobody was
 * told were committed.
 *
 * After a power loss, the first pf process to read or write the table (`recoverCommitLogs`, before any read)
 * restores from the logs of writers that no longer run every entry and data file the crash lost or left torn, then
 * flushes them and deletes those logs. A process crash loses nothing (the page cache survives): its log is flushed
 * and deleted the same way. Until a pf process opens the table after a power loss, a Delta reader that is not pf
 * may find the newest entries missing or empty (never a wrong row: an empty entry is no valid JSON).
 */

/** pf's folder of commit logs, inside the table. */
export const WAL_DIR = join(PRIVATE_DIR, 'wal')
/** A data file up to this size is logged with its commit instead of flushed on the commit's path. */
export const LOGGED_FILE_MAX = 256 * 1024
/**
 * A log is sealed (the next append starts a new one) once this old or this big, and retired (the files its records
 * name flushed, then it is deleted) RETIRE_AFTER_MS after it was sealed: by then the kernel has written those files
 * back itself (Linux writes dirty data back after 30 s, ext4 commits its journal every 5 s), so their flushes find
 * little or nothing to do. Flushing each file soon after its commit instead (every 256 commits, measured) forced a
 * journal commit per file, and each one stalled the file creations of the commits going on meanwhile.
 */
const SEAL_AFTER_MS = 10_000
const SEAL_AFTER_BYTES = 16 * 1024 * 1024
const RETIRE_AFTER_MS = 35_000
/** After this long without a commit, every log is sealed and retired at once (nothing competes with the flushes). */
const RETIRE_WHEN_IDLE_MS = 1000
/** Flushes a retirement runs at once (see flushFiles). */
const RETIRE_LANES = 1

/** A file a record restores: its path from the table's folder (`/`-separated) and its bytes. */
export interface LoggedFile {
  readonly path: string
  readonly bytes: Uint8Array
}

/** One commit's record: its version and its files, the log entry first. */
export interface CommitRecord {
  readonly version: number
  readonly files: readonly LoggedFile[]
}

/** Frame kinds: a log's header (its writer), a commit's record; insert-log.ts adds its own. */
export const HEADER = 0
const COMMIT = 1

/**
 * Frames a payload: its length and CRC-32, so a torn tail (a crash during an append) is recognised. The one framing
 * rule of pf's logs (this commit log and the log-first insert log, insert-log.ts).
 */
export function frame(kind: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(9 + payload.length)
  const view = new DataView(out.buffer)
  view.setUint32(0, payload.length + 1)
  out[8] = kind
  out.set(payload, 9)
  view.setUint32(4, crc32(out.subarray(8)) >>> 0)
  return out
}

const utf8 = new TextEncoder()
const fromUtf8 = new TextDecoder('utf-8', { fatal: true })

/** A commit record's bytes. */
export function encodeCommitRecord(record: CommitRecord): Uint8Array {
  const files = fileList(record.files)
  const payload = new Uint8Array(8 + files.size)
  new DataView(payload.buffer).setFloat64(0, record.version)
  files.write(payload, 8)
  return frame(COMMIT, payload)
}

/**
 * Files as pf's logs hold them (a commit record's, a log-first insert's): their count, then each one's path (UTF-8)
 * and bytes, each with its length. `size` bytes; `write` puts them into `into` at `at`.
 */
export function fileList(files: readonly LoggedFile[]): {
  size: number
  write(into: Uint8Array, at: number): void
} {
  const paths = files.map((f) => utf8.encode(f.path))
  let size = 4
  for (const [i, p] of paths.entries()) size += 8 + p.length + (files[i] as LoggedFile).bytes.length
  return {
    size,
    write(into, start) {
      const view = new DataView(into.buffer, into.byteOffset, into.byteLength)
      view.setUint32(start, files.length)
      let at = start + 4
      for (const [i, p] of paths.entries()) {
        const bytes = (files[i] as LoggedFile).bytes
        view.setUint32(at, p.length)
        into.set(p, at + 4)
        at += 4 + p.length
        view.setUint32(at, bytes.length)
        into.set(bytes, at + 4)
        at += 4 + bytes.length
      }
    },
  }
}

/** The files `fileList` wrote into `payload` at `start`. */
export function readFileList(payload: Uint8Array, start: number): LoggedFile[] {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength)
  const count = view.getUint32(start)
  const files: LoggedFile[] = []
  let at = start + 4
  for (let i = 0; i < count; i++) {
    const pathLength = view.getUint32(at)
    const path = fromUtf8.decode(payload.subarray(at + 4, at + 4 + pathLength))
    at += 4 + pathLength
    const length = view.getUint32(at)
    files.push({ path, bytes: payload.subarray(at + 4, at + 4 + length) })
    at += 4 + length
  }
  return files
}

/** A log's header: its writer's identity (recovery leaves the logs of writers that still run). */
export function encodeCommitLogHeader(writer: ProcessIdentity): Uint8Array {
  return frame(HEADER, utf8.encode(JSON.stringify(writer)))
}

/** What a log file holds: its writer (the header) and its complete records; a torn or damaged tail is left out. */
export interface DecodedCommitLog {
  readonly writer: ProcessIdentity | undefined
  readonly records: CommitRecord[]
}

/** One complete frame of a log: its kind, its payload and the offset where it ends. */
export interface LogFrame {
  readonly kind: number
  readonly payload: Uint8Array
  readonly end: number
}

/**
 * A log's complete frames in order; stops at the first frame that is incomplete, zero (the space written ahead of the
 * appends) or fails its checksum (a torn append).
 */
export function logFrames(data: Uint8Array): LogFrame[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  const out: LogFrame[] = []
  for (let at = 0; at + 9 <= data.length; ) {
    const length = view.getUint32(at)
    if (length < 1 || at + 8 + length > data.length) break
    const body = data.subarray(at + 8, at + 8 + length)
    if (crc32(body) >>> 0 !== view.getUint32(at + 4)) break
    at += 8 + length
    out.push({ kind: body[0] as number, payload: body.subarray(1), end: at })
  }
  return out
}

/** A log header's writer (the process identity it was framed from). */
export function headerWriter(payload: Uint8Array): ProcessIdentity {
  return JSON.parse(fromUtf8.decode(payload)) as ProcessIdentity
}

/** Reads a log file's bytes; stops at the first frame that is incomplete or fails its checksum (a torn append). */
export function decodeCommitLog(data: Uint8Array): DecodedCommitLog {
  let writer: ProcessIdentity | undefined
  const records: CommitRecord[] = []
  for (const { kind, payload } of logFrames(data)) {
    if (kind === HEADER) writer = headerWriter(payload)
    else if (kind === COMMIT) records.push(decodeRecord(payload))
  }
  return { writer, records }
}

function decodeRecord(payload: Uint8Array): CommitRecord {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength)
  return { version: view.getFloat64(0), files: readFileList(payload, 8) }
}

/** Log files this process writes now (absolute paths): never recovered by it, whatever their header says. */
const owned = new Set<string>()

/** A log file being appended to: its handle, the files its records name and the versions they commit. */
interface OpenLog {
  readonly path: string
  readonly handle: AppendLog
  readonly files: Set<string>
  records: number
  bytes: number
  /** When it was created (ms, `Date.now()`). */
  readonly opened: number
}

/** A sealed log waiting to be retired, and the timer that will. */
interface SealedLog {
  readonly log: Promise<OpenLog>
  timer: NodeJS.Timeout | undefined
}

/** An append waiting for the next group append. */
interface QueuedAppend {
  readonly bytes: Uint8Array
  readonly files: readonly string[]
  readonly done: (error?: unknown) => void
}

/** A version this process is committing: settles true once its record is durable, false if it never will be. */
interface OwnVersion {
  readonly settled: Promise<boolean>
  readonly settle: (durable: boolean) => void
}

/** The commit log of one table in this process (one per file system and table folder: `commitLogOf`). */
export class CommitLog {
  /** Every version up to this one is durable (−1: none known yet). */
  private durableUpTo = -1
  private readonly own = new Map<number, OwnVersion>()
  private readonly foreign = new Map<number, Promise<void>>()
  private current: Promise<OpenLog> | undefined
  private readonly queue: QueuedAppend[] = []
  private appending = false
  private readonly writer = randomUUID()
  private logs = 0
  private idle: NodeJS.Timeout | undefined
  /** Sealed logs not retired yet. */
  private readonly sealed = new Set<SealedLog>()
  /** Retirements running (their flushes), for `flushed`. */
  private readonly retirements = new Set<Promise<void>>()

  constructor(
    private readonly fs: FileSystem & { openLog: NonNullable<FileSystem['openLog']> },
    /** The table's folder (absolute). */
    readonly root: string,
  ) {}

  /**
   * Marks `version` as committed by this process, once its entry is linked (never before: two writers of this process
   * may race for a version, and a commit on top of it must wait for the winner's record, never for a loser still
   * waiting to link, e.g. behind the commit turn the waiting commit holds). Settle it with `done` (its record is
   * durable) or `fail`.
   */
  linked(version: number): { done: () => void; fail: () => void } {
    let settle: (durable: boolean) => void = () => undefined
    const settled = new Promise<boolean>((resolve) => {
      settle = resolve
    })
    this.own.set(version, { settled, settle })
    const finish = (durable: boolean) => {
      this.own.delete(version)
      if (durable) this.durableUpTo = Math.max(this.durableUpTo, version)
      settle(durable)
    }
    return { done: () => finish(true), fail: () => finish(false) }
  }

  /**
   * Resolves once every version up to `version` is durable (waited for before a version above it is linked). This
   * process's own version: its record's flush. Another writer's: its entry, the files it adds and their folders
   * are flushed here (`files` lists them; by the same rule, the versions below it are durable already).
   */
  async ensureDurable(version: number, files: () => Promise<readonly string[]>): Promise<void> {
    if (version <= this.durableUpTo) return
    const mine = this.own.get(version)
    if (mine && (await mine.settled)) return
    if (version <= this.durableUpTo) return
    let flush = this.foreign.get(version)
    if (!flush) {
      flush = (async () => {
        await flushFiles(this.fs, await files())
        this.durableUpTo = Math.max(this.durableUpTo, version)
      })()
      this.foreign.set(version, flush)
      void flush.then(
        () => this.foreign.delete(version),
        () => this.foreign.delete(version),
      )
    }
    await flush
  }

  /** Appends a commit's record and resolves once it is flushed; `files` are absolute (the entry first). */
  append(version: number, files: readonly { path: string; bytes: Uint8Array }[]): Promise<void> {
    const record = encodeCommitRecord({
      version,
      files: files.map((f) => ({ path: tableRelative(this.root, f.path), bytes: f.bytes })),
    })
    return new Promise<void>((resolvePromise, reject) => {
      this.queue.push({
        bytes: record,
        files: files.map((f) => f.path),
        done: (error) => (error === undefined ? resolvePromise() : reject(error)),
      })
      void this.drain()
    })
  }

  /** Resolves once every log this process retired so far is flushed and deleted. */
  async flushed(): Promise<void> {
    while (this.retirements.size > 0) await Promise.allSettled([...this.retirements])
  }

  /** Seals and retires every log now unless an append runs (the process is about to exit, or it is idle). */
  retireAll(): void {
    if (this.appending) return
    this.seal(0)
    for (const sealed of [...this.sealed]) this.retire(sealed)
  }

  /** Seals and retires every log now and waits for it. */
  async retireNow(): Promise<void> {
    while (this.appending) await new Promise((r) => setImmediate(r))
    this.retireAll()
    await this.flushed()
  }

  /** Group append: every record queued while an append runs goes into the next one. */
  private async drain(): Promise<void> {
    if (this.appending) return
    this.appending = true
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0)
        try {
          const log = await this.open()
          const bytes =
            batch.length === 1 ? (batch[0] as QueuedAppend).bytes : concat(batch.map((q) => q.bytes))
          await log.handle.append(bytes)
          for (const q of batch) for (const f of q.files) log.files.add(f)
          log.records += batch.length
          log.bytes += bytes.length
          for (const q of batch) q.done()
          if (log.bytes >= SEAL_AFTER_BYTES || Date.now() - log.opened >= SEAL_AFTER_MS)
            this.seal(RETIRE_AFTER_MS)
          this.armIdle()
        } catch (error) {
          // A log that failed an append is not appended to again (its tail may be torn): the next one starts anew.
          this.seal(RETIRE_AFTER_MS)
          for (const q of batch) q.done(error)
        }
      }
    } finally {
      this.appending = false
    }
  }

  private armIdle(): void {
    if (this.idle) this.idle.refresh()
    else {
      this.idle = setTimeout(() => {
        this.idle = undefined
        if (!this.appending) this.retireAll()
        else this.armIdle()
      }, RETIRE_WHEN_IDLE_MS)
      this.idle.unref()
    }
  }

  /** The next append starts a new log; the current one is retired after `retireAfterMs` (see SEAL_AFTER_MS). */
  private seal(retireAfterMs: number): void {
    const old = this.current
    this.current = undefined
    if (!old) return
    const sealed: SealedLog = { log: old, timer: undefined }
    this.sealed.add(sealed)
    if (retireAfterMs <= 0) {
      this.retire(sealed)
      return
    }
    sealed.timer = setTimeout(() => this.retire(sealed), retireAfterMs)
    sealed.timer.unref()
  }

  /** Flushes the files a sealed log names and their folders (one at a time), then deletes it. */
  private retire(sealed: SealedLog): void {
    if (!this.sealed.delete(sealed)) return
    if (sealed.timer) clearTimeout(sealed.timer)
    const retirement = (async () => {
      const log = await sealed.log
      await log.handle.close().catch(() => undefined)
      await flushFiles(this.fs, [...log.files], RETIRE_LANES)
      await this.fs.unlink(log.path).catch(() => undefined)
      owned.delete(log.path)
    })()
    // A retirement that fails leaves its log for recovery (which flushes, or restores, what it names).
    const tracked = retirement.catch(() => undefined)
    this.retirements.add(tracked)
    void tracked.then(() => this.retirements.delete(tracked))
  }

  /** The log appended to now, created (header flushed, its name flushed into its folder) on first use. */
  private open(): Promise<OpenLog> {
    this.current ??= (async () => {
      const dir = join(this.root, WAL_DIR)
      await this.fs.mkdir(dir)
      const path = join(dir, `${this.writer}-${this.logs++}.log`)
      owned.add(path)
      try {
        const handle = await this.fs.openLog(path)
        const writer = await currentProcess()
        await handle.append(encodeCommitLogHeader(writer))
        await this.fs.fsyncDir(dir)
        return { path, handle, files: new Set<string>(), records: 0, bytes: 0, opened: Date.now() }
      } catch (error) {
        owned.delete(path)
        throw error
      }
    })()
    const opening = this.current
    opening.catch(() => {
      if (this.current === opening) this.current = undefined
    })
    return opening
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let size = 0
  for (const p of parts) size += p.length
  const out = new Uint8Array(size)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/**
 * Flushes files (one gone since is skipped: a later commit removed it) and then the folders naming them.
 * `lanes`: how many flushes run at once (default all); a retirement uses one, so the thread pool's other threads stay
 * free for the commits that go on meanwhile (hundreds of flushes at once queued every commit's I/O behind them:
 * 60-70 ms stalls, measured).
 */
export async function flushFiles(
  fs: FileSystem,
  paths: readonly string[],
  lanes = paths.length,
): Promise<void> {
  const folders = new Set<string>()
  const flushOne = async (p: string) => {
    try {
      await fs.fsyncFile(p)
      folders.add(dirname(p))
    } catch (error) {
      if (!isNotFound(error)) throw error
    }
  }
  let next = 0
  const lane = async () => {
    while (next < paths.length) await flushOne(paths[next++] as string)
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(lanes, paths.length)) }, lane))
  await Promise.all(
    [...folders].map((dir) =>
      fs.fsyncDir(dir).catch((error: unknown) => {
        if (!isNotFound(error)) throw error
      }),
    ),
  )
}

const logs = new WeakMap<FileSystem, Map<string, CommitLog>>()
/** Every commit log of this process, retired when the process is about to exit (nothing else left to do). */
const every = new Set<CommitLog>()
let exitHook = false

function retireAllBeforeExit(): void {
  for (const log of every) log.retireAll()
}

/**
 * The commit log of a table in this process; undefined when its file system cannot append (FileSystem.openLog).
 * `identity`: which table is at `root` (TableLog.tableIdentity): a table deleted and made again at the same path
 * gets a commit log of its own, so nothing the old one knew (which versions are durable) carries over.
 */
export function commitLogOf(fs: FileSystem, root: string, identity: string): CommitLog | undefined {
  if (!fs.openLog) return undefined
  let byRoot = logs.get(fs)
  if (!byRoot) {
    byRoot = new Map()
    logs.set(fs, byRoot)
  }
  const key = `${resolve(root)}\0${identity}`
  let log = byRoot.get(key)
  if (!log) {
    log = new CommitLog(fs as FileSystem & { openLog: NonNullable<FileSystem['openLog']> }, resolve(root))
    byRoot.set(key, log)
    every.add(log)
    if (!exitHook) {
      // A process that ends normally leaves no log behind; one that crashes leaves it for recovery.
      process.on('beforeExit', retireAllBeforeExit)
      exitHook = true
    }
  }
  return log
}

/**
 * What recovery does with a log that is not this process's own open log: `leave` it (its writer still runs),
 * `restore` from it (a power loss since it was written: its writer ran before this host booted, so the crash may
 * have lost or torn what it names), or only `flush` what it names (its writer is gone but the host did not restart:
 * the page cache kept every write, e.g. a process that crashed or was killed, or a copy of a table's folder).
 */
export async function fateOf(
  writer: ProcessIdentity | undefined,
  mtimeMs: number,
): Promise<'leave' | 'restore' | 'flush'> {
  // No header: the log's creation was cut off before its first append was flushed, so it holds no record anyway.
  if (!writer) return 'flush'
  const self = await currentProcess()
  const beforeBoot =
    mtimeMs < bootTimeMs() ||
    (writer.boot !== undefined && self.boot !== undefined && writer.boot !== self.boot)
  if (beforeBoot) return 'restore'
  if (writer.host === self.host && writer.pid === self.pid && writer.start === self.start) return 'flush'
  const alive = await liveness(writer)
  return alive === 'dead' ? 'flush' : 'leave'
}

/** A file's bytes, or undefined when it does not exist. */
async function bytesAt(fs: FileSystem, path: string): Promise<Uint8Array | undefined> {
  try {
    return await fs.readFile(path)
  } catch (error) {
    if (isNotFound(error)) return undefined
    throw error
  }
}

/** True when `found` is what a crash leaves of `wanted`: empty, a prefix, or a prefix with zeroed bytes. */
function tornFrom(found: Uint8Array, wanted: Uint8Array): boolean {
  if (found.length > wanted.length) return false
  for (let i = 0; i < found.length; i++) if (found[i] !== wanted[i] && found[i] !== 0) return false
  return true
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b)
}

/**
 * Recovers a table from the commit logs of writers that no longer run (see the top of this file): restores each
 * logged entry and data file a crash lost or tore, in version order, flushes them and their folders, then deletes
 * those logs. Logs of running writers are left alone. `table` names the table in errors.
 */
export async function recoverCommitLogs(fs: FileSystem, root: string, table: string): Promise<void> {
  try {
    await recover(fs, root, table)
  } catch (error) {
    if (error instanceof TableCorruptError) throw error
    // An I/O failure (EACCES on a read-only copy, ENOSPC, EIO): the table cannot be read until recovery succeeds.
    throw new TableReadError(table, join(root, WAL_DIR), { cause: error })
  }
}

async function recover(fs: FileSystem, root: string, table: string): Promise<void> {
  const dir = join(root, WAL_DIR)
  let names: string[]
  try {
    names = await fs.readdir(dir)
  } catch (error) {
    if (isNotFound(error)) return
    throw error
  }
  const gone: string[] = []
  // Each record with its files' absolute paths, checked once (loggedPath) before anything is written.
  const records: { record: CommitRecord; log: string; paths: string[] }[] = []
  const touched: string[] = []
  for (const name of names.filter((n) => n.endsWith('.log'))) {
    const path = resolve(dir, name)
    if (owned.has(path)) continue
    const found = await orWhenMissing(logToRecover(fs, path), undefined) // missing: recovered by another process
    if (!found) continue
    const { decoded, fate } = found
    gone.push(path)
    for (const record of decoded.records) {
      const paths = record.files.map((_, i) => loggedPath(root, table, path, record, i))
      touched.push(...paths)
      if (fate === 'restore') records.push({ record, log: path, paths })
    }
  }
  if (gone.length === 0) return
  records.sort((a, b) => a.record.version - b.record.version)
  const newestCheckpoint = records.length > 0 ? await newestCheckpointVersion(fs, root) : -1
  for (const { record, log, paths } of records) {
    for (const [i, file] of record.files.entries()) {
      const path = paths[i] as string
      await restore(fs, path, file.bytes, {
        // A commit below the newest checkpoint that log cleanup deleted stays deleted.
        create: i > 0 || record.version > newestCheckpoint,
        conflict: () =>
          new TableCorruptError(
            table,
            path,
            record.version,
            `it differs from the acknowledged commit that ${log} records for it (another writer wrote it after a ` +
              'power loss); move that log out of _pf/wal/ to keep what the file holds now',
          ),
      })
    }
  }
  await flushFiles(fs, touched)
  for (const path of gone) await fs.unlink(path).catch(() => undefined)
}

/**
 * The absolute path of a record's `i`th file: its first is the entry of its version (`_delta_log/<version>.json`),
 * the others data files of the table (table-path.ts's rule). Anything else is TableCorruptError naming the log: a
 * record never makes recovery write outside the table, nor over another version's entry.
 */
function loggedPath(root: string, table: string, log: string, record: CommitRecord, i: number): string {
  const file = record.files[i] as LoggedFile
  const entry = `${LOG_DIR}/${logFileName(record.version)}`
  if (i === 0) {
    if (file.path === entry) return join(root, LOG_DIR, logFileName(record.version))
    throw new TableCorruptError(
      table,
      log,
      record.version,
      `a record names ${JSON.stringify(file.path)} as its entry, where only ${entry} belongs (a path outside the table's log)`,
    )
  }
  return loggedDataFilePath(root, table, log, record.version, file.path)
}

/**
 * A data file's absolute path from a log's record (`version`: the record's, -1 for a log-first insert's): inside the
 * table (table-path.ts's rule), else TableCorruptError naming the log; a record never makes recovery write outside.
 */
export function loggedDataFilePath(
  root: string,
  table: string,
  log: string,
  version: number,
  path: string,
): string {
  try {
    return containedPath(root, path)
  } catch (error) {
    if (!(error instanceof UncontainedPathError)) throw error
    throw new TableCorruptError(
      table,
      log,
      version,
      `a record names a data file outside the table: ${error.message}`,
    )
  }
}

/** Bytes of a log read first: its header (a process identity, far smaller) decides whether the rest is read. */
const HEAD_BYTES = 4096

/**
 * A log's fate (see `fateOf`) and, unless it is left to its running writer, its records. Only its head is read
 * first: a running writer's log (up to SEAL_AFTER_BYTES) is not read at every open of the table elsewhere.
 */
async function logToRecover(
  fs: FileSystem,
  path: string,
): Promise<{ fate: 'restore' | 'flush'; decoded: DecodedCommitLog } | undefined> {
  const { mtimeMs } = await fs.stat(path)
  const head = fs.readRange ? await fs.readRange(path, 0, HEAD_BYTES) : await fs.readFile(path)
  // The whole log when shorter than what was asked for (its writer, if running, is then judged by this header).
  let whole = !fs.readRange || head.length < HEAD_BYTES
  let decoded = decodeCommitLog(head)
  if (!decoded.writer && !whole) {
    // No header in the head: read it all rather than judge a log by a header cut off.
    decoded = decodeCommitLog(await fs.readFile(path))
    whole = true
  }
  const fate = await fateOf(decoded.writer, mtimeMs)
  if (fate === 'leave') return undefined
  return { fate, decoded: whole ? decoded : decodeCommitLog(await fs.readFile(path)) }
}

/** Makes `path` hold `bytes`: written when missing (if `create`) or torn; left when equal; else `conflict()`. */
export async function restore(
  fs: FileSystem,
  path: string,
  bytes: Uint8Array,
  how: { create: boolean; conflict: () => Error },
): Promise<void> {
  const found = await bytesAt(fs, path)
  if (found !== undefined && sameBytes(found, bytes)) return
  if (found === undefined) {
    if (!how.create) return
    await fs.mkdir(dirname(path))
    try {
      await fs.createExclusive(path, bytes)
      return
    } catch (error) {
      if (!isAlreadyExists(error)) throw error
      // Restored by another process meanwhile.
      const now = await bytesAt(fs, path)
      if (now !== undefined && sameBytes(now, bytes)) return
      throw how.conflict()
    }
  }
  if (!tornFrom(found, bytes)) throw how.conflict()
  // Replaced whole: written beside it, then renamed over it (a reader sees the torn file or the whole one).
  const temp = join(dirname(path), `.${randomUUID()}.restore.tmp`)
  await fs.writeFile(temp, bytes)
  await fs.rename(temp, path)
}

async function newestCheckpointVersion(fs: FileSystem, root: string): Promise<number> {
  let names: string[]
  try {
    names = await fs.readdir(join(root, LOG_DIR))
  } catch (error) {
    if (isNotFound(error)) return -1
    throw error
  }
  let newest = -1
  for (const name of names) {
    const m = /^(\d{20})\.checkpoint\./.exec(name)
    if (m?.[1] !== undefined) newest = Math.max(newest, Number(m[1]))
  }
  return newest
}
