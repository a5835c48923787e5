import { randomUUID } from 'node:crypto'
import {
  close,
  closeSync,
  fdatasync,
  fdatasyncSync,
  promises as fsp,
  fstatSync,
  fsync,
  linkSync,
  lstatSync,
  open,
  openSync,
  readSync,
  type Stats,
  statSync,
  unlinkSync,
  write,
  writeFileSync,
  writeSync,
} from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import {
  type AppendLog,
  type CreateOptions,
  errorCode,
  type FileStat,
  type FileSystem,
  type WriteOptions,
} from './file-system.js'
import { FlushTiming } from './flush-timing.js'

/** A FileStat of node's stats; the identity changes when the file is deleted and created again, or modified. */
function fileStatOf(s: Stats): FileStat {
  const origin = `${s.dev}:${s.ino}:${s.birthtimeMs}`
  const identity = `${origin}:${s.mtimeMs}`
  return {
    size: s.size,
    mtimeMs: s.mtimeMs,
    isDirectory: s.isDirectory(),
    identity,
    origin,
    birthtimeMs: s.birthtimeMs,
  }
}

/** A handle `readRange` shares: its readers now, and the close scheduled once they are none. */
interface SharedHandle {
  readonly handle: Promise<FileHandle>
  users: number
  closing: NodeJS.Immediate | undefined
}

/**
 * Closes a file whose data an fsync has made durable, without waiting: no close error can undo that, and a commit's
 * critical path (data file, log entry, folder flushes) is a chain of such files.
 */
function closeSynced(handle: FileHandle): void {
  handle.close().catch(() => undefined)
}

async function fsyncPath(path: string, flags: string): Promise<void> {
  const handle = await fsp.open(path, flags)
  try {
    await handle.sync()
  } catch (error) {
    await handle.close().catch(() => undefined)
    throw error
  }
  closeSynced(handle)
}

/**
 * Opens `path` with `flag`, writes `data` (and flushes it when `durable`) and closes it. `opened`: work that starts
 * once the open made the name (a flush of its folder) and overlaps the write; its error is thrown after the write's.
 */
async function writeAndSync(
  path: string,
  data: Uint8Array | string,
  flag: string,
  durable: boolean,
  opened?: () => Promise<void>,
): Promise<void> {
  const handle = await fsp.open(path, flag)
  const alongside = opened?.()
  try {
    await handle.writeFile(data)
    if (durable) await handle.sync()
  } catch (error) {
    await Promise.all([handle.close().catch(() => undefined), alongside?.catch(() => undefined)])
    throw error
  }
  // Not flushed: a close error may be the write's own (deferred) error, so it is awaited.
  if (durable) closeSynced(handle)
  else await handle.close()
  await alongside
}

/** Creates a file that must not exist and writes it; a failed write removes the file this call created. */
async function writeNew(path: string, data: Uint8Array | string, durable: boolean): Promise<void> {
  const handle = await fsp.open(path, 'wx')
  try {
    await handle.writeFile(data)
    if (durable) await handle.sync()
  } catch (error) {
    await handle.close().catch(() => undefined)
    await fsp.unlink(path).catch(() => undefined)
    throw error
  }
  await handle.close()
}

/**
 * Unflushed writes of at most this many bytes are synchronous: they only copy into the page cache (tens of
 * microseconds), while a call through libuv's thread pool costs a thread switch each way, and on a busy machine the
 * woken pool thread takes the event loop's core until it is done anyway (a commit's files through the commit log,
 * measured 10% faster per create).
 */
export const SYNC_WRITE_MAX = 64 * 1024

/**
 * `createExclusive` of a small file not flushed: the temp file written synchronously, `after` waited for, then
 * linked (EEXIST when the name exists), the temp name removed whatever happens; the folder flushed if asked.
 */
async function createUnflushed(
  temp: string,
  path: string,
  data: Uint8Array | string,
  options: CreateOptions,
): Promise<void> {
  try {
    writeFileSync(temp, data, { flag: 'wx' })
    await options.after
    try {
      linkSync(temp, path)
    } catch (error) {
      const code = errorCode(error)
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error
      await writeNew(path, data, false)
    }
  } finally {
    try {
      unlinkSync(temp)
    } catch {
      // never written, or already gone
    }
  }
  if (options.syncDir) await nodeFileSystem.fsyncDir(dirname(path))
}

