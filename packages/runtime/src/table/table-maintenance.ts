import pl from 'nodejs-polars'
import { parseUtcTimestamp } from '../delta/utc-calendar.js'
import { stackFrames } from '../frame/stack-frames.js'
import { mapBounded } from './bounded-map.js'
import { DataFileStore, isDateTime, WrittenFiles } from './data-file-store.js'
import type { AddAction, RemoveAction, TableMetadata } from './log-entry.js'
import type { SnapshotContext } from './snapshot.js'
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

/**
 * After a write: merges small files when there are too many (see `CreateTableOptions.autoCompact`).
 * The write has landed already, so a compaction that fails (a conflict, an I/O error) changes nothing and is
 * not reported; the next write tries again.
 */
export async function autoCompact(core: TableCore): Promise<void> {
  const meta = core.current.metadata
  const files = meta.autoCompactFiles ?? AUTO_COMPACT.files
  const rows = meta.smallFileRows ?? AUTO_COMPACT.fileRows
  if (files <= 0) return
  let small = 0
  for (const f of core.current.state.files.values()) if (f.add.stats.numRows < rows) small++
  if (small < files) return
  await compactTable(core, { onlyBelowRows: rows }).catch(() => undefined)
}

/**
 * Merges small files (and files with deleted rows) of each partition into
 * files of about `targetFileRows` rows, in one commit. Rows do not change.
 * `onlyBelowRows`: merge only files with fewer rows than that (automatic compaction).
 */
export async function compactTable(core: TableCore, options: CompactOptions = {}): Promise<CommitResult> {
  const target = options.targetFileRows ?? core.maxRowsPerFile
  const below = options.onlyBelowRows
  const start = await core.snapshot()
  const outcome = await core.commit({
    operation: 'COMPACT',
    start,
    written: new WrittenFiles(core.fs),
    options: {},
    planAttempt: async (snap, _attempt, files) => {
      const ctx = core.context(snap.metadata)
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
      const add: AddAction[] = []
      const remove: RemoveAction[] = []
      const store = new DataFileStore(core.path, core.fs, core.name, snap.metadata, target)
      for (const group of groups.values()) {
        if (group.length < 2 && (group[0]?.deletedRows ?? 0) === 0) continue
        for (const f of group) remove.push(removeOf(f))
        add.push(...(await store.write(await mergeFiles(ctx, group), files)))
      }
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
 * The rows of several files as one frame (deleted keys dropped). Scannable files are read by one lazy query
 * (polars reads them in parallel); if its row count differs from the log's, the files are read one by one,
 * which names the damaged one.
 */
async function mergeFiles(ctx: SnapshotContext, group: readonly LiveFile[]): Promise<pl.DataFrame> {
  if (ctx.store.lazy && group.length > 1) {
    const expected = group.reduce((n, f) => n + f.add.stats.numRows - f.deletedRows, 0)
    const scans = await mapBounded(group, (f) => ctx.store.scan(f))
    const merged = await pl.concat(scans, { how: 'vertical' }).collect()
    if (merged.height === expected) return merged
  }
  const frames: pl.DataFrame[] = []
  for (const f of group) frames.push(await ctx.store.read(f))
  return stackFrames(frames)
}
