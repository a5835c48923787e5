import type pl from 'nodejs-polars'
import type { WrittenFiles } from './data-file-store.js'
import { type AttemptVectors, deleteByVectors } from './deletion-vector-plan.js'
import type { AddAction, RemoveAction } from './log-entry.js'
import type { KeyLocations, Snapshot } from './snapshot.js'
import type { AttemptPlan, TableCore } from './table-core.js'
import { ConflictError, DuplicateKeyError } from './table-errors.js'
import { removeOf } from './table-state.js'
import type { WritePlan } from './write-plan.js'

/** Which existing rows a write's plan removes, against one snapshot (copy-on-write or deletion vectors). */
export async function planRemovals(
  core: TableCore,
  snap: Snapshot,
  plan: WritePlan,
  attempt: number,
  files: WrittenFiles,
  vectors: AttemptVectors,
): Promise<AttemptPlan> {
  vectors.begin(attempt)
  const empty: AttemptPlan = { add: [], remove: [], rowsAdded: 0, rowsRemoved: 0 }
  if (plan.clearBase) {
    return {
      ...empty,
      remove: snap.files.map(removeOf),
      rowsRemoved: snap.numRows,
    }
  }
  const ctx = core.context(snap.metadata)
  // A small write's keys are already encoded: no key frame is built for them.
  if (plan.small ? !plan.smallUpsert : plan.mustNotExist) {
    const found = plan.small
      ? await snap.locateKeys(plan.small.keys)
      : await snap.locateKeyFrame(plan.mustNotExist as pl.DataFrame)
    if (found.size > 0) {
      const keys = [...found.values()].flatMap((l) => l.keys)
      if (attempt === 0) throw new DuplicateKeyError(core.name, keys)
      throw new ConflictError(
        core.name,
        snap.version + 1,
        'keys-touched',
        `key ${keys[0]} was inserted by a concurrent commit`,
      )
    }
  }
  const locations: KeyLocations =
    plan.small && plan.smallUpsert
      ? await snap.locateKeys(plan.small.keys)
      : plan.deleteKeys
        ? await snap.locateKeyFrame(plan.deleteKeys)
        : new Map()
  if (plan.deleteWhere.length > 0) {
    const predicate = plan.deleteWhere.reduce((a, b) => a.or(b))
    for (const file of snap.files) {
      const lf = ctx.store.lazy ? await ctx.store.scan(file) : (await ctx.store.read(file)).lazy()
      const hits = lf
        .filter(predicate.fillNull(false))
        .select(...ctx.codec.columns)
        .collectSync()
      if (hits.height === 0) continue
      const known = locations.get(file.add.path)
      const keys = new Set([...(known?.keys ?? []), ...ctx.codec.encodeFrame(hits)])
      // A row matched by key and by predicate counts once; both matches hold live rows only, one per key.
      locations.set(file.add.path, { keys: [...keys], rows: keys.size })
    }
  }
  return removeLocated(core, snap, locations, files, vectors)
}

/**
 * Removes the located rows from their files, as the table's update mode says: deletion vectors (merge-on-read), or
 * each touched file rewritten without them (copy-on-write).
 */
export async function removeLocated(
  core: TableCore,
  snap: Snapshot,
  locations: KeyLocations,
  files: WrittenFiles,
  vectors: AttemptVectors,
): Promise<AttemptPlan> {
  if (locations.size === 0) return { add: [], remove: [], rowsAdded: 0, rowsRemoved: 0 }
  const ctx = core.context(snap.metadata)
  if (snap.metadata.updateMode === 'merge-on-read')
    return deleteByVectors(core, snap, ctx, locations, files, vectors)
  // copy-on-write: rewrite each touched file without the keys.
  const add: AddAction[] = []
  const remove: RemoveAction[] = []
  let rowsRemoved = 0
  for (const [path, l] of locations) {
    const file = snap.state.files.get(path)
    if (!file) continue
    const df = await ctx.store.read(file)
    const kept = df.join(ctx.codec.frame(l.keys), { on: [...ctx.codec.columns], how: 'anti' })
    rowsRemoved += df.height - kept.height
    add.push(...(await ctx.store.write(kept, files)))
    remove.push(removeOf(file))
  }
  return { add, remove, rowsAdded: 0, rowsRemoved }
}