/** A folder `fsyncDir` keeps open: its descriptor and identity, the flushes running on it, and whether it was let go. */
interface HeldFolder {
  readonly fd: number
  readonly dev: number
  readonly ino: number
  users: number
  dropped: boolean
}

/** The most folders `fsyncDir` keeps open (the least recently flushed is closed first). */
const MAX_HELD_FOLDERS = 64

/**
 * Folders `fsyncDir` keeps open, by absolute path, least recently flushed first; shared by every NodeFileSystem in
 * the process, so the descriptors held stay bounded. A commit flushes its table folder and `_delta_log/` each time:
 * a held folder costs one flush instead of an open, a flush and a close.
 */
const heldFolders = new Map<string, HeldFolder>()

/** Closes a let-go folder's descriptor once no flush runs on it. */
function closeIfUnused(held: HeldFolder): void {
  if (held.dropped && held.users === 0) close(held.fd, () => undefined)
}

function letGo(path: string, held: HeldFolder): void {
  if (heldFolders.get(path) === held) heldFolders.delete(path)
  held.dropped = true
  closeIfUnused(held)
}

/**
 * The held folder at `path` when it is still the folder there: the path names a live folder (its inode is unique on
 * its device) of the held identity, and the held one was not deleted (a deleted folder's inode number can be reused).
 * Synchronous (two stats, microseconds): a check, as an open would be, made after the caller's own change.
 */
function stillHeld(path: string): HeldFolder | undefined {
  const held = heldFolders.get(path)
  if (!held) return undefined
  try {
    const now = statSync(path)
    if (now.dev === held.dev && now.ino === held.ino && fstatSync(held.fd).nlink > 0) {
      heldFolders.delete(path)
      heldFolders.set(path, held)
      return held
    }
  } catch {
    // Gone or unreadable: opened again below, which reports the error.
  }
  letGo(path, held)
  return undefined
}

/** Opens a folder and holds it (at most MAX_HELD_FOLDERS, the least recently flushed closed first). */
async function holdFolder(path: string): Promise<HeldFolder> {
  const fd = await new Promise<number>((done, fail) =>
    open(path, 'r', (error, fd) => (error ? fail(error) : done(fd))),
  )
  let held: HeldFolder
  try {
    const s = fstatSync(fd)
    held = { fd, dev: s.dev, ino: s.ino, users: 0, dropped: false }
  } catch (error) {
    closeSync(fd)
    throw error
  }
  const before = heldFolders.get(path)
  if (before) letGo(path, before)
  heldFolders.set(path, held)
  for (const [oldest, folder] of heldFolders) {
    if (heldFolders.size <= MAX_HELD_FOLDERS) break
    letGo(oldest, folder)
  }
  return held
}

/** @internal For tests: the descriptor and identity held for a folder (undefined: none). */
export function heldFolder(path: string): { fd: number; dev: number; ino: number } | undefined {
  const held = heldFolders.get(resolve(path))
  return held && { fd: held.fd, dev: held.dev, ino: held.ino }
}

/** @internal For tests: how many folders are held open. */
export function heldFolderCount(): number {
  return heldFolders.size
}

/** Flushes a folder through a held descriptor (opened once per folder, see heldFolders). */
async function fsyncFolder(path: string): Promise<void> {
  const at = resolve(path)
  const held = stillHeld(at) ?? (await holdFolder(at))
  held.users++
  try {
    await new Promise<void>((done, fail) => fsync(held.fd, (error) => (error ? fail(error) : done())))
  } finally {
    held.users--
    closeIfUnused(held)
  }
}

/** An open file's bytes to its end, synchronously (`size`: its size when opened, plus a byte to see the end). */
function readToEnd(fd: number, size: number): Buffer {
  let out = Buffer.allocUnsafe(size + 1)
  let done = 0
  for (;;) {
    if (done === out.length) {
      const grown = Buffer.allocUnsafe(out.length * 2)
      out.copy(grown)
      out = grown
    }
    const n = readSync(fd, out, done, out.length - done, done)
    if (n === 0) return out.subarray(0, done)
    done += n
  }
}

