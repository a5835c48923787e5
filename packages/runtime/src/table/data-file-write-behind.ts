import { basename, dirname, join, resolve } from 'node:path'
import type { DeletionVectorFile } from '../delta/deletion-vector.js'
import { flushing } from './data-file-durability.js'
import type { FileSystem } from './file-system.js'

/** Where a data file's bytes go: written under `tempPath`, renamed to `finalPath`. */
export interface DataFilePaths {
  readonly tempPath: string
  readonly finalPath: string
}

/** The files a write created (`paths`, removed by a discard) and its writes still running (a discard waits for them). */
export interface WriteBehindTarget {
  readonly paths: string[]
  readonly writing: Promise<unknown>[]
}

/**
 * Writes a data file whose bytes, and so whose add action, are already known, without its caller waiting for any
 * of it on a `gatedCreate` file system: the temp file, the rename, then the file and its folder fsynced at once.
 * The log entry naming the file waits for all of it (data-file-durability.ts), so the whole write overlaps planning
 * the commit and writing the entry; a failed step fails that entry. Elsewhere it resolves once the file is durable.
 */
export async function writeBehind(
  fs: FileSystem,
  bytes: Uint8Array,
  { tempPath, finalPath }: DataFilePaths,
  written: WriteBehindTarget,
): Promise<void> {
  written.paths.push(tempPath)
  const write = (async () => {
    await fs.writeFile(tempPath, bytes, { durable: false })
    await fs.rename(tempPath, finalPath)
    written.paths[written.paths.indexOf(tempPath)] = finalPath
    await Promise.all([fs.fsyncFile(finalPath), fs.fsyncDir(dirname(finalPath))])
  })()
  written.writing.push(write)
  if (fs.gatedCreate !== true) await write
  else flushing([finalPath], write)
}

/**
 * Writes a deletion vector file as `writeBehind` does a data file (temp name, rename: its name is a fresh UUID, then
 * the file and its folder fsynced at once): on a `gatedCreate` file system the caller does not wait, the log entry
 * naming the vector does (by `absolute`).
 */
export async function writeVectorBehind(
  fs: FileSystem,
  tableRoot: string,
  vector: DeletionVectorFile,
  absolute: string,
  written: WriteBehindTarget,
): Promise<void> {
  const dir = dirname(absolute)
  // A vector in a random-prefix folder (pf writes none) needs the folder first.
  if (resolve(dir) !== resolve(tableRoot)) await fs.mkdir(dir)
  const tempPath = join(dir, `.${basename(absolute)}.tmp`)
  await writeBehind(fs, vector.bytes, { tempPath, finalPath: absolute }, written)
}
