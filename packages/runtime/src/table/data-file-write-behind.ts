import { dirname, resolve } from 'node:path'
import type { DeletionVectorFile } from '../delta/deletion-vector.js'
import { LOGGED_FILE_MAX } from './commit-wal.js'
import { flushing, writtenForLog } from './data-file-durability.js'
import type { FileSystem } from './file-system.js'

/** The files a write created (`paths`, removed by a discard) and its writes still running (a discard waits for them). */
export interface WriteBehindTarget {
  readonly paths: string[]
  readonly writing: Promise<unknown>[]
  /**
   * The files are named by a commit written on this thread, which logs small files' bytes in the commit log
   * (commit-wal.ts): a file of at most LOGGED_FILE_MAX bytes is written without a flush. Default false: flushed.
   */
  readonly logged?: boolean
  /**
   * Small files are not written at all but kept here with their bytes (a log-first insert's: written when it is
   * published, its log record holding the bytes meanwhile; log-first-inserts.ts).
   */
  readonly deferred?: { path: string; bytes: Uint8Array }[] | undefined
}

/**
 * Writes a data file whose bytes, and so whose add action, are already known, without its caller waiting for any
 * of it on a `gatedCreate` file system: the file under its final name, written and fsynced while its folder is
 * fsynced (one open). No temp name and rename: the name holds a fresh UUID and nothing references it until the log
 * entry naming it appears (as Spark and delta-rs write), so a crash before that leaves an unreferenced file, which
 * vacuum removes as it does a temp file. The entry waits for all of it (data-file-durability.ts), so the whole write overlaps
 * planning the commit and writing the entry; a failed step fails that entry. Elsewhere it resolves once durable.
 */
export async function writeBehind(
  fs: FileSystem,
  bytes: Uint8Array,
  path: string,
  written: WriteBehindTarget,
): Promise<void> {
  written.paths.push(path)
  if (written.deferred && bytes.length <= LOGGED_FILE_MAX) {
    written.deferred.push({ path, bytes })
    return
  }
  if (written.logged === true && fs.openLog && bytes.length <= LOGGED_FILE_MAX) {
    // Durable through its commit's log record, which holds these bytes: written now, flushed later (commit-wal.ts).
    const write = fs.writeFile(path, bytes, { durable: false })
    written.writing.push(write)
    writtenForLog(path, bytes, write)
    if (fs.gatedCreate !== true) await write
    return
  }
  // One open: the file written and flushed while its folder is flushed.
  const write = fs.writeFile(path, bytes, { syncDir: true })
  written.writing.push(write)
  if (fs.gatedCreate !== true) await write
  else flushing([path], write)
}

/**
 * Writes a deletion vector file as `writeBehind` does a data file (under its final name, a fresh UUID; then the
 * file and its folder fsynced at once): on a `gatedCreate` file system the caller does not wait, the log entry
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
  await writeBehind(fs, vector.bytes, absolute, written)
}
