import { afterEach, describe, expect, it, vi } from 'vitest'
import { useTempDir } from '../table/__fixtures__/temp-dir.js'
import { RowBatch } from '../table/row-batch.js'
import { registeredMember } from './__fixtures__/member-entity.js'
import { registeredRepository } from './__fixtures__/store-setup.js'
import { entityIRFor } from './__fixtures__/test-ir.js'
import { runWriters } from './__fixtures__/writer-processes.js'
import { Entity, openStore, UniqueConstraintError } from './index.js'
import { Repository } from './repository.js'

// The @unique check of a small insert (create, a transaction's creates) reads the JS values, builds no polars frame,
// and refuses exactly what the frame path (upserts, saveAll) refuses, with the same error.

class Account extends Entity {
  id!: number
  email!: string
  nick!: string | null
  tenant!: string | null
  slug!: string | null
}

const accountIr = entityIRFor(
  'Account',
  { id: 'Int', email: 'String', nick: 'String?', tenant: 'String?', slug: 'String?' },
  { storage: 'accounts', uniques: [['email'], ['nick'], ['tenant', 'slug']] },
)

const tmp = useTempDir('pf-unique-small-')

/** The frame path of the unique check (a private method): a transaction's write builds frames of its own. */
type FramePath = { checkUnique: () => Promise<void> }
const framePath = () => vi.spyOn(Repository.prototype as unknown as FramePath, 'checkUnique')

afterEach(() => {
  vi.restoreAllMocks()
})

/** What a refused write's UniqueConstraintError names. */
async function refusal(write: Promise<unknown>): Promise<{ entity: string; field: string; value: unknown }> {
  const error = await write.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(UniqueConstraintError)
  const { entity, field, value } = error as UniqueConstraintError
  return { entity, field, value }
}

async function accounts() {
  const repo = registeredRepository(openStore(tmp.dir), Account, accountIr)
  await repo.saveAll([
    { id: 1, email: 'a@x.org', nick: 'ann', tenant: 't1', slug: 'home' },
    { id: 2, email: 'b@x.org', nick: null, tenant: null, slug: 'home' },
  ])
  const frames = vi.spyOn(RowBatch.prototype, 'frame')
  return { repo, frames }
}

const row = (id: number, over: Partial<Account> = {}) => ({
  id,
  email: `${id}@x.org`,
  nick: null,
  tenant: null,
  slug: null,
  ...over,
})

describe('the unique check of a small insert', () => {
  it('a value a stored row holds: the same error as the frame path, no frame built', async () => {
    const { repo, frames } = await accounts()
    const small = await refusal(repo.create(row(10, { email: 'a@x.org' })))
    expect(small).toEqual({ entity: 'Account', field: 'email', value: 'a@x.org' })
    expect(frames).not.toHaveBeenCalled()
    expect(await refusal(repo.upsert(row(10, { email: 'a@x.org' })))).toEqual(small)
    // A value no row holds is written, still without a frame.
    await repo.create(row(11, { email: 'new@x.org', nick: 'ned' }))
    expect(frames).not.toHaveBeenCalled()
    expect((await repo.findBy({ email: 'new@x.org' })).map((a) => a.id)).toEqual([11])
  })

  it('a value twice in one commit (a transaction of creates): the same error as saveAll', async () => {
    const { repo, frames } = await accounts()
    const small = await refusal(
      repo.store.transaction((tx) => {
        tx.create(Account, row(20, { nick: 'zed' }))
        tx.create(Account, row(21, { nick: 'zed' }))
      }),
    )
    expect(small).toEqual({ entity: 'Account', field: 'nick', value: 'zed' })
    expect(frames).not.toHaveBeenCalled()
    expect(await refusal(repo.saveAll([row(20, { nick: 'zed' }), row(21, { nick: 'zed' })]))).toEqual(small)
    expect(await repo.find(20)).toBeNull()
  })

  it('a composite (@@unique) clash names the group and its values', async () => {
    const { repo, frames } = await accounts()
    const small = await refusal(repo.create(row(30, { tenant: 't1', slug: 'home' })))
    expect(small).toEqual({ entity: 'Account', field: 'tenant+slug', value: 't1, home' })
    expect(frames).not.toHaveBeenCalled()
    expect(await refusal(repo.upsert(row(30, { tenant: 't1', slug: 'home' })))).toEqual(small)
    // Another tenant, or the same slug with no tenant (a null never clashes), is free.
    await repo.create(row(31, { tenant: 't2', slug: 'home' }))
    await repo.create(row(32, { tenant: null, slug: 'home' }))
    expect(frames).not.toHaveBeenCalled()
  })

  it('nulls never clash: not with stored nulls, not with each other', async () => {
    const { repo, frames } = await accounts()
    await repo.create(row(40))
    expect(frames).not.toHaveBeenCalled()
    const checks = framePath()
    await repo.store.transaction((tx) => {
      tx.create(Account, row(41))
      tx.create(Account, row(42))
    })
    expect(checks).not.toHaveBeenCalled()
    expect((await repo.findAll()).filter((a) => a.nick === null).map((a) => a.id)).toEqual([2, 40, 41, 42])
  })

  it('a value a delete of the same transaction frees is free; one it does not free clashes', async () => {
    const { repo, frames } = await accounts()
    const checks = framePath()
    const ann = (await repo.find(1)) as Account
    await repo.store.transaction((tx) => {
      tx.delete(ann)
      tx.create(Account, row(50, { email: 'a@x.org', nick: 'ann' }))
    })
    await repo.store.transaction((tx) => {
      tx.deleteBy(Account, { id: 2 })
      tx.create(Account, row(51, { email: 'b@x.org' }))
    })
    expect(checks).not.toHaveBeenCalled()
    frames.mockClear()
    expect((await repo.findAll()).map((a) => [a.id, a.email])).toEqual([
      [50, 'a@x.org'],
      [51, 'b@x.org'],
    ])
    const small = await refusal(
      repo.store.transaction((tx) => {
        tx.deleteBy(Account, { id: 51 })
        tx.create(Account, row(52, { email: 'a@x.org' }))
      }),
    )
    expect(small).toEqual({ entity: 'Account', field: 'email', value: 'a@x.org' })
    expect(frames).not.toHaveBeenCalled()
    expect(
      await refusal(
        repo.store.transaction((tx) => {
          tx.deleteBy(Account, { id: 51 })
          tx.upsert(Account, row(52, { email: 'a@x.org' }))
        }),
      ),
    ).toEqual(small)
  })

  it("a value another process's newer commit holds clashes", async () => {
    const Member = registeredMember({ unique: true })
    const repo = Member.repo(openStore(tmp.dir))
    await repo.create({ id: 1, email: 'first@example.com', writer: 'test' })
    // The other process writes member 5 (user5@example.com) after this store read the table.
    expect(await runWriters([['unique', tmp.dir, 'parquet', '5', '1']])).toEqual([{ saved: 1, rejected: 0 }])
    const frames = vi.spyOn(RowBatch.prototype, 'frame')
    const small = await refusal(repo.create({ id: 900, email: 'user5@example.com', writer: 'test' }))
    expect(small).toEqual({ entity: 'Member', field: 'email', value: 'user5@example.com' })
    expect(frames).not.toHaveBeenCalled()
    expect(await refusal(repo.upsert({ id: 900, email: 'user5@example.com', writer: 'test' }))).toEqual(small)
  })
})