/**
 * Reads of at most this many bytes (64 KiB; by range, or of a whole file of at most that size) are synchronous on
 * the event loop: a cold find's few small reads (log pointer, commits, state cache; key index header, slot, bucket;
 * footer, offset indexes, pages) each cost one or more thread-pool round trips otherwise, ~0.2 ms each in a fresh
 * process (~0.7 ms the first) against ~0.06 ms (0.17) for a sync read of a cached file; a cold open's reads of
 * `_last_checkpoint` then two commits and the state cache took 2.35 ms against 0.85 ms sync (Node 24, medians of 7,
 * measured). Larger reads and opens for reading by range stay off the event loop.
 */
export const SYNC_READ_MAX = 64 * 1024

/** How long this process's log flushes take: on the event loop while they are fast (flush-timing.ts). */
const sharedFlushTiming = new FlushTiming()

/**
 * The real file system (node:fs). `createExclusive` writes a temporary file,
 * fsyncs it and hard-links it to the target: `link` fails with EEXIST when the
 * target exists, and a crash can never leave a half-written target (which a
 * plain `open(path, 'wx')` + write could). Where hard links are not supported
 * it falls back to `open(path, 'wx')`.
 */
export class NodeFileSystem implements FileSystem {
  readonly gatedCreate = true

  /** `flushTiming`: where log flushes are made (flush-timing.ts); default this process's shared one. */
  constructor(private readonly flushTiming: FlushTiming = sharedFlushTiming) {}

  async writeFile(path: string, data: Uint8Array | string, options: WriteOptions = {}): Promise<void> {
    if (options.durable === false && !options.syncDir && data.length <= SYNC_WRITE_MAX) {
      writeFileSync(path, data)
      return
    }
    // The folder's flush starts once the open made the name: one open, the two flushes overlapping.
    const folder = options.syncDir ? () => this.fsyncDir(dirname(path)) : undefined
    await writeAndSync(path, data, 'w', options.durable ?? true, folder)
  }

  async createExclusive(path: string, data: Uint8Array | string, options: CreateOptions = {}): Promise<void> {
    const durable = options.durable ?? true
    if (options.inPlace) {
      await options.after
      await writeNew(path, data, durable)
      if (options.syncDir) await this.fsyncDir(dirname(path))
      return
    }
    const temp = join(dirname(path), `.${basename(path)}.${randomUUID()}.tmp`)
    if (!durable && data.length <= SYNC_WRITE_MAX) return createUnflushed(temp, path, data, options)
    // Whatever happens (ENOSPC, EIO, a lost race, a failed `after`), the temporary file never stays behind.
    try {
      // Both settle before either's error is thrown: the temp file is never removed while being written.
      const [written, waited] = await Promise.allSettled([
        writeAndSync(temp, data, 'wx', durable),
        options.after,
      ])
      if (written.status === 'rejected') throw written.reason
      if (waited.status === 'rejected') throw waited.reason
      try {
        await fsp.link(temp, path)
      } catch (error) {
        const code = errorCode(error)
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error
        await writeNew(path, data, durable)
      }
    } catch (error) {
      await fsp.unlink(temp).catch(() => undefined)
      throw error
    }
    // The folder's flush (the new name) runs while the temp name is removed; both settle before the flush's error is
    // thrown, so a caller told of a failed flush finds no temporary file left (a rejection at once did not wait).
    const [, flushed] = await Promise.allSettled([
      fsp.unlink(temp).catch(() => undefined),
      options.syncDir ? this.fsyncDir(dirname(path)) : undefined,
    ])
    if (flushed.status === 'rejected') throw flushed.reason
  }

  async rename(from: string, to: string): Promise<void> {
    await fsp.rename(from, to)
  }

  /** The file's bytes: read synchronously when it holds at most SYNC_READ_MAX bytes (see there). */
  async readFile(path: string): Promise<Uint8Array> {
    const fd = openSync(path, 'r')
    try {
      const { size } = fstatSync(fd)
      if (size <= SYNC_READ_MAX) return readToEnd(fd, size)
    } finally {
      closeSync(fd)
    }
    return fsp.readFile(path)
  }

