// store.transaction: writes of several entity types as one atomic commit across their tables.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { blogModels, uniqueModels } from './__fixtures__/scenario-models.js'
import { useScenario } from './__fixtures__/scenario-setup.js'
import { entityIRFor } from './__fixtures__/test-ir.js'
import * as pf from './index.js'

type Blog = ReturnType<typeof blogModels>
type Unique = ReturnType<typeof uniqueModels>

describe.each(['parquet', 'avro'] as const)('transactions in %s', (format) => {
  const scenario = useScenario()
  const blog = () => scenario.define<Blog>('blogModels', format)

  it('writes of several entity types land together, in one commit, with one decision file', async () => {
    const { User, Post } = blog()
    const store = pf.defaultStore()
    const before = store.stats.commits
    const result = await pf.transaction((tx) => {
      const alice = tx.create(User, { id: 1, name: 'Alice' })
      tx.create(Post, { id: 1, userId: alice.id, title: 'Hello' })
      tx.saveAll([Object.assign(new Post(), { id: 2, userId: 1, categoryId: null, title: 'Again' })])
      return alice
    })
    expect(result).toBeInstanceOf(User)
    expect(store.stats.commits - before).toBe(1)
    expect((await (await User.find(1))?.posts())?.map((p) => p.title).sort()).toEqual(['Again', 'Hello'])
    expect(readdirSync(join(scenario.dir(), '_pf_txn'))).toHaveLength(1)
  })

  it('one failing write undoes all: a duplicate key leaves every table as it was', async () => {
    const { User, Post } = blog()
    await User.create({ id: 1, name: 'Alice' })
    const error = await pf
      .transaction((tx) => {
        tx.create(Post, { id: 5, userId: 1, title: 'orphaned?' })
        tx.create(User, { id: 1, name: 'Again' })
      })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(pf.UniqueConstraintError)
    expect((error as Error).message).toMatch(/^User\.id: value 1 is already used/)
    expect(await Post.count()).toBe(0)
    expect((await User.find(1))?.name).toBe('Alice')
  })

  it('validation errors are thrown while staging, naming Entity.field; nothing is written', async () => {
    const { User, Post } = blog()
    const error = await pf
      .transaction((tx) => {
        tx.create(User, { id: 1, name: 'Alice' })
        tx.create(Post, { id: 2, userId: 1, title: 42 as unknown as string })
      })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(pf.ValidationError)
    expect((error as Error).message).toMatch(/Post\.title/)
    expect(await User.count()).toBe(0)
    const unknownField = await pf
      .transaction((tx) => tx.deleteBy(User, { nme: 'x' } as never))
      .catch((e: unknown) => e)
    expect((unknownField as Error).message).toMatch(/User.*nme/)
  })

  it('operations on one table keep their order: save then delete removes, delete then save keeps', async () => {
    const { User } = blog()
    await User.saveAll([
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
      { id: 3, name: 'c' },
    ])
    await pf.transaction(async (tx) => {
      const one = (await User.find(1)) as InstanceType<Blog['User']>
      one.name = 'renamed'
      tx.save(one)
      tx.delete(one)
      tx.deleteBy(User, { id: 2 })
      tx.upsert(User, { id: 2, name: 'back' })
      tx.deleteBy(User, { name: 'c' })
    })
    expect((await User.findMany({ orderBy: { id: 'asc' } })).map((u) => [u.id, u.name])).toEqual([
      [2, 'back'],
    ])
  })

  it('another store: instances remember it; the default store is untouched', async () => {
    const { User, Post } = blog()
    const other = pf.openStore(join(scenario.dir(), 'other'))
    const bob = Object.assign(new User(), { id: 7, name: 'Bob' })
    await other.transaction((tx) => {
      tx.save(bob)
      tx.create(Post, { id: 1, userId: 7, title: 'elsewhere' })
    })
    expect(await User.count()).toBe(0)
    expect((await bob.posts()).map((p) => p.title)).toEqual(['elsewhere'])
    expect(readdirSync(join(scenario.dir(), 'other', '_pf_txn'))).toHaveLength(1)
  })

  it('@unique values are checked across the whole transaction and against stored rows', async () => {
    const { Member } = scenario.define<Unique>('uniqueModels', format)
    const { User } = blog()
    await Member.create({ id: 1, email: 'a@x' })
    const clash = await pf
      .transaction((tx) => {
        tx.create(User, { id: 1, name: 'u' })
        tx.create(Member, { id: 2, email: 'b@x' })
        tx.create(Member, { id: 3, email: 'b@x' })
      })
      .catch((e: unknown) => e)
    expect(clash).toBeInstanceOf(pf.UniqueConstraintError)
    expect((clash as Error).message).toMatch(/^Member\.email: value "?b@x"? is already used/)
    const stored = await pf
      .transaction((tx) => void tx.create(Member, { id: 4, email: 'a@x' }))
      .catch((e: unknown) => e)
    expect(stored).toBeInstanceOf(pf.UniqueConstraintError)
    expect([await Member.count(), await User.count()]).toEqual([1, 0])
  })

  it('@unique values that deletes of the same transaction free can be reused in it', async () => {
    const { Member } = scenario.define<Unique>('uniqueModels', format)
    await Member.saveAll([
      { id: 1, email: 'a@x' },
      { id: 2, email: 'b@x', name: 'bee' },
      { id: 3, email: 'c@x' },
    ])
    await pf.transaction(async (tx) => {
      tx.delete((await Member.find(1)) as InstanceType<Unique['Member']>)
      tx.create(Member, { id: 4, email: 'a@x' })
      tx.deleteBy(Member, { name: 'bee' })
      tx.create(Member, { id: 5, email: 'b@x' })
    })
    expect((await Member.findAll()).map((m) => [m.id, m.email]).sort()).toEqual([
      [3, 'c@x'],
      [4, 'a@x'],
      [5, 'b@x'],
    ])
    expect(await Member.count()).toBe(3)
    // A delete that does not free the value (a row whose filter is null stays) is still a clash.
    const clash = await pf
      .transaction((tx) => {
        tx.deleteBy(Member, { name: 'nobody' })
        tx.create(Member, { id: 6, email: 'c@x' })
      })
      .catch((e: unknown) => e)
    expect(clash).toBeInstanceOf(pf.UniqueConstraintError)
    expect(await Member.count()).toBe(3)
  })

  it('autoincrement values are assigned once for all saves of a table in the transaction', async () => {
    class Ticket extends pf.Entity {}
    const ir = entityIRFor('Ticket', { id: 'Int', label: 'String' })
    const withAuto = {
      ...ir,
      format,
      fields: ir.fields.map((f) =>
        f.name === 'id' ? { ...f, default: { kind: 'autoincrement' as const } } : f,
      ),
    }
    pf.withRegistry(new pf.EntityRegistry(), () => pf.registerEntity(Ticket, withAuto))
    const repo = pf.defaultStore().repository(Ticket) as unknown as pf.Repository<Record<string, unknown>>
    await repo.create({ label: 'first' })
    const made = await pf.transaction((tx) => [
      tx.create(Ticket as unknown as pf.EntityClass<Record<string, unknown>>, { label: 'a' }),
      tx.create(Ticket as unknown as pf.EntityClass<Record<string, unknown>>, { label: 'b' }),
    ])
    expect(made.map((t) => t.id)).toEqual([2, 3])
    expect((await repo.findMany({ orderBy: { id: 'asc' } })).map((t) => t.label)).toEqual(['first', 'a', 'b'])
  })
})

describe('transaction types', () => {
  it('misuse does not compile', () => {
    const check = (User: Blog['User'], Post: Blog['Post']) =>
      pf.transaction((tx) => {
        // @ts-expect-error unknown field in create data
        tx.create(Post, { id: 1, title: 't', nope: 1 })
        // @ts-expect-error wrong field type
        tx.create(User, { id: 'one', name: 'x' })
        // @ts-expect-error unknown field in a filter
        tx.deleteBy(User, { nme: 'x' })
        const post: InstanceType<Blog['Post']> = tx.create(Post, { id: 1, title: 't' })
        return post
      })
    expect(typeof check).toBe('function')
  })
})
