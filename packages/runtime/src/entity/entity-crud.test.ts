// Section A of the Python scenarios (entity declaration and CRUD), both formats side by side.
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { crudModels } from './__fixtures__/scenario-models.js'
import { useScenario } from './__fixtures__/scenario-setup.js'
import * as pf from './index.js'

type Crud = ReturnType<typeof crudModels>

describe.each(['parquet', 'avro'] as const)('entities in %s', (format) => {
  const scenario = useScenario()
  const models = () => scenario.define<Crud>('crudModels', format)

  it('A1: @entity on something that is not a class fails', () => {
    expect(() => pf.entity()(42 as never, undefined as never)).toThrow(/@entity\(\) must decorate a class/)
  })

  it('A2: a primary key that is not a field fails with "Primary key ... not found"', () => {
    class OnlyName {}
    const ir = {
      name: 'OnlyName',
      storage: 'x',
      format,
      primaryKey: ['nonexistent_id'],
      partitionBy: [],
      fields: [
        {
          name: 'name',
          id: 1,
          column: 'name',
          type: { kind: 'scalar', name: 'String' },
          optional: false,
          isId: false,
          unique: false,
          index: false,
        },
      ],
      relations: [],
      indexes: [],
      uniques: [],
    } as const
    expect(() => pf.withRegistry(new pf.EntityRegistry(), () => pf.registerEntity(OnlyName, ir))).toThrow(
      /PF3018: primary key "nonexistent_id" of entity "OnlyName" is not one of its fields/,
    )
  })

  it('A3: the class has the instance and static API, and the table appears on first use', async () => {
    const { User } = models()
    for (const m of ['save', 'delete'])
      expect(typeof (User.prototype as unknown as Record<string, unknown>)[m]).toBe('function')
    for (const m of ['find', 'findAll', 'findBy', 'count', 'deleteAll', 'create', 'findMany', 'saveAll']) {
      expect(typeof (User as unknown as Record<string, unknown>)[m]).toBe('function')
    }
    expect(await User.count()).toBe(0)
    expect(existsSync(join(scenario.dir(), 'users', '_delta_log'))).toBe(true)
  })

  it('A4: save then find returns exactly the saved values', async () => {
    const { User } = models()
    const alice = Object.assign(new User(), { id: 1, name: 'Alice', email: 'alice@example.com' })
    await alice.save()
    const found = await User.find(1)
    expect(found).toBeInstanceOf(User)
    expect({ ...found }).toEqual({
      id: 1,
      name: 'Alice',
      email: 'alice@example.com',
      city: null,
      score: null,
    })
  })

  it('A5: an empty store finds nothing without throwing', async () => {
    const { User } = models()
    expect(await User.find(999)).toBeNull()
    expect(await User.count()).toBe(0)
    expect(await User.findAll()).toEqual([])
  })

  it('A6: findAll returns every entity in insertion order', async () => {
    const { User } = models()
    for (const [id, name] of [
      [1, 'Alice'],
      [2, 'Bob'],
      [3, 'Charlie'],
    ] as const)
      await User.create({ id, name })
    const all = await User.findAll()
    expect(all.map((u) => u.id)).toEqual([1, 2, 3])
    expect(all.map((u) => u.name)).toEqual(['Alice', 'Bob', 'Charlie'])
  })

  it('A7: findBy filters, and ANDs several conditions', async () => {
    const { User } = models()
    await User.saveAll([
      { id: 1, name: 'Alice', city: 'NYC', score: 1.5 },
      { id: 2, name: 'Bob', city: 'LA', score: 1.5 },
      { id: 3, name: 'Charlie', city: 'NYC', score: 2.5 },
    ])
    expect((await User.findBy({ city: 'NYC' })).map((u) => u.name).sort()).toEqual(['Alice', 'Charlie'])
    expect((await User.findBy({ name: 'Alice', score: 1.5 })).map((u) => u.id)).toEqual([1])
    expect(await User.findBy({ name: 'Alice', score: 2.5 })).toEqual([])
  })

  it('A8: saving an existing key updates it (upsert)', async () => {
    const { User } = models()
    await User.create({ id: 1, name: 'Alice', email: 'alice@old.com' })
    await Object.assign(new User(), { id: 1, name: 'Alice Smith', email: 'alice@new.com' }).save()
    const found = await User.find(1)
    expect([found?.name, found?.email]).toEqual(['Alice Smith', 'alice@new.com'])
    expect(await User.count()).toBe(1)
  })

  it('A9: instance delete removes it', async () => {
    const { User } = models()
    const alice = await User.create({ id: 1, name: 'Alice' })
    expect(await User.count()).toBe(1)
    expect(await alice.delete()).toBe(true)
    expect(await User.count()).toBe(0)
    expect(await User.find(1)).toBeNull()
  })

  it('A10: count follows saves with distinct keys', async () => {
    const { User } = models()
    expect(await User.count()).toBe(0)
    await User.create({ id: 1, name: 'A' })
    expect(await User.count()).toBe(1)
    await User.create({ id: 2, name: 'B' })
    expect(await User.count()).toBe(2)
  })

  it('A11: deleteAll empties the table, and saving works again', async () => {
    const { User } = models()
    await User.saveAll([1, 2, 3].map((id) => ({ id, name: `u${id}` })))
    expect(await User.deleteAll()).toBe(3)
    expect(await User.count()).toBe(0)
    expect(await User.findAll()).toEqual([])
    await User.create({ id: 4, name: 'again' })
    expect(await User.count()).toBe(1)
  })

  it(`A12: data files are ${format} files in the entity's table directory`, async () => {
    const { User } = models()
    await User.create({ id: 1, name: 'Alice' })
    // Read first: a small create's file is written when it is published, by the next read at the latest
    // (docs/tables.md, "Log-first inserts").
    expect((await User.find(1))?.name).toBe('Alice')
    const files = readdirSync(join(scenario.dir(), 'users')).filter((f) => f.startsWith('part-'))
    expect(files.length).toBeGreaterThan(0)
    expect(files.every((f) => f.endsWith(format === 'parquet' ? '.parquet' : '.avro'))).toBe(true)
  })

  it('A13: the full CRUD workflow', async () => {
    const { User } = models()
    await User.create({ id: 1, name: 'Alice' })
    await User.create({ id: 2, name: 'Bob' })
    expect((await User.find(1))?.name).toBe('Alice')
    expect(await User.findAll()).toHaveLength(2)
    const alice = (await User.find(1)) as InstanceType<Crud['User']>
    alice.name = 'Alice Smith'
    await alice.save()
    expect((await User.find(1))?.name).toBe('Alice Smith')
    await alice.delete()
    expect(await User.count()).toBe(1)
  })

  it('findOne, exists, findMany with orderBy/limit/offset/select, deleteBy, upsert', async () => {
    const { User } = models()
    await User.saveAll([
      { id: 1, name: 'Cleo', score: 3 },
      { id: 2, name: 'Abe', score: null },
      { id: 3, name: 'Bea', score: 1 },
    ])
    expect((await User.findOne({ name: 'Bea' }))?.id).toBe(3)
    expect(await User.findOne({ name: 'Nobody' })).toBeNull()
    expect(await User.exists({ score: { gt: 2 } })).toBe(true)
    expect(await User.exists({ score: { gt: 5 } })).toBe(false)
    expect((await User.findMany({ orderBy: { name: 'asc' } })).map((u) => u.name)).toEqual([
      'Abe',
      'Bea',
      'Cleo',
    ])
    expect((await User.findMany({ orderBy: { score: 'desc' } })).map((u) => u.id)).toEqual([1, 3, 2])
    expect(
      (await User.findMany({ orderBy: [{ name: 'desc' }], limit: 2, offset: 1 })).map((u) => u.name),
    ).toEqual(['Bea', 'Abe'])
    expect((await User.findMany({ offset: 2 })).map((u) => u.id)).toEqual([3])
    const selected = await User.findMany({ select: { name: true }, orderBy: { id: 'asc' } })
    expect(selected.map((u) => ({ ...u }))).toEqual([
      { id: 1, name: 'Cleo' },
      { id: 2, name: 'Abe' },
      { id: 3, name: 'Bea' },
    ])
    await expect(User.repo().save(selected[0] as never)).rejects.toThrow(/loaded with select/)
    expect(await User.count({ score: null })).toBe(1)
    expect(await User.deleteBy({ score: { lt: 2 } })).toBe(1)
    expect(await User.count()).toBe(2)
    await User.upsert({ id: 2, name: 'Abraham' })
    expect((await User.find(2))?.name).toBe('Abraham')
    expect(await User.count()).toBe(2)
  })

  it('create refuses an existing key; saveAll is one commit and the last duplicate wins', async () => {
    const { User } = models()
    await User.create({ id: 1, name: 'A' })
    await expect(User.create({ id: 1, name: 'B' })).rejects.toThrow(pf.UniqueConstraintError)
    await expect(User.create({ id: 1, name: 'B' })).rejects.toThrow(/User\.id: value 1 is already used/)
    const store = pf.defaultStore()
    const before = store.stats.commits
    await User.saveAll([
      { id: 2, name: 'x' },
      { id: 3, name: 'y' },
      { id: 2, name: 'z' },
    ])
    expect(store.stats.commits - before).toBe(1)
    expect((await User.findMany({ orderBy: { id: 'asc' } })).map((u) => u.name)).toEqual(['A', 'z', 'y'])
  })

  it('stream reads in batches from one snapshot', async () => {
    const { User } = models()
    await User.saveAll(Array.from({ length: 25 }, (_, i) => ({ id: i + 1, name: `u${i + 1}` })))
    const store = pf.defaultStore()
    const before = store.stats.scans
    const seen: number[] = []
    for await (const u of User.stream({ batchSize: 10, where: { id: { gt: 2 } }, orderBy: { id: 'desc' } }))
      seen.push(u.id)
    expect(seen).toEqual(Array.from({ length: 23 }, (_, i) => 25 - i))
    expect(store.stats.scans - before).toBe(3)
    const limited: number[] = []
    for await (const u of User.stream({ batchSize: 4, limit: 6, offset: 1 })) limited.push(u.id)
    expect(limited).toEqual([2, 3, 4, 5, 6, 7])
  })

  it('openStore binds another base directory; instances remember their store', async () => {
    const { User } = models()
    const other = pf.openStore(join(scenario.dir(), 'other'))
    const repo = User.repo(other)
    const bob = await repo.create({ id: 7, name: 'Bob' })
    expect(await User.count()).toBe(0)
    expect(await repo.count()).toBe(1)
    bob.name = 'Robert'
    await bob.save()
    expect((await repo.find(7))?.name).toBe('Robert')
    const loaded = (await repo.find(7)) as InstanceType<Crud['User']>
    await loaded.delete()
    expect(await repo.count()).toBe(0)
    expect(existsSync(join(scenario.dir(), 'other', 'users', '_delta_log'))).toBe(true)
  })

  it('instances made with new and saved through saveAll of another store go back to it, unseen in their data', async () => {
    const { User } = models()
    const other = pf.openStore(join(scenario.dir(), 'other'))
    const made = [1, 2].map((id) => Object.assign(new User(), { id, name: `u${id}` }))
    await User.repo(other).saveAll(made)
    const first = made[0] as InstanceType<Crud['User']>
    first.name = 'renamed'
    await first.save()
    expect(await User.count()).toBe(0)
    expect((await User.repo(other).find(1))?.name).toBe('renamed')
    // The store binding is not data: keys, JSON, spreading and deep equality ignore it.
    expect(Object.keys(first).sort()).toEqual(Object.keys(new User()).sort())
    expect(JSON.parse(JSON.stringify(first))).toEqual({ ...first })
    expect(Object.getOwnPropertySymbols(first)).toEqual([])
    await first.delete()
    expect(await User.repo(other).count()).toBe(1)
  })
})
