import { parseUtcTimestamp } from '../delta/utc-calendar.js'
import { writeMergedGroups } from './compaction-merge.js'
import { DataFileStore, isDateTime, WrittenFiles } from './data-file-store.js'
import { countRowsBelow } from './live-file-map.js'
import type { AddAction, RemoveAction, TableMetadata } from './log-entry.js'
import { maintenanceThread } from './maintenance-thread.js'
import { metadataCacheKey } from './metadata-cache-key.js'
import { nodeFileSystem } from './node-file-system.js'
import type { Snapshot } from './snapshot.js'
import type { TableCore } from './table-core.js'
import type { CommitResult } from './table-options.js'
import { type LiveFile, removeOf } from './table-state.js'

/** Automatic compaction when a table's metadata names no thresholds. */
export const AUTO_COMPACT = { files: 256, fileRows: 65_536 } as const

/** Options of `Table.compact`. */
export interface CompactOptions {
  /** Rows per merged file. Default: the table's `maxRowsPerFile`. */
  readonly targetFileRows?: number
  /** Merge only files with fewer rows than this (automatic compaction). Default: every small file. */
  readonly onlyBelowRows?: number
}

/** Merges an automatic compaction makes: when a concurrent commit changed its files it merges once more, then gives up. */
const AUTO_COMPACT_MERGES = 2

/**
 * When a write leaves automatic compaction due (at least `files` live files hold fewer than `fileRows` rows; see
 * `CreateTableOptions.autoCompact`): the row count below which files are merged. Undefined when not due.
 */
export function autoCompactionDue(core: TableCore): number | undefined {
  const meta = core.current.metadata
  const files = meta.autoCompactFiles ?? AUTO_COMPACT.files
  const rows = meta.smallFileRows ?? AUTO_COMPACT.fileRows
  if (files <= 0) return undefined
  return countRowsBelow(core.current.state.files, rows) < files ? undefined : rows
}

/**
 * Automatic compaction: merges the files below `rows` rows (a COMPACT commit of its own). It runs after the write
 * that made it due has landed (Table.maintain, in the background), so it must never cost that write anything. A
 * concurrent commit that changes a file it merges makes it merge once more against the newer version, then give up
 * (the next due write starts another); see `compactTable` for commits that leave its files alone.
 */
export function autoCompact(core: TableCore, rows: number): Promise<CommitResult> {
  return compactTable(core, { onlyBelowRows: rows }, AUTO_COMPACT_MERGES)
}

/** A compaction plan and what it read: valid at any later version of the same metadata where those files are live unchanged. */
interface CompactionPlan {
  /** `metadataCacheKey` of the metadata it was planned with (identity high-water marks may rise meanwhile). */
  readonly metadata: TableMetadata
  readonly merged: readonly LiveFile[]
  readonly add: AddAction[]
  readonly remove: RemoveAction[]
  /** The merged files written (absolute paths). */
  readonly written: readonly string[]
}

/** True when `file` is live at `snap` as the same logical file (same deletion vector, nothing deleted since). */
function unchangedAt(snap: Snapshot, file: LiveFile): boolean {
  const live = snap.state.files.get(file.add.path)
  return (
    live !== undefined &&
    live.version === file.version &&
    live.deletedRows === file.deletedRows &&
    JSON.stringify(live.add.deletionVector) === JSON.stringify(file.add.deletionVector)
  )
}

/**
 * Merges small files (and files with deleted rows) of each partition into
 * files of about `targetFileRows` rows, in one commit. Rows do not change.
 * `onlyBelowRows`: merge only files with fewer rows than that (automatic compaction).
 * Losing the race for a version to a commit that left the merged files alone (an append, a change to other files)
 * commits the same merge at the newer version, as Delta's conflict rules allow; one that removed or deleted rows of
 * a merged file makes it merge again from the newer version, at most `merges` times in all, then give up (commit
 * nothing). Default: as often as the commit loop retries.
 */
