import { join } from 'node:path'
import { encodeDeletionVectorFile, writeDeletionVectorFile } from '../delta/deletion-vector.js'
import { RoaringBitmapArray } from '../delta/roaring-bitmap-array.js'
import type { WrittenFiles } from './data-file-store.js'
import type { AddAction, RemoveAction } from './log-entry.js'
import type { KeyLocations, Snapshot, SnapshotContext } from './snapshot.js'
import type { AttemptPlan, TableCore } from './table-core.js'
import { removeOf } from './table-state.js'

/**
 * Merge-on-read deletes as Delta deletion vectors: for each touched file, the positions of the keys' rows
 * joined with the file's current vector into a new vector file (in the table folder, listed in `files` so a lost
 * attempt removes it); the logical file is removed and added again with the new vector. A file whose rows are
 * all deleted is only removed.
 */
export async function deleteByVectors(
  core: TableCore,
  snap: Snapshot,
  ctx: SnapshotContext,
  locations: KeyLocations,
  files: WrittenFiles,
): Promise<AttemptPlan> {
  const add: AddAction[] = []
  const remove: RemoveAction[] = []
  let rowsRemoved = 0
  for (const [path, l] of locations) {
    const file = snap.state.files.get(path)
    if (!file) continue
    const positions = await ctx.store.positionsOf(file, ctx.codec.frame(l.keys), ctx.codec.columns)
    if (positions.length === 0) continue
    const before = (await ctx.store.deletionVector(file)) ?? RoaringBitmapArray.empty()
    const after = before.union(RoaringBitmapArray.fromPositions(positions))
    rowsRemoved += after.size - before.size
    remove.push(removeOf(file))
    if (after.size >= file.add.stats.numRows) continue
    const vector = encodeDeletionVectorFile([after])
    files.paths.push(join(core.path, ...vector.path.split('/')))
    await writeDeletionVectorFile(core.fs, core.path, vector)
    const [descriptor] = vector.descriptors
    if (!descriptor) throw new Error('a deletion vector file without its descriptor')
    add.push({ ...file.add, deletionVector: descriptor })
  }
  return { add, remove, rowsAdded: 0, rowsRemoved }
}
