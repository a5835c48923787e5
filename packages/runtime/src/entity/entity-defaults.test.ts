// @default: autoincrement (assigned inside the commit, never colliding), and literals of every type.
import { describe, expect, it } from 'vitest'
import type { DefaultValue, EntityIR } from '../schema/schema-ir.js'
import { useTempDir } from '../table/__fixtures__/temp-dir.js'
import { FaultyFileSystem } from '../table/faulty-file-system.js'
import { entityIRFor } from './__fixtures__/test-ir.js'
import * as pf from './index.js'

const tmp = useTempDir('pf-defaults-')

function withDefaults(ir: EntityIR, defaults: Record<string, DefaultValue>): EntityIR {
  return {
    ...ir,
    fields: ir.fields.map((f) => {
      const value = defaults[f.name]
      return value ? { ...f, default: value } : f
    }),
  }
}

/** A class registered in a fresh registry from an IR; its repository in the temp store. */
function repoFor(
  ir: EntityIR,
  format: 'parquet' | 'avro' = 'parquet',
): pf.Repository<Record<string, unknown>> {
  class Model extends pf.Entity {}
  pf.withRegistry(new pf.EntityRegistry(), () => pf.registerEntity(Model, { ...ir, format }))
  return pf.openStore(tmp.dir).repository(Model) as unknown as pf.Repository<Record<string, unknown>>
}

const counterIR = (idType: 'Int' | 'BigInt') =>
  withDefaults(entityIRFor('Ticket', { id: idType, label: 'String' }), { id: { kind: 'autoincrement' } })

describe.each(['parquet', 'avro'] as const)('@default(autoincrement()) in %s', (format) => {
  it('numbers from 1, continues above the stored maximum and above explicit values in the batch', async () => {
    const repo = repoFor(counterIR('Int'), format)
    const a = await repo.create({ label: 'a' })
    const b = await repo.create({ label: 'b' })
    expect([a.id, b.id]).toEqual([1, 2])
    const batch = await repo.saveAll([{ label: 'c' }, { id: 10, label: 'explicit' }, { label: 'd' }])
    expect(batch.map((t) => t.id)).toEqual([11, 10, 12])
    expect((await repo.create({ label: 'e' })).id).toBe(13)
    expect((await repo.findMany({ orderBy: { id: 'asc' } })).map((t) => t.id)).toEqual([1, 2, 10, 11, 12, 13])
  })

  it('concurrent creators never collide', async () => {
    const repo = repoFor(counterIR('Int'), format)
    const other = pf.openStore(tmp.dir).repository(repo.entry.ctor) as typeof repo
    const made = await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 ? repo : other).create({ label: `t${i}` })),
    )
    expect(made.map((t) => t.id).sort((x, y) => Number(x) - Number(y))).toEqual(
      Array.from({ length: 12 }, (_, i) => i + 1),
    )
    expect(await repo.count()).toBe(12)
  })

  it('never hands out a value twice: not after deleteAll, nor after compaction drops the largest ones', async () => {
    const repo = repoFor(counterIR('Int'), format)
    const ids = async (n: number) => {
      const out: unknown[] = []
      for (let i = 0; i < n; i++) out.push((await repo.create({ label: `t${i}` })).id)
      return out
    }
    expect(await ids(2)).toEqual([1, 2])
    expect(await repo.deleteAll()).toBe(2)
    expect(await ids(2)).toEqual([3, 4])
    // Delete the largest, compact (its row leaves the files and their statistics): 4 is still not reused.
    expect(await repo.delete((await repo.find(4)) as Record<string, unknown>)).toBe(true)
    await (await repo.table()).compact()
    expect(await ids(1)).toEqual([5])
    await repo.deleteBy({ id: { gte: 5 } } as never) // (the harness types rows loosely)
    await (await repo.table()).compact()
    await (await repo.table()).vacuum({ retentionMs: 0 }) // the marks live in the log folder, which vacuum keeps
    expect(await ids(1)).toEqual([6])
    // Explicit values count too: they are recorded when rows are deleted through the entity API.
    await repo.save(
      Object.assign(new (repo.entry.ctor as new () => Record<string, unknown>)(), { id: 50, label: 'x' }),
    )
    await repo.deleteAll()
    expect(await ids(1)).toEqual([51])
    // ... also deletes of a transaction.
    await repo.saveAll([{ id: 70, label: 'y' }])
    await repo.store.transaction((tx) =>
      tx.deleteBy(repo.entry.ctor as pf.EntityClass<object>, { id: 70 } as never),
    )
    await (await repo.table()).compact()
    expect(await ids(1)).toEqual([71])
    // Another process (another store) continues from the same marks.
    const other = pf.openStore(tmp.dir).repository(repo.entry.ctor) as typeof repo
    await repo.deleteAll()
    expect((await other.create({ label: 'o' })).id).toBe(72)
  })

  it('BigInt keys get bigint values; a failed commit leaves the value unset for a retry', async () => {
    const repo = repoFor(counterIR('BigInt'), format)
    expect((await repo.create({ label: 'a' })).id).toBe(1n)
    await repo.create({ id: 2n ** 60n, label: 'big' })
    expect((await repo.create({ label: 'b' })).id).toBe(2n ** 60n + 1n)
    const fs = new FaultyFileSystem()
    const faulty = pf.openStore(tmp.dir, { fs }).repository(repo.entry.ctor) as typeof repo
    // The data file's flush, i.e. the commit (the marks, written before it, go through the same seam).
    fs.inject({ op: 'fsyncFile', path: /part-[^/]*\.(parquet|avro)$/, code: 'EIO' })
    const ticket = Object.assign(new (repo.entry.ctor as new () => Record<string, unknown>)(), { label: 'c' })
    await expect(faulty.save(ticket)).rejects.toThrow()
    expect(ticket.id).toBeUndefined()
    fs.clear()
    // The failed commit used 2^60 + 2 (the mark is raised before committing): like a database sequence, it leaves a gap.
    expect((await faulty.save(ticket)).id).toBe(2n ** 60n + 3n)
  })
})