export async function compactTable(
  core: TableCore,
  options: CompactOptions = {},
  merges = Number.POSITIVE_INFINITY,
): Promise<CommitResult> {
  const target = options.targetFileRows ?? core.maxRowsPerFile
  const below = options.onlyBelowRows
  const start = await core.snapshot()
  let previous: CompactionPlan | undefined
  let made = 0
  const outcome = await core.commit({
    operation: 'COMPACT',
    start,
    written: new WrittenFiles(core.fs),
    options: {},
    planAttempt: async (snap, _attempt, files) => {
      if (
        previous?.metadata === metadataCacheKey(snap.metadata) &&
        previous.merged.every((f) => unchangedAt(snap, f))
      ) {
        // Its files are this attempt's too: the commit loop keeps them instead of discarding the lost attempt's.
        files.paths.push(...previous.written)
        return { add: previous.add, remove: previous.remove, rowsAdded: 0, rowsRemoved: 0 }
      }
      if (made >= merges) return { add: [], remove: [], rowsAdded: 0, rowsRemoved: 0 }
      made++
      const groups = new Map<string, (typeof snap.files)[number][]>()
      for (const f of snap.files) {
        if (
          below === undefined
            ? f.add.stats.numRows >= target && f.deletedRows === 0
            : f.add.stats.numRows >= below
        )
          continue
        const key = partitionGroup(snap.metadata, f.add.partitionValues)
        const group = groups.get(key)
        if (group) group.push(f)
        else groups.set(key, [f])
      }
      const mergedGroups = [...groups.values()].filter(
        (group) => group.length >= 2 || (group[0]?.deletedRows ?? 0) > 0,
      )
      const merged = mergedGroups.flat()
      const remove = merged.map(removeOf)
      const add = mergedGroups.length === 0 ? [] : await mergeGroups(core, snap, target, mergedGroups, files)
      previous = { metadata: metadataCacheKey(snap.metadata), merged, add, remove, written: [...files.paths] }
      return { add, remove, rowsAdded: 0, rowsRemoved: 0 }
    },
  })
  return outcome.result
}

/**
 * The partition a file's rows belong to, as compaction groups files: DateTime values by their instant (tables
 * written before pf used the spec's form hold `...+00:00` text for them), other values by their text.
 */
function partitionGroup(metadata: TableMetadata, values: Readonly<Record<string, string | null>>): string {
  return JSON.stringify(
    metadata.partitionBy.map((column) => {
      const value = values[column] ?? null
      if (value === null || !isDateTime(metadata, column)) return value
      const micros = parseUtcTimestamp(value, false)
      return micros === undefined ? value : { micros: String(micros) }
    }),
  )
}

/**
 * Writes the merged files of groups of files (compaction-merge.ts) into `files`. On the real file system the work
 * runs on the maintenance thread (maintenance-thread.ts), so polars' reads, merge and encoding never block this
 * thread's event loop; here when that thread cannot run it, and on any other file system (a seam this thread holds).
 */
async function mergeGroups(
  core: TableCore,
  snap: Snapshot,
  target: number,
  groups: readonly (readonly LiveFile[])[],
  files: WrittenFiles,
): Promise<AddAction[]> {
  if (core.fs === nodeFileSystem) {
    const sent = groups.map((group) => group.map(mergeInput))
    const job = {
      root: core.path,
      table: core.name,
      metadata: snap.metadata,
      targetFileRows: target,
      groups: sent,
    }
    const output = await maintenanceThread.tryRun({ kind: 'merge', ...job })
    if (output) {
      files.paths.push(...output.paths)
      return output.add
    }
  }
  const write = new DataFileStore(core.path, core.fs, core.name, snap.metadata, target)
  return writeMergedGroups(core.context(snap.metadata).store, write, groups, files)
}

/**
 * What a merge reads of a live file, as plain data for the maintenance thread: its column statistics are left out
 * (merging reads none; a file opened from a checkpoint holds them unparsed in private fields a clone would drop).
 */
function mergeInput(file: LiveFile): LiveFile {
  const { path, size, partitionValues, stats, checksum, modificationTime, deletionVector } = file.add
  const add: AddAction = {
    path,
    size,
    partitionValues: { ...partitionValues },
    stats: { numRows: stats.numRows, columns: {} },
    ...(checksum === undefined ? {} : { checksum }),
    ...(modificationTime === undefined ? {} : { modificationTime }),
    ...(deletionVector === undefined ? {} : { deletionVector }),
  }
  return { add, version: file.version, deleted: file.deleted, deletedRows: file.deletedRows }
}
