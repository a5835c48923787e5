import { join } from 'node:path'
import { encodeDeletionVectorFile } from '../delta/deletion-vector.js'
import { type DeltaDeletionVector, deletionVectorId } from '../delta/delta-actions.js'
import { RoaringBitmapArray } from '../delta/roaring-bitmap-array.js'
import type { WrittenFiles } from './data-file-store.js'
import { writeVectorBehind } from './data-file-write-behind.js'
import type { AddAction, RemoveAction } from './log-entry.js'
import type { KeyLocations, Snapshot, SnapshotContext } from './snapshot.js'
import type { AttemptPlan, TableCore } from './table-core.js'
import { type LiveFile, removeOf } from './table-state.js'

/** What one attempt planned for one logical file: its rows to delete and the vector file written for them. */
interface PlannedVector {
  /** The encoded keys the positions were looked up for. */
  readonly keys: string
  readonly positions: readonly number[]
  /** The vector file (absolute path) and its descriptor; none when every row of the file is deleted. */
  readonly file?: { readonly absolute: string; readonly descriptor: DeltaDeletionVector }
}

/**
 * The deletion vectors one write's attempts planned, by logical file (path and current vector). A retry that
 * meets the same logical file with the same keys takes the previous attempt's positions (the file is immutable:
 * not read again) and its vector file (not written again): the commit loop keeps a lost attempt's files until
 * the next attempt has planned, and removes the ones it did not take over. Only the attempt just before can be
 * reused; older attempts' files are gone.
 */
export class AttemptVectors {
  private attempt = -1
  private previous = new Map<string, PlannedVector>()
  private current = new Map<string, PlannedVector>()

  /** Starts (or continues) planning attempt `attempt`. */
  begin(attempt: number): void {
    if (attempt === this.attempt) return
    this.previous = attempt === this.attempt + 1 ? this.current : new Map()
    this.current = new Map()
    this.attempt = attempt
  }

  /** The previous attempt's plan of this logical file for these keys. */
  reusable(file: LiveFile, keys: string): PlannedVector | undefined {
    const hit = this.previous.get(logicalId(file))
    return hit?.keys === keys ? hit : undefined
  }

  /** Records this attempt's plan of a logical file. */
  planned(file: LiveFile, vector: PlannedVector): void {
    this.current.set(logicalId(file), vector)
  }
}

/** A logical file: its data file and its current deletion vector. */
function logicalId(file: LiveFile): string {
  return `${file.add.path}\u0000${deletionVectorId(file.add.deletionVector) ?? ''}`
}

/**
 * Merge-on-read deletes as Delta deletion vectors: for each touched file, the positions of the keys' rows
 * joined with the file's current vector into a new vector file (in the table folder, listed in `files` so a lost
 * attempt's file is removed unless the next attempt takes it over, see `AttemptVectors`); the logical file is
 * removed and added again with the new vector. A file whose rows are all deleted is only removed.
 */
export async function deleteByVectors(
  core: TableCore,
  snap: Snapshot,
  ctx: SnapshotContext,
  locations: KeyLocations,
  files: WrittenFiles,
  vectors: AttemptVectors,
): Promise<AttemptPlan> {
  const add: AddAction[] = []
  const remove: RemoveAction[] = []
  let rowsRemoved = 0
  for (const [path, l] of locations) {
    const file = snap.state.files.get(path)
    if (!file) continue
    const keys = JSON.stringify(l.keys)
    const reused = vectors.reusable(file, keys)
    // The key index's positions when it knew them, else the file is read.
    const positions =
      reused?.positions ??
      l.positions ??
      (await ctx.store.positionsOf(file, ctx.codec.frame(l.keys), ctx.codec.columns))
    if (positions.length === 0) {
      vectors.planned(file, { keys, positions })
      continue
    }
    const before = (await ctx.store.deletionVector(file)) ?? RoaringBitmapArray.empty()
    const after = before.union(RoaringBitmapArray.fromPositions(positions))
    rowsRemoved += after.size - before.size
    remove.push(removeOf(file))
    if (after.size >= file.add.stats.numRows) {
      vectors.planned(file, { keys, positions })
      continue
    }
    let written = reused?.file
    if (!written) {
      const vector = encodeDeletionVectorFile([after])
      const absolute = join(core.path, ...vector.path.split('/'))
      const [descriptor] = vector.descriptors
      if (!descriptor) throw new Error('a deletion vector file without its descriptor')
      // Written while the commit's entry is (its paths go into `files`): the entry waits for it (data-file-write-behind.ts).
      await writeVectorBehind(core.fs, core.path, vector, absolute, files)
      written = { absolute, descriptor }
      ctx.store.rememberVector(file.add.path, descriptor, after)
    } else {
      files.paths.push(written.absolute)
    }
    vectors.planned(file, { keys, positions, file: written })
    add.push({ ...file.add, deletionVector: written.descriptor })
  }
  return { add, remove, rowsAdded: 0, rowsRemoved }
}
