// Entities as generated code declares them (a class extending Entity, registered with the IR of a .pfschema), with
// every stored type: after each save, upsert, delete and deleteBy, a reader that follows only the Delta log sees
// exactly the rows pf reads, values and types included.
import { join } from 'node:path'
import { withRegistry } from '@parquetframe/runtime'
import { describe, expect, it } from 'vitest'
import { usePersonWorkspace } from './oracle-workspace.js'
import { Person } from './person-entity.js'
import { expectSameRowsAt } from './pf-agreement.js'

const ws = usePersonWorkspace('pf-delta-entity-')

describe('entities: other readers see exactly what pf stores', () => {
  it('after every save, upsert, partition move, delete, deleteBy, compaction and checkpoint', async () => {
    await withRegistry(ws.registry, async () => {
      const root = join(ws.dir, 'people')
      const check = async (step: string): Promise<readonly unknown[]> => {
        const table = await Person.repo().table()
        // The newest version a pf read sees: a create is published as a Delta version by then (a log-first insert is
        // acknowledged at its log record and published a few milliseconds later, docs/tables.md "Log-first inserts").
        const { version } = await table.snapshot()
        return (await expectSameRowsAt(ws.oracle, table, root, version, step)).rows
      }
      await Person.saveAll([
        {
          id: 1,
          name: 'Ada',
          region: 'São Paulo',
          role: 'ADMIN',
          price: '12.50',
          born: '1815-12-10',
          at: new Date('2024-02-29T23:59:59.999Z'),
          tags: ['math', 'engines'],
          blob: new Uint8Array([0, 1, 254, 255]),
          big: 9_007_199_254_740_993n,
          ok: true,
          score: -0.5,
          meta: { nested: [1, 'two', null] },
        },
        {
          id: 2,
          name: 'Bob',
          region: 'a b/c',
          role: 'MEMBER',
          price: '-0.000000000000000001',
          big: -(2n ** 63n),
        },
        { id: 3, name: 'Cy', region: null, role: 'MEMBER', born: '1970-01-01', at: new Date(0), tags: [] },
        {
          id: 4,
          name: '名前',
          region: '日本',
          role: 'ADMIN',
          price: '99999999999999999999.999999999999999999',
        },
        {
          id: 5,
          name: 'Eve',
          region: 'north',
          role: 'MEMBER',
          blob: new Uint8Array([]),
          ok: false,
          score: 1e300,
          meta: 'text',
        },
      ])
      expect((await check('saveAll 5')).length).toBe(5)
      await Person.upsert({ id: 2, name: 'Bob moved', region: 'north', role: 'ADMIN', price: '3.14' })
      expect((await check('upsert id 2 into another partition')).length).toBe(5)
      const eve = await Person.find(5)
      expect(eve).not.toBeNull()
      if (eve) await eve.delete()
      expect((await check('delete id 5')).length).toBe(4)
      expect(await Person.deleteBy({ role: 'MEMBER' })).toBe(1)
      expect((await check('deleteBy role = MEMBER')).length).toBe(3)
      await Person.create({ id: 6, name: 'Fay', region: 'São Paulo', role: 'MEMBER', at: new Date(-1) })
      expect((await check('create id 6')).length).toBe(4)
      const table = await Person.repo().table()
      await table.compact()
      await check('compact')
      await table.checkpoint()
      expect((await check('checkpoint')).length).toBe(4)
      // And back in time: the first version with rows still has all five.
      for (let v = 0; v <= table.version; v++)
        await expectSameRowsAt(ws.oracle, table, root, v, 'time travel', { stats: false })
    })
  }, 300_000)
})