  /**
   * `length` bytes at `offset`. Reads of a path that overlap or follow one another within one turn of the event loop
   * (a key lookup's three dependent reads, a point read's footer and pages) share one open handle, closed once a turn
   * passes without a read: one open instead of an open and a close around every read. Reads of at most
   * SYNC_READ_MAX bytes are synchronous on that handle (see there).
   */
  async readRange(path: string, offset: number, length: number): Promise<Uint8Array> {
    const shared = this.sharedHandle(path)
    try {
      const handle = await shared.handle
      const out = Buffer.allocUnsafe(length)
      const sync = length <= SYNC_READ_MAX
      let done = 0
      while (done < length) {
        const bytesRead = sync
          ? readSync(handle.fd, out, done, length - done, offset + done)
          : (await handle.read(out, done, length - done, offset + done)).bytesRead
        if (bytesRead === 0) break
        done += bytesRead
      }
      return out.subarray(0, done)
    } finally {
      this.releaseHandle(path, shared)
    }
  }

  /** Handles `readRange` shares, by path (see there). */
  private readonly rangeHandles = new Map<string, SharedHandle>()

  /** Opens a file for reading by range (what `readRange` shares; tests count the opens). */
  protected openForRange(path: string): Promise<FileHandle> {
    return fsp.open(path, 'r')
  }

  private sharedHandle(path: string): SharedHandle {
    let shared = this.rangeHandles.get(path)
    if (shared) {
      if (shared.closing) clearImmediate(shared.closing)
      shared.closing = undefined
      shared.users++
      return shared
    }
    const handle = this.openForRange(path)
    const opened: SharedHandle = { handle, users: 1, closing: undefined }
    shared = opened
    this.rangeHandles.set(path, opened)
    // A failed open is not shared: the next read tries again.
    handle.catch(() => {
      if (this.rangeHandles.get(path) === opened) this.rangeHandles.delete(path)
    })
    return shared
  }

  private releaseHandle(path: string, shared: SharedHandle): void {
    if (--shared.users > 0) return
    shared.closing = setImmediate(() => {
      if (this.rangeHandles.get(path) === shared) this.rangeHandles.delete(path)
      shared.handle.then((h) => h.close()).catch(() => undefined)
    })
  }

  async readdir(path: string): Promise<string[]> {
    return fsp.readdir(path)
  }

  async readdirTyped(path: string): Promise<{ name: string; isDirectory: boolean }[]> {
    const entries = await fsp.readdir(path, { withFileTypes: true })
    return entries.map((e) => ({ name: e.name, isDirectory: e.isDirectory() }))
  }

  async unlink(path: string): Promise<void> {
    await fsp.unlink(path)
  }

  /**
   * Creates the folder and its missing parents, then flushes each new folder's name into its parent (at once): a
   * power loss must not lose a folder a commit then wrote into (a new table's, a partition's). A folder that exists
   * costs no flush.
   */
  async mkdir(path: string): Promise<void> {
    const first = await fsp.mkdir(path, { recursive: true })
    if (first === undefined) return
    const parents: string[] = []
    for (let dir = resolve(path); ; dir = dirname(dir)) {
      parents.push(dirname(dir))
      if (dir === resolve(first) || dirname(dir) === dir) break
    }
    await Promise.all(parents.map((parent) => this.fsyncDir(parent)))
  }

  async rmdir(path: string): Promise<void> {
    await fsp.rmdir(path)
  }

  async fsyncFile(path: string): Promise<void> {
    await fsyncPath(path, 'r+')
  }

  async fsyncDir(path: string): Promise<void> {
    try {
      await fsyncFolder(path)
    } catch (error) {
      // Some platforms (Windows) cannot open or fsync a directory; nothing more can be done there.
      const code = errorCode(error)
      if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL') throw error
    }
  }

  async stat(path: string): Promise<FileStat> {
    return fileStatOf(await fsp.stat(path))
  }

  /**
   * `stat` without a round trip through libuv's thread pool (a few microseconds instead of tens): for the one stat
   * of the log folder a warm read makes (log-freshness.ts). Blocks the event loop for that stat.
   */
  statSync(path: string): FileStat {
    return fileStatOf(statSync(path))
  }

