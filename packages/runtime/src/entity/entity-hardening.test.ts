import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { resetConfig, setConfig } from '../config/index.js'
import { FaultyFileSystem } from '../table/faulty-file-system.js'
import { registeredMember } from './__fixtures__/member-entity.js'
import type {
  brokenReverseModels,
  crudModels,
  sideEffectModels,
  typedModels,
  uniqueModels,
} from './__fixtures__/scenario-models.js'
import { useScenario } from './__fixtures__/scenario-setup.js'
import { runWriters } from './__fixtures__/writer-processes.js'
import * as pf from './index.js'

/** As the writer processes' class meets a store: its format not set explicitly. */
const NOT_EXPLICIT = { formatExplicit: false } as const

type Typed = ReturnType<typeof typedModels>
type Crud = ReturnType<typeof crudModels>

describe.each(['parquet', 'avro'] as const)('hardening in %s', (format) => {
  const scenario = useScenario()

  it('H1: an unknown filter field fails instead of returning every row', async () => {
    const { User } = scenario.define<Crud>('crudModels', format)
    await User.saveAll([
      { id: 1, name: 'A' },
      { id: 2, name: 'B' },
    ])
    await expect(User.findBy({ unknownField: 'x' } as never)).rejects.toThrow(
      /User\.unknownField: unknown field in where/,
    )
    await expect(User.count({ unknownField: 'x' } as never)).rejects.toThrow(pf.QueryError)
    await expect(User.deleteBy({ unknownField: 'x' } as never)).rejects.toThrow(pf.QueryError)
    expect(await User.count()).toBe(2)
  })

  it('H1: a reverse relation whose foreign key is missing on the target fails at call time, naming it', async () => {
    const { Owner } = scenario.define<ReturnType<typeof brokenReverseModels>>('brokenReverseModels')
    const owner = await Owner.create({ id: 1 })
    await expect(owner.pets()).rejects.toThrow(/Owner\.pets: foreign key 'ownerIdTypo' does not exist on Pet/)
  })

  it('H2: three concurrent writer processes save 150 ids each (30 in avro); every id is there', async () => {
    const dir = join(scenario.dir(), 'shared')
    const each = format === 'parquet' ? 150 : 30
    const results = await runWriters(
      [1, 1001, 2001].map((from) => ['save', dir, format, String(from), String(each)]),
    )
    expect(results.map((r) => r.saved)).toEqual([each, each, each])
    const members = (await pf.openStore(dir).repository(registeredMember({}, NOT_EXPLICIT)).findAll()) as {
      id: number
    }[]
    expect(members).toHaveLength(3 * each)
    expect(new Set(members.map((m) => m.id)).size).toBe(3 * each)
  }, 120_000)

  it('@unique holds across concurrent writer processes: each contested email is stored once', async () => {
    const dir = join(scenario.dir(), 'unique')
    const results = await runWriters(
      [1000, 2000, 3000].map((from) => ['unique', dir, format, String(from), '8']),
    )
    expect(results.reduce((n, r) => n + r.saved, 0)).toBe(8)
    expect(results.reduce((n, r) => n + r.rejected, 0)).toBe(16)
    const members = (await pf
      .openStore(dir)
      .repository(registeredMember({ unique: true }, NOT_EXPLICIT))
      .findAll()) as { email: string }[]
    expect(members).toHaveLength(8)
    expect(new Set(members.map((m) => m.email)).size).toBe(8)
  }, 120_000)

  it('@default(autoincrement()) across concurrent writer processes: every id distinct, 1..n', async () => {
    const dir = join(scenario.dir(), 'auto')
    const each = 10
    const results = await runWriters(
      [1, 1001, 2001].map((from) => ['auto', dir, format, String(from), String(each)]),
    )
    expect(results.map((r) => r.saved)).toEqual([each, each, each])
    const members = (await pf
      .openStore(dir)
      .repository(registeredMember({ auto: true }, NOT_EXPLICIT))
      .findAll()) as {
      id: number
    }[]
    expect(members.map((m) => m.id).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 3 * each }, (_, i) => i + 1),
    )
  }, 120_000)

  it('H3: a write that fails part-way keeps the stored rows', async () => {
    const { User } = scenario.define<Crud>('crudModels', format)
    const fs = new FaultyFileSystem()
    const repo = User.repo(pf.openStore(scenario.dir(), { fs }))
    await repo.saveAll([
      { id: 1, name: 'A' },
      { id: 2, name: 'B' },
    ])
    // One fault per write: a small write's data file and its log entry are written at the same time, so one write
    // would meet both.
    fs.inject({ op: 'fsyncFile', path: /part-[^/]*$/, code: 'EIO' }) // a data file cannot be made durable
    await expect(repo.saveAll([{ id: 3, name: 'C' }])).rejects.toThrow()
    fs.inject({ op: 'createExclusive', code: 'ENOSPC' }) // data files written, the log entry cannot be
    await expect(repo.saveAll([{ id: 4, name: 'D' }])).rejects.toThrow()
    fs.clear()
    expect((await repo.findAll()).map((u) => u.name)).toEqual(['A', 'B'])
    await repo.save(Object.assign(new User(), { id: 3, name: 'C' }))
    expect(await repo.count()).toBe(3)
  })

  it('validation happens before anything is written, and names Entity.field', async () => {
    const { User } = scenario.define<Crud>('crudModels', format)
    await User.create({ id: 1, name: 'A' })
    await expect(User.create({ id: 2, name: 42 as never })).rejects.toThrow(
      /User\.name: expected string, got number 42/,
    )
    await expect(User.create({ id: 2.5, name: 'x' })).rejects.toThrow(/User\.id: expected int/)
    await expect(User.saveAll([{ id: 3, name: 'ok' }, { id: 4 } as never])).rejects.toThrow(
      /User\.name: required/,
    )
    await expect(User.create({ id: 5, name: 'x', nickname: 'y' } as never)).rejects.toThrow(
      /User\.nickname: unknown field/,
    )
    const error = await User.create({ id: 6, name: null as never }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(pf.ValidationError)
    expect((error as pf.ValidationError).issues).toEqual([
      { path: 'User.name', message: 'required, got null' },
    ])
    expect((await User.findAll()).map((u) => u.id)).toEqual([1])
    await expect(User.find('1' as never)).rejects.toThrow(/User\.id: 'find' expects an integer number/)
  })

  it('H4-H6: every type round-trips exactly, across repeated saves, null first then set', async () => {
    const { Typed } = scenario.define<Typed>('typedModels', format)
    const first = {
      id: 1,
      big: 9007199254740993n,
      value: 1700000000000.5,
      flag: true,
      text: 'Grüße ☃',
      at: new Date('2024-02-29T12:34:56.789Z'),
      day: '2024-02-29',
      role: 'ADMIN' as const,
      tags: ['a', 'b'],
      maybeInt: null,
      maybeText: null,
      maybeAt: null,
      meta: null,
      blob: null,
      code: null,
    }
    await Typed.create(first)
    const back = (await Typed.find(1)) as InstanceType<Typed['Typed']>
    expect({ ...back }).toEqual(first)
    expect(typeof back.id).toBe('number')
    expect(typeof back.big).toBe('bigint')
    const second = {
      ...first,
      id: 2,
      big: -(2n ** 63n),
      value: 2,
      tags: [],
      maybeInt: 1_700_000_000_000,
      maybeText: 'set later',
      maybeAt: new Date(0),
      meta: { nested: [1, 'two', null, { three: true }] },
      blob: new Uint8Array([0, 255, 7, 62, 63]),
      code: 'X1',
    }
    await Typed.saveAll([second])
    await back.save()
    const all = await Typed.findMany({ orderBy: { id: 'asc' } })
    expect(all.map((t) => ({ ...t }))).toEqual([first, second])
    expect(typeof all[1]?.value).toBe('number')
    expect(Number.isInteger(all[1]?.maybeInt)).toBe(true)
    expect(await Typed.findBy({ maybeInt: 1_700_000_000_000 })).toHaveLength(1)
    expect(await Typed.count({ at: first.at })).toBe(2)
    expect(await Typed.count({ maybeAt: { gte: new Date(0) } })).toBe(1)
    expect(await Typed.count({ day: { lt: '2025-01-01' } })).toBe(2)
    expect(await Typed.count({ tags: { has: 'b' } })).toBe(1)
  })

  it('H5: a bigint key of 1,700,000,000,000 stays an integer and find works', async () => {
    const { Event } = scenario.define<Typed>('typedModels', format)
    await Event.create({ id: 1_700_000_000_000n, name: 'big' })
    await Event.create({ id: 9_223_372_036_854_775_807n, name: 'max' })
    expect((await Event.find(1_700_000_000_000n))?.name).toBe('big')
    expect((await Event.find(9_223_372_036_854_775_807n))?.id).toBe(9_223_372_036_854_775_807n)
  })

  it('H7: format and base path come from config when the entity names none', async () => {
    resetConfig()
    setConfig({ entityBasePath: join(scenario.dir(), 'configured'), entityFormat: 'avro' })
    const { User } = scenario.define<Crud>('crudModels')
    await User.create({ id: 1, name: 'A' })
    const files = readdirSync(join(scenario.dir(), 'configured', 'users')).filter((f) =>
      f.startsWith('part-'),
    )
    expect(files.length).toBeGreaterThan(0)
    expect(files.every((f) => f.endsWith('.avro'))).toBe(true)
    expect((await User.find(1))?.name).toBe('A')
  })

  it('loading never runs the constructor; create does (field initialisers and defaults)', async () => {
    const counter = { constructed: 0 }
    const { Counted } = scenario.define<ReturnType<typeof sideEffectModels>>('sideEffectModels', counter)
    const created = await Counted.create({ id: 1, name: 'A' })
    expect(created.role).toBe('MEMBER')
    expect(counter.constructed).toBe(1)
    const loaded = await Counted.findAll()
    expect(loaded[0]).toBeInstanceOf(Counted)
    expect(await Counted.find(1)).toBeInstanceOf(Counted)
    expect(counter.constructed).toBe(1)
  })

  it('@unique is enforced at write time, in a batch and against stored rows', async () => {
    const { Member } = scenario.define<ReturnType<typeof uniqueModels>>('uniqueModels', format)
    await Member.create({ id: 1, email: 'a@x.com' })
    await expect(Member.create({ id: 2, email: 'a@x.com' })).rejects.toThrow(
      /Member\.email: value "a@x.com" is already used/,
    )
    await expect(
      Member.saveAll([
        { id: 3, email: 'b@x.com' },
        { id: 4, email: 'b@x.com' },
      ]),
    ).rejects.toThrow(pf.UniqueConstraintError)
    const one = (await Member.find(1)) as InstanceType<ReturnType<typeof uniqueModels>['Member']>
    one.name = 'same email, same key'
    await one.save()
    await Member.saveAll([
      { id: 1, email: 'c@x.com' },
      { id: 5, email: 'a@x.com' },
    ])
    expect((await Member.findMany({ orderBy: { id: 'asc' } })).map((m) => m.email)).toEqual([
      'c@x.com',
      'a@x.com',
    ])
  })
})

describe('H8: saves cost what they write', () => {
  const scenario = useScenario()

  it('each save commits one new one-row file and rewrites nothing (timings: bench/entities)', async () => {
    const { User } = scenario.define<Crud>('crudModels', 'parquet')
    for (let i = 1; i <= 60; i++) await Object.assign(new User(), { id: i, name: `u${i}` }).save()
    await Object.assign(new User(), { id: 30, name: 'updated' }).save()
    expect(await User.count()).toBe(60)
    expect((await User.find(30))?.name).toBe('updated')
    const table = await User.repo().table()
    // Saves of new entities are acknowledged at their log record and published together (docs/tables.md,
    // "Log-first inserts"): a version may hold several, the update's too (published with saves still pending then).
    // Each wrote its own one-row file; only the update removed one, in the last version.
    const history = (await table.history()).slice(1)
    expect(history.reduce((n, h) => n + h.rowsAdded, 0)).toBe(61)
    expect(history.reduce((n, h) => n + h.rowsRemoved, 0)).toBe(1)
    expect(history.at(-1)?.rowsRemoved).toBe(1)
    const files = (await table.snapshot()).files
    expect(files).toHaveLength(60)
    expect(files.every((f) => f.add.stats.numRows === 1)).toBe(true)
  })
})
