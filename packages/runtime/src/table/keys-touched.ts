import type { Snapshot } from './snapshot.js'
import type { TableCore } from './table-core.js'
import { type LiveFile, replay } from './table-state.js'

/**
 * Keys whose rows commits after `readVersion` up to the snapshot changed, among `ours`: a row of a file they
 * added that no file they removed held as it is (new or updated), or a key of a removed file that no added file
 * holds (deleted). Rows carried over unchanged by a rewrite touch nothing; compaction touches nothing.
 */
export async function keyTouchedSince(
  core: TableCore,
  readVersion: number,
  snap: Snapshot,
  ours: ReadonlySet<string>,
): Promise<string | undefined> {
  const ctx = core.context(snap.metadata)
  // Each row as key → hash of the whole row.
  const rowsOf = async (files: readonly LiveFile[]): Promise<Map<string, string>> => {
    const out = new Map<string, string>()
    for (const file of files) {
      const df = await ctx.store.read(file)
      const keys = ctx.codec.encodeFrame(df)
      const hashes = df.hashRows().toArray()
      for (const [i, key] of keys.entries()) out.set(key, String(hashes[i]))
    }
    return out
  }
  let state = await core.log.at(readVersion)
  if (!state) return undefined
  for (let v = readVersion + 1; v <= snap.version; v++) {
    const entry = await core.log.readResolved(v)
    if (!entry || entry === 'pending') return undefined
    const next = replay(state, [entry])
    if (entry.commitInfo.operation !== 'COMPACT') {
      const before = state
      const removed = (entry.remove ?? []).map((r) => before.files.get(r.path)).filter((f) => f !== undefined)
      const added = (entry.add ?? []).map((a) => next.files.get(a.path)).filter((f) => f !== undefined)
      const old = await rowsOf(removed)
      const now = await rowsOf(added)
      for (const [key, hash] of now) if (ours.has(key) && old.get(key) !== hash) return key
      for (const key of old.keys()) if (ours.has(key) && !now.has(key)) return key
    }
    state = next
  }
  return undefined
}
