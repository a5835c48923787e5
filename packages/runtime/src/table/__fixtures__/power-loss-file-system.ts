// A file system that knows what a power loss would keep: every call goes to the real file system, and a model of
// the disk records which names and which contents were flushed. `imageAt(k)` builds the folder a power loss after
// the first k steps would leave, to open and check as a reader after a reboot would.
import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { expect } from 'vitest'
import type { AppendLog, CreateOptions, FileStat, FileSystem, WriteOptions } from '../file-system.js'
import { nodeFileSystem } from '../node-file-system.js'
import { bootTimeMs } from '../process-identity.js'

/** A file's or folder's contents in the model; a name points at one (a hard link: two names, one inode). */
interface Inode {
  readonly dir: boolean
  /** The bytes now (files). */
  live: Uint8Array
  /** The bytes a power loss keeps: the last flushed (undefined: never flushed; the file comes back empty). */
  flushed: Uint8Array | undefined
  /** Folders: names now, and the names a power loss keeps (as of the folder's last flush). */
  entries: Map<string, Inode>
  flushedEntries: Map<string, Inode>
}

/** One step of the recorded run: a change to the model, or a mark the test set (an acknowledged commit). */
type Step =
  | { readonly kind: 'op'; readonly label: string }
  | { readonly kind: 'mark'; readonly label: string }

function inode(dir: boolean, bytes: Uint8Array = new Uint8Array(), flushed?: Uint8Array): Inode {
  return { dir, live: bytes, flushed, entries: new Map(), flushedEntries: new Map() }
}

const bytesOf = (data: Uint8Array | string): Uint8Array =>
  typeof data === 'string' ? new TextEncoder().encode(data) : new Uint8Array(data)

/**
 * The disk model is POSIX's worst case, as ext4 with delayed allocation shows it: a name exists after a power loss
 * only if its folder was flushed (fsync of the folder) after the name was made, and a file's bytes only if the file
 * was flushed after they were written; a name whose file was never flushed comes back as an empty file. Each call
 * is recorded as the steps it makes (`createExclusive`: the new name with its bytes, then the folder's flush), and
 * the model after each step is kept, so an image can be built for a power loss between any two steps.
 */
export class PowerLossFileSystem implements FileSystem {
  readonly gatedCreate: boolean
  /** Present unless made `withoutLog`: commits then go through the commit log (commit-wal.ts). */
  readonly openLog?: (path: string) => Promise<AppendLog>
  private readonly root: Inode = inode(true)
  private readonly steps: Step[] = []
  /** The model after each step (a deep copy per step: tests are small). */
  private readonly models: Inode[] = []

  private constructor(
    /** The folder modelled; everything in it when the model starts counts as flushed. */
    readonly base: string,
    private readonly inner: FileSystem,
    log: boolean,
  ) {
    this.gatedCreate = inner.gatedCreate === true
    const open = inner.openLog?.bind(inner)
    if (log && open) this.openLog = (path) => this.modelLog(path, open)
  }

  /**
   * Starts modelling `base` (created if missing); its present contents count as flushed. `withoutLog`: no
   * `openLog`, so every commit flushes its files (the protocol of file systems that cannot append).
   */
  static async of(
    base: string,
    inner: FileSystem = nodeFileSystem,
    options: { withoutLog?: boolean } = {},
  ): Promise<PowerLossFileSystem> {
    await mkdir(base, { recursive: true })
    const fs = new PowerLossFileSystem(resolve(base), inner, options.withoutLog !== true)
    await fs.load(base, fs.root)
    fs.initial = copy(fs.root)
    return fs
  }

  private async load(path: string, into: Inode): Promise<void> {
    for (const entry of await readdir(path, { withFileTypes: true })) {
      const full = join(path, entry.name)
      const node = entry.isDirectory() ? inode(true) : inode(false)
      if (entry.isDirectory()) await this.load(full, node)
      else {
        const bytes = new Uint8Array(await readFile(full))
        node.live = bytes
        node.flushed = bytes
      }
      into.entries.set(entry.name, node)
      into.flushedEntries.set(entry.name, node)
    }
  }

  /** Steps recorded so far: a power loss after step k is `imageAt(k)` (0: before the first). */
  get length(): number {
    return this.steps.length
  }

  /** The recorded steps, for a failing test's message. */
  describe(upTo = this.steps.length): string[] {
    return this.steps.slice(0, upTo).map((s, i) => `${i + 1}. ${s.kind === 'mark' ? '-- ' : ''}${s.label}`)
  }

  /** Records a mark (e.g. a commit acknowledged to its caller) between the steps around it. */
  mark(label: string): void {
    this.record({ kind: 'mark', label })
  }

  /** The step count right after a mark (a power loss there is the first after it). */
  stepAfterMark(label: string): number {
    const at = this.steps.findIndex((s) => s.kind === 'mark' && s.label === label)
    if (at < 0) throw new Error(`PowerLossFileSystem: no mark ${label}`)
    return at + 1
  }

