// Checkpoints keep tombstones (PROTOCOL.md "Checkpoints"): the `remove` actions not yet expired
// (`delta.deletedFileRetentionDuration`, 1 week by default), so that VACUUM of any engine knows which files were
// removed recently. The spec oracle and pf must agree on them before and after a checkpoint, whether pf replays
// JSON commits, its own checkpoint cache or the Delta checkpoint alone (log cleanup); pf's vacuum uses them.
import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { createTable, type EntityIR, openTable, type Table, type UpdateMode } from '@parquetframe/runtime'
import pl from 'nodejs-polars'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { entityOf, useOracleWorkspace } from './oracle-workspace.js'
import { type DeletionVectorDescriptor, dvUniqueId } from './spec-deletion-vector.js'
import type { FileAction } from './spec-delta-log.js'

const DAY_MS = 86_400_000

function eventEntity(): EntityIR {
  return entityOf(`
entity Event @storage("events") @partitionBy(region) {
  id     Int @id
  region String?
  note   String
}`)
}

function events(ids: readonly number[], note: string): pl.DataFrame {
  return pl.DataFrame([
    pl.Series('id', ids, pl.Int64),
    pl.Series(
      'region',
      ids.map(() => 'north'),
      pl.Utf8,
    ),
    pl.Series(
      'note',
      ids.map((i) => `${note} ${i}`),
      pl.Utf8,
    ),
  ])
}

/** A tombstone as comparable text: decoded path, deletion vector id, size, partition values, removal time. */
function tombstoneText(t: {
  readonly path: string
  readonly deletionVector?: DeletionVectorDescriptor | null
  readonly size?: number | null
  readonly partitionValues?: Readonly<Record<string, string | null>> | null
  readonly deletionTimestamp?: number | null
}): string {
  const dv = t.deletionVector ? dvUniqueId(t.deletionVector) : '-'
  return `${t.path} dv=${dv} size=${t.size} partition=${JSON.stringify(t.partitionValues)} at=${t.deletionTimestamp}`
}

/** The oracle's tombstones at a version (paths decoded as the spec says), sorted. */
async function oracleTombstones(root: string, version: number): Promise<string[]> {
  const read = await ws.oracle.read(root, version)
  return read.snapshot.tombstones
    .map((t: FileAction) => tombstoneText({ ...t, path: decodeURIComponent(t.path) }))
    .sort()
}

/** pf's tombstones at a version, sorted. */
async function pfTombstones(table: Table, version: number): Promise<string[]> {
  const snap = await table.at(version)
  return ((await snap.state.tombstones?.list()) ?? []).map(tombstoneText).sort()
}

const ws = useOracleWorkspace('pf-tombstones-')
afterEach(() => {
  vi.useRealTimers()
})

describe.each<UpdateMode>(['copy-on-write', 'merge-on-read'])(
  'tombstones in checkpoints (%s)',
  (updateMode) => {
    it('the oracle and pf agree on tombstones before and after a checkpoint; an expired one is dropped; vacuum uses them', async () => {
      const root = join(ws.dir, `events-${updateMode}`)
      const table = await createTable(root, {
        entity: eventEntity(),
        updateMode,
        checkpointInterval: 1000,
        autoCompact: false,
      })
      await table.append(events([1, 2, 3], 'a')) // v1
      await table.append(events([4, 5, 6], 'b')) // v2
      const early = (await table.at(2)).files.map((f) => f.add.path)
      await table.compact() // v3: the files of v1 and v2 become tombstones now
      expect(table.version).toBe(3)
      expect(await pfTombstones(table, 3)).toHaveLength(2)
      expect(await pfTombstones(table, 3)).toEqual(await oracleTombstones(root, 3))

      // A week and a day later: the tombstones of v3 expire; the ones made now do not.
      vi.useFakeTimers({ toFake: ['Date'] })
      vi.setSystemTime(Date.now() + 8 * DAY_MS)
      await table.append(events([7, 8], 'c')) // v4
      await table.deleteKeys([2]) // v5: merge-on-read: remove (path) + add (path, DV)
      const recent = (await table.at(5)).files.map((f) => f.add.path)
      await table.compact() // v6: every live file (with its deletion vector) becomes a tombstone
      expect(table.version).toBe(6)
      const before = await oracleTombstones(root, 6)
      expect(await pfTombstones(table, 6), 'replayed from JSON commits').toEqual(before)
      expect(before.length).toBeGreaterThanOrEqual(4)

      await table.checkpoint()
      const fromCheckpoint = await ws.oracle.read(root, 6)
      expect(fromCheckpoint.snapshot.checkpoint, 'the oracle starts from the Delta checkpoint').toHaveLength(
        1,
      )
      const kept = await oracleTombstones(root, 6)
      // Exactly the tombstones of v5 and v6: those of v3 expired.
      const expired = before.filter((t) => !kept.includes(t))
      expect(expired.map((t) => t.split(' ')[0]).sort()).toEqual([...early].sort())
      expect(kept).toEqual(before.filter((t) => !early.includes(t.split(' ')[0] as string)))
      expect(kept.length).toBeGreaterThanOrEqual(2)
      for (const t of fromCheckpoint.snapshot.tombstones) {
        expect(t.dataChange, t.path).toBe(false)
        expect((t as { extendedFileMetadata?: boolean }).extendedFileMetadata, t.path).toBe(true)
        expect(t.partitionValues, t.path).toEqual({ region: 'north' })
        expect(t.size, t.path).toBeGreaterThan(0)
      }
      if (updateMode === 'merge-on-read')
        expect(
          fromCheckpoint.snapshot.tombstones.some((t) => t.deletionVector),
          'a tombstone with its deletion vector',
        ).toBe(true)

      // pf opened from its checkpoint cache keeps the same tombstones as the Delta checkpoint.
      expect(await pfTombstones(await openTable(root), 6), 'from the checkpoint cache').toEqual(kept)

      // Log cleanup: only the Delta checkpoint is left of versions 0..6.
      for (const name of await readdir(join(root, '_delta_log')))
        if (/^\d{20}\.json$/.test(name) && Number(name.slice(0, 20)) <= 6)
          await rm(join(root, '_delta_log', name))
      await table.settled() // its background state cache would race the removal of _pf
      await rm(join(root, '_pf'), { recursive: true, force: true })
      const reopened = await openTable(root)
      expect(await pfTombstones(reopened, 6), 'from the Delta checkpoint alone').toEqual(kept)

      // Commits after the checkpoint add to its tombstones, for both.
      await reopened.append(events([9, 10], 'd')) // v7
      await reopened.compact() // v8
      expect(reopened.version).toBe(8)
      const after = await oracleTombstones(root, 8)
      expect(after.length).toBeGreaterThan(kept.length)
      expect(await pfTombstones(reopened, 8), 'checkpoint + JSON commits').toEqual(after)

      // Vacuum with a day of retention: files removed within it stay (their commits are gone, the checkpoint's
      // tombstones say so); the files of the expired tombstones are older than the retention and go.
      const { deleted } = await reopened.vacuum({
        retentionMs: DAY_MS,
        unreferencedMinAgeMs: 0,
        dryRun: true,
      })
      for (const path of recent)
        expect(deleted, `${path} was removed within the retention`).not.toContain(path)
      for (const path of early) expect(deleted, `${path} was removed 8 days ago`).toContain(path)
      expect(await oracleTombstones(root, 8)).toEqual(after)
    })
  },
)
