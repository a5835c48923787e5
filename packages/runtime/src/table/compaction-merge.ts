import pl from 'nodejs-polars'
import { stackFrames } from '../frame/stack-frames.js'
import { mapBounded } from './bounded-map.js'
import { durable } from './data-file-durability.js'
import { DataFileStore, WrittenFiles } from './data-file-store.js'
import { KeyCodec } from './key-codec.js'
import { buildKeyIndexFile, keyIndexed } from './key-index-file-build.js'
import type { AddAction } from './log-entry.js'
import type { MergeJob, MergeOutput } from './maintenance-job.js'
import { nodeFileSystem } from './node-file-system.js'
import type { LiveFile } from './table-state.js'

/**
 * The merge of a compaction: each group's rows (one partition's files) read as one frame by `read` and written as
 * new data files by `write` (its `maxRowsPerFile` is the target). The same code runs on the maintenance thread and,
 * when that cannot, in this one.
 */
export async function writeMergedGroups(
  read: DataFileStore,
  write: DataFileStore,
  groups: readonly (readonly LiveFile[])[],
  written: WrittenFiles,
): Promise<AddAction[]> {
  const add: AddAction[] = []
  for (const group of groups) add.push(...(await write.write(await mergeFiles(read, group), written)))
  return add
}

/**
 * A merge job on the maintenance thread: its files are durable when it resolves, none stays behind on an error.
 * Each file it wrote that gets a key index has its key index file saved too (key-index-file-build.ts), so the first
 * lookup of a key in the merged file's range (a create's key check, a find) reads an index instead of building one
 * on its caller's path (~140 ms at 60k rows); an index that cannot be saved is only built by that lookup, as before.
 */
export async function runMergeJob(job: MergeJob): Promise<MergeOutput> {
  const store = new DataFileStore(job.root, nodeFileSystem, job.table, job.metadata, job.targetFileRows)
  // Flushed here: the entry naming them is written by another thread, which cannot log their bytes.
  const written = new WrittenFiles(nodeFileSystem, { logged: false })
  let add: AddAction[]
  try {
    add = await writeMergedGroups(store, store, job.groups, written)
    // The log entry naming these files is created by another thread, which cannot wait for this one's flushes.
    await durable(written.paths)
  } catch (error) {
    await written.discard()
    throw error
  }
  const codec = new KeyCodec(job.metadata.entity, job.table)
  for (const a of add) {
    // Not live yet: no version added it (the version only ever names the file in errors).
    const file: LiveFile = { add: a, version: -1, deleted: new Set(), deletedRows: 0 }
    if (keyIndexed(file)) await buildKeyIndexFile(store, codec, file).catch(() => undefined)
  }
  return { add, paths: [...written.paths] }
}

/**
 * The rows of several files as one frame (deleted keys dropped). Scannable files are read by one lazy query
 * (polars reads them in parallel); if its row count differs from the log's, the files are read one by one,
 * which names the damaged one.
 */
async function mergeFiles(store: DataFileStore, group: readonly LiveFile[]): Promise<pl.DataFrame> {
  if (store.lazy && group.length > 1) {
    const expected = group.reduce((n, f) => n + f.add.stats.numRows - f.deletedRows, 0)
    const scans = await mapBounded(group, (f) => store.scan(f))
    const merged = await pl.concat(scans, { how: 'vertical' }).collect()
    if (merged.height === expected) return merged
  }
  const frames: pl.DataFrame[] = []
  for (const f of group) frames.push(await store.read(f))
  return stackFrames(frames)
}