  /** The marks set before a power loss after step k. */
  marksBefore(k: number): string[] {
    return this.steps.slice(0, k).flatMap((s) => (s.kind === 'mark' ? [s.label] : []))
  }

  /** Writes into `target` the folder a power loss after step k leaves: flushed names, flushed bytes (else none). */
  async imageAt(k: number, target: string): Promise<void> {
    await mkdir(target, { recursive: true })
    await writeImage(k === 0 ? this.initial : (this.models[k - 1] as Inode), target)
  }

  /** The model when it started. */
  private initial: Inode = inode(true)

  private record(step: Step): void {
    this.steps.push(step)
    this.models.push(copy(this.root))
  }

  /** The folder inode of a path's parent and the path's name, creating no folder (undefined: not modelled). */
  private parentOf(path: string): { dir: Inode; name: string } | undefined {
    const rel = relative(this.base, resolve(path))
    if (rel.startsWith('..') || rel === '') return undefined
    let dir = this.root
    for (const part of dirname(rel)
      .split(/[\\/]/)
      .filter((p) => p !== '.' && p !== '')) {
      const next = dir.entries.get(part)
      if (!next?.dir) return undefined
      dir = next
    }
    return { dir, name: basename(rel) }
  }

  private nodeAt(path: string): Inode | undefined {
    const rel = relative(this.base, resolve(path))
    if (rel === '') return this.root
    const at = this.parentOf(path)
    return at?.dir.entries.get(at.name)
  }

  async writeFile(path: string, data: Uint8Array | string, options?: WriteOptions): Promise<void> {
    await this.inner.writeFile(path, data, options)
    const at = this.parentOf(path)
    if (!at) return
    const bytes = bytesOf(data)
    // An existing file is truncated in place (O_TRUNC, same inode): until a flush, a power loss may leave it empty.
    const existing = at.dir.entries.get(at.name)
    const node = existing && !existing.dir ? existing : inode(false)
    node.live = bytes
    node.flushed = (options?.durable ?? true) ? bytes : undefined
    at.dir.entries.set(at.name, node)
    this.record({
      kind: 'op',
      label: `writeFile ${this.rel(path)}${options?.durable === false ? '' : ' +flush'}`,
    })
    if (options?.syncDir) this.flushDir(dirname(path))
  }

  async createExclusive(path: string, data: Uint8Array | string, options?: CreateOptions): Promise<void> {
    await this.inner.createExclusive(path, data, options)
    const at = this.parentOf(path)
    if (!at) return
    const bytes = bytesOf(data)
    // In place: one open and write (flushed when durable); else a flushed temp file linked to the name.
    at.dir.entries.set(at.name, inode(false, bytes, (options?.durable ?? true) ? bytes : undefined))
    this.record({ kind: 'op', label: `createExclusive ${this.rel(path)}` })
    if (options?.syncDir) this.flushDir(dirname(path))
  }

  /** An append log: each append is flushed (its bytes survive), its name only once its folder is flushed. */
  private async modelLog(path: string, open: (path: string) => Promise<AppendLog>): Promise<AppendLog> {
    const inner = await open(path)
    const at = this.parentOf(path)
    let node: Inode | undefined
    if (at) {
      const existing = at.dir.entries.get(at.name)
      node = existing && !existing.dir ? existing : inode(false)
      at.dir.entries.set(at.name, node)
      this.record({ kind: 'op', label: `openLog ${this.rel(path)}` })
    }
    return {
      append: async (data) => {
        await inner.append(data)
        if (!node) return
        const live = new Uint8Array(node.live.length + data.length)
        live.set(node.live)
        live.set(data, node.live.length)
        node.live = live
        node.flushed = live
        this.record({ kind: 'op', label: `append ${this.rel(path)} (${data.length} B) +flush` })
      },
      close: () => inner.close(),
    }
  }

  async rename(from: string, to: string): Promise<void> {
    await this.inner.rename(from, to)
    const src = this.parentOf(from)
    const dst = this.parentOf(to)
    const node = src?.dir.entries.get(src.name)
    if (src && node) src.dir.entries.delete(src.name)
    if (dst && node) dst.dir.entries.set(dst.name, node)
    this.record({ kind: 'op', label: `rename ${this.rel(from)} -> ${this.rel(to)}` })
  }

  async unlink(path: string): Promise<void> {
    await this.inner.unlink(path)
    const at = this.parentOf(path)
    at?.dir.entries.delete(at.name)
    this.record({ kind: 'op', label: `unlink ${this.rel(path)}` })
  }