describe('@default literals become the field type', () => {
  it('BigInt and Decimal digit strings, DateTime ISO text, Json text (parsed, never shared)', async () => {
    const ir = withDefaults(
      entityIRFor('Setting', {
        id: 'Int',
        big: 'BigInt',
        price: 'Decimal(10,2)',
        at: 'DateTime',
        day: 'Date',
        meta: 'Json',
        flag: 'Boolean',
        ratio: 'Float',
        note: 'String?',
      }),
      {
        big: { kind: 'literal', value: '9007199254740993' },
        price: { kind: 'literal', value: '10.50' },
        at: { kind: 'literal', value: '2024-02-29T12:00:00.000Z' },
        day: { kind: 'literal', value: '2024-02-29' },
        meta: { kind: 'literal', value: '{"a":[1,2],"b":null}' },
        flag: { kind: 'literal', value: true },
        ratio: { kind: 'literal', value: 0.5 },
        note: { kind: 'literal', value: null },
      },
    )
    const repo = repoFor(ir)
    const one = await repo.create({ id: 1 })
    const two = await repo.create({ id: 2 })
    expect({ ...one }).toEqual({
      id: 1,
      big: 9007199254740993n,
      price: '10.50',
      at: new Date('2024-02-29T12:00:00.000Z'),
      day: '2024-02-29',
      meta: { a: [1, 2], b: null },
      flag: true,
      ratio: 0.5,
      note: null,
    })
    expect(one.meta).not.toBe(two.meta)
    expect({ ...(await repo.find(1)) }).toEqual({ ...one })
    // undefined means absent (what a zod `.partial()` outputs): the default applies, an optional field is null.
    const three = await repo.create({ id: 3, big: undefined, price: undefined, note: undefined })
    const [four] = await repo.saveAll([{ id: 4, flag: undefined }])
    const five = await repo.upsert({ id: 5, ratio: undefined })
    for (const e of [three, four, five]) expect({ ...e, id: 1 }).toEqual({ ...one })
    expect(Object.keys(three)).toEqual(Object.keys(one))
  })
})
