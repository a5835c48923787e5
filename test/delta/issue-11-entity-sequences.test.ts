// Issue 11's central promise, as an app uses pf: seeded random sequences of entity writes through a store (create,
// saveAll, upsert moving rows between partitions, delete, deleteBy, multi-entity transactions) mixed with
// compaction, checkpoints and vacuum in the middle of the sequence, in both update modes. After EVERY commit a
// reader that follows only the Delta log must see exactly pf's rows at that version, and the ids the app wrote and
// did not delete; after the run, every version still readable (those after the last vacuum) again.
import { join } from 'node:path'
import { openStore, type UpdateMode, withRegistry } from '@parquetframe/runtime'
import { describe, expect, it } from 'vitest'
import { mulberry32 } from '../../packages/runtime/src/table/__fixtures__/seeded-random.js'
import { usePersonWorkspace } from './oracle-workspace.js'
import { Person } from './person-entity.js'
import { expectSameRowsAt } from './pf-agreement.js'

const ws = usePersonWorkspace('pf-entity-seq-')

/** Partition values that need URI encoding in the log, and null. */
const REGIONS = ['north', 'São Paulo', 'a b', 'x/y', '100%', 'k=v', null] as const

const CASES: [UpdateMode, number][] = [
  ['merge-on-read', 111],
  ['copy-on-write', 112],
]

describe('entities through a store: the outside reader agrees with pf after every commit', () => {
  it.each(CASES)(
    '%s (seed %i)',
    async (updateMode, seed) => {
      await withRegistry(ws.registry, async () => {
        const base = join(ws.dir, updateMode)
        const store = openStore(base, { updateMode })
        const people = store.repository(Person)
        const root = join(base, 'people')
        const pick = mulberry32(seed)
        const any = <T>(values: readonly T[]): T => values[Math.floor(pick() * values.length)] as T
        /** The app's model: region by live id. */
        const live = new Map<number, string | null>()
        let nextId = 1
        let oldestReadable = 0
        const done = new Set<string>()
        const person = (id: number, rev: number) => ({
          id,
          name: `p${id} r${rev}`,
          region: any(REGIONS),
          role: pick() < 0.5 ? ('ADMIN' as const) : ('MEMBER' as const),
          price: `${id}.${rev % 100}`,
          score: pick() < 0.2 ? null : Math.round(pick() * 1000) / 10,
          big: BigInt(id) * 1_000_000_000_007n,
          tags: pick() < 0.3 ? null : [`t${rev}`],
        })
        const some = (n: number): number[] =>
          [...live.keys()].filter(() => pick() < n / Math.max(1, live.size))
        const check = async (step: string): Promise<void> => {
          const table = await people.table()
          // A read's version, which holds every write that returned (a create or a save of new entities is
          // acknowledged at its log record and published a few milliseconds later, docs/tables.md "Log-first inserts").
          const { version } = await table.snapshot()
          const seen = await expectSameRowsAt(ws.oracle, table, root, version, `${updateMode}: ${step}`)
          expect(
            seen.rows.map((r) => Number(r.id)).sort((a, b) => a - b),
            `${updateMode}: ${step}: the ids the app wrote and did not delete`,
          ).toEqual([...live.keys()].sort((a, b) => a - b))
          for (const r of seen.rows)
            expect(r.region, `${step}: region of ${r.id}`).toBe(live.get(Number(r.id)))
        }
        /** Maintenance at fixed steps (the writes between them are random): each is met whatever the seed. */
        const MAINTENANCE: Record<number, string> = { 5: 'checkpoint', 9: 'compact', 13: 'vacuum' }
        for (let rev = 1; rev <= 17; rev++) {
          const roll = MAINTENANCE[rev] ?? pick()
          if (typeof roll === 'number' && (roll < 0.25 || live.size < 6)) {
            const batch = Array.from({ length: 1 + Math.floor(pick() * 8) }, () => person(nextId++, rev))
            await people.saveAll(batch)
            for (const p of batch) live.set(p.id, p.region)
            await check(`saveAll ${batch.length}`)
          } else if (typeof roll === 'number' && roll < 0.5) {
            // Rows of existing keys with a new region: partition moves, unless the region drew the same value.
            const batch = some(3).map((id) => person(id, rev))
            for (const p of batch) {
              await people.upsert(p)
              if (live.get(p.id) !== p.region) done.add('partition move')
              live.set(p.id, p.region)
            }
            await check(`upsert ${batch.length}`)
          } else if (typeof roll === 'number' && roll < 0.62) {
            const id = any([...live.keys()])
            const found = await people.find(id)
            if (found === null) throw new Error(`${id} is live in the model but not found`)
            expect(await people.delete(found)).toBe(true)
            live.delete(id)
            await check(`delete ${id}`)
          } else if (typeof roll === 'number' && roll < 0.75) {
            const region = any(REGIONS)
            const gone = [...live].filter(([, r]) => r === region).map(([id]) => id)
            expect(await people.deleteBy({ region })).toBe(gone.length)
            for (const id of gone) live.delete(id)
            await check(`deleteBy region = ${region}`)
          } else if (typeof roll === 'number') {
            const added = person(nextId++, rev)
            const removed = some(2).filter((id) => id !== added.id)
            await store.transaction(async (tx) => {
              tx.create(Person, added)
              for (const id of removed) {
                const p = await people.find(id)
                if (p) tx.delete(p)
              }
            })
            live.set(added.id, added.region)
            for (const id of removed) live.delete(id)
            await check(`transaction: create 1, delete ${removed.length}`)
          } else if (roll === 'compact') {
            await (await people.table()).compact()
            done.add('compact')
            await check('compact')
          } else if (roll === 'checkpoint') {
            await (await people.table()).checkpoint()
            done.add('checkpoint')
            await check('checkpoint')
          } else {
            // No writer runs beside it: orphans may go at once; only the newest version stays readable.
            const table = await people.table()
            await table.vacuum({ retentionMs: 0, unreferencedMinAgeMs: 0 })
            oldestReadable = table.version
            done.add('vacuum')
            await check('vacuum')
          }
        }
        await store.settled()
        const table = await people.table()
        for (let v = oldestReadable; v <= table.version; v++)
          await expectSameRowsAt(ws.oracle, table, root, v, `${updateMode}: time travel`, { stats: false })
        expect([...done].sort(), 'what the sequence exercised').toEqual([
          'checkpoint',
          'compact',
          'partition move',
          'vacuum',
        ])
      })
    },
    300_000,
  )
})