  /**
   * Whether an entry is at `path` (`lstat` without the thread pool; other errors throw): for the checks on a commit's
   * path (commit-turn.ts, log-freshness.ts), which mostly find nothing, so no ENOENT error is built (~6 µs each).
   */
  entryAt(path: string): boolean {
    return lstatSync(path, { throwIfNoEntry: false }) !== undefined
  }

  async lstat(
    path: string,
  ): Promise<{ size: number; mtimeMs: number; isDirectory: boolean; isSymbolicLink: boolean }> {
    const s = await fsp.lstat(path)
    return {
      size: s.size,
      mtimeMs: s.mtimeMs,
      isDirectory: s.isDirectory(),
      isSymbolicLink: s.isSymbolicLink(),
    }
  }

  async openLog(path: string): Promise<AppendLog> {
    const fd = await new Promise<number>((done, fail) =>
      open(path, 'wx', (error, opened) => (error ? fail(error) : done(opened))),
    )
    const log: LogFile = { fd, end: 0, written: 0 }
    return {
      append: (data) => appendAndSync(log, data, this.flushTiming),
      close: () => new Promise<void>((done, fail) => close(fd, (error) => (error ? fail(error) : done()))),
    }
  }
}

/** A log file `openLog` made: where its next append goes, and how far it is written (appends, then zeros). */
interface LogFile {
  readonly fd: number
  end: number
  written: number
}

/**
 * A log is written this far ahead of its appends with zeros: an append then overwrites bytes the file already has,
 * so its `fdatasync` writes the data alone, not the file's size and block map as well (0.09 against 0.16 ms per
 * append + flush here, `.tmp/walm/prealloc.mjs`). A reader of the log stops at the zeros (a frame's length is never
 * 0), as it stops at a torn append. The append that writes them flushes them too: 256 KiB took 2 ms (1 MiB 5-21 ms)
 * on a loaded machine, once per ~110 commits of a one-row create.
 */
export const LOG_WRITE_AHEAD = 256 * 1024

let zeros: Uint8Array | undefined

/**
 * Appends all of `data` after the log's previous appends, then flushes its data (`fdatasync`: on the event loop while
 * flushes are fast, else through the thread pool, flush-timing.ts; an append that writes zeros ahead always through
 * the pool, untimed: it flushes them too). ENOENT when the file was deleted since it was opened (its table folder
 * removed): an append there would be durable nowhere.
 */
async function appendAndSync(log: LogFile, data: Uint8Array, flushTiming: FlushTiming): Promise<void> {
  const { fd } = log
  if (fstatSync(fd).nlink === 0) {
    throw Object.assign(new Error('ENOENT: the log file was deleted while open'), { code: 'ENOENT' })
  }
  const ahead = log.end + data.length > log.written
  if (ahead) {
    // The zeros are flushed with this append's data: the next appends' flushes find the file's size unchanged.
    zeros ??= new Uint8Array(LOG_WRITE_AHEAD)
    // From the end of this append's own bytes (or of the zeros already written), which its data then fills.
    log.written = Math.max(log.written, log.end + data.length)
    const target = log.written + LOG_WRITE_AHEAD
    while (log.written < target) {
      log.written += writeSync(fd, zeros, 0, Math.min(zeros.length, target - log.written), log.written)
    }
  }
  for (let done = 0; done < data.length; ) {
    const at = log.end + done
    // A commit's record (its entry and small files) is written synchronously: one thread-pool round trip fewer per
    // commit (it only copies into the page cache).
    done +=
      data.length <= SYNC_WRITE_MAX
        ? writeSync(fd, data, done, data.length - done, at)
        : await new Promise<number>((resolve, fail) =>
            write(fd, data, done, data.length - done, at, (error, written) =>
              error ? fail(error) : resolve(written),
            ),
          )
  }
  log.end += data.length
  const start = performance.now()
  if (ahead || !flushTiming.synchronous) {
    await new Promise<void>((done, fail) => fdatasync(fd, (error) => (error ? fail(error) : done())))
  } else {
    fdatasyncSync(fd)
  }
  if (!ahead) flushTiming.record(performance.now() - start)
}

/** The shared real file system. */
export const nodeFileSystem: FileSystem = new NodeFileSystem()