  async mkdir(path: string): Promise<void> {
    await this.inner.mkdir(path)
    const rel = relative(this.base, resolve(path))
    if (rel.startsWith('..') || rel === '') return
    let dir = this.root
    let made = false
    for (const part of rel.split(/[\\/]/)) {
      let next = dir.entries.get(part)
      if (!next) {
        next = inode(true)
        dir.entries.set(part, next)
        // FileSystem.mkdir is durable: the new folder's name is flushed into its parent.
        dir.flushedEntries.set(part, next)
        made = true
      }
      dir = next
    }
    if (made) this.record({ kind: 'op', label: `mkdir ${rel}` })
  }

  async rmdir(path: string): Promise<void> {
    await this.inner.rmdir(path)
    const at = this.parentOf(path)
    at?.dir.entries.delete(at.name)
    this.record({ kind: 'op', label: `rmdir ${this.rel(path)}` })
  }

  async fsyncFile(path: string): Promise<void> {
    await this.inner.fsyncFile(path)
    const node = this.nodeAt(path)
    if (node && !node.dir) node.flushed = node.live
    this.record({ kind: 'op', label: `fsyncFile ${this.rel(path)}` })
  }

  async fsyncDir(path: string): Promise<void> {
    await this.inner.fsyncDir(path)
    this.flushDir(path)
  }

  private flushDir(path: string): void {
    const node = this.nodeAt(path)
    if (node?.dir) node.flushedEntries = new Map(node.entries)
    this.record({ kind: 'op', label: `fsyncDir ${this.rel(path) || '.'}` })
  }

  private rel(path: string): string {
    return relative(this.base, resolve(path)).split('\\').join('/')
  }

  readFile(path: string): Promise<Uint8Array> {
    return this.inner.readFile(path)
  }
  readRange(path: string, offset: number, length: number): Promise<Uint8Array> {
    if (this.inner.readRange) return this.inner.readRange(path, offset, length)
    return this.inner.readFile(path).then((b) => b.subarray(offset, offset + length))
  }
  readdir(path: string): Promise<string[]> {
    return this.inner.readdir(path)
  }
  readdirTyped(path: string): Promise<{ name: string; isDirectory: boolean }[]> {
    return this.inner.readdirTyped(path)
  }
  stat(path: string): Promise<FileStat> {
    return this.inner.stat(path)
  }
  lstat(
    path: string,
  ): Promise<{ size: number; mtimeMs: number; isDirectory: boolean; isSymbolicLink: boolean }> {
    return this.inner.lstat(path)
  }
}

/** A deep copy of a model (inodes shared by two names stay shared). */
function copy(root: Inode): Inode {
  const seen = new Map<Inode, Inode>()
  const walk = (node: Inode): Inode => {
    const known = seen.get(node)
    if (known) return known
    const out = inode(node.dir, node.live, node.flushed)
    seen.set(node, out)
    for (const [name, child] of node.entries) out.entries.set(name, walk(child))
    for (const [name, child] of node.flushedEntries) out.flushedEntries.set(name, walk(child))
    return out
  }
  return walk(root)
}

/**
 * Writes what a power loss keeps of a folder: its flushed names; files with their flushed bytes, else empty. Each
 * file is dated a minute before this host booted, as a file written before the reboot is after one.
 */
async function writeImage(dir: Inode, target: string): Promise<void> {
  const before = new Date(bootTimeMs() - 60_000)
  for (const [name, node] of dir.flushedEntries) {
    const path = join(target, name)
    if (node.dir) {
      await mkdir(path, { recursive: true })
      await writeImage(node, path)
    } else {
      await writeFile(path, node.flushed ?? new Uint8Array())
      await utimes(path, before, before)
    }
  }
}

/**
 * Opens what a power loss after every recorded step leaves (each in its own folder under `images`) and expects
 * `read` of it to give the state after the acknowledged marks, or after the next one (the write in flight):
 * `states[i]` is the state after i marks. `from`: only power losses after that mark, whose own and earlier marks
 * are not counted (e.g. "the table exists"). `read` returns a failure as a value (e.g. an error's text), so a table
 * that no longer opens fails the test with the steps that led there.
 */
export async function expectEveryPowerLossKeepsAcknowledged(
  fs: PowerLossFileSystem,
  states: readonly unknown[],
  images: string,
  read: (image: string) => Promise<unknown>,
  from?: string,
): Promise<void> {
  const start = from === undefined ? 0 : fs.stepAfterMark(from)
  const before = fs.marksBefore(start).length
  for (let k = start; k <= fs.length; k++) {
    const image = join(images, `image-${k}`)
    await fs.imageAt(k, image)
    const acked = fs.marksBefore(k).length - before
    const allowed = [states[acked], states[acked + 1]].filter((s) => s !== undefined)
    const found = await read(image)
    expect(
      allowed,
      `power loss after step ${k}:\n${fs.describe(k).join('\n')}\nread: ${JSON.stringify(found)}`,
    ).toContainEqual(found)
  }
}
