import { describe, expect, it } from 'vitest'
import { useTempDir } from '../table/__fixtures__/temp-dir.js'
import { countingFileSystem, registeredRepository } from './__fixtures__/store-setup.js'
import { entityIRFor } from './__fixtures__/test-ir.js'
import { Entity, openStore, UniqueConstraintError } from './index.js'

// The @unique check of a save asks the unique index only of the data files whose statistics may hold its values:
// the one-row files earlier saves wrote (each holding another value) need no index, so none is built or read.

class Member extends Entity {
  id!: number
  email!: string
}

const memberIr = (format: 'parquet' | 'avro') =>
  entityIRFor(
    'Member',
    { id: 'Int', email: 'String' },
    { storage: 'members', format, uniqueFields: ['email'] },
  )

const tmp = useTempDir('pf-unique-')

describe.each(['parquet', 'avro'] as const)('the unique check of a save (%s)', (format) => {
  it('indexes only files whose statistics may hold the value, and still finds every clash', async () => {
    const { fs, touched } = countingFileSystem()
    const repo = registeredRepository(openStore(tmp.dir, { fs }), Member, memberIr(format))
    await repo.saveAll(Array.from({ length: 10 }, (_, i) => ({ id: i, email: `a${i}@x.org` })))
    const builds = () => repo.indexes.stats.builds + repo.indexes.stats.loads

    // Values outside every file's email range: no index is needed, no data file is read.
    touched.clear()
    for (let i = 0; i < 5; i++) await repo.create({ id: 100 + i, email: `m${i}@x.org` })
    expect(builds()).toBe(0)
    expect(touched.size).toBe(0)

    // A group commit of 40 concurrent creates (more values than a scan's pruning takes): still no index.
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => repo.create({ id: 150 + i, email: `n${i}@x.org` })),
    )
    expect(builds()).toBe(0)
    expect(touched.size).toBe(0)

    // A value one small file holds: that file's index only. Published first (a read): the value is stored, so an
    // index answers, not the values pending here (docs/tables.md, "Log-first inserts").
    expect(await repo.count()).toBe(55)
    await expect(repo.create({ id: 200, email: 'm2@x.org' })).rejects.toMatchObject({
      name: 'UniqueConstraintError',
      field: 'email',
      value: 'm2@x.org',
    })
    expect(builds()).toBe(1)

    // Inside the first file's range: its index answers, a new value passes and a stored one clashes.
    await repo.create({ id: 201, email: 'a5b@x.org' })
    expect(builds()).toBe(2)
    await expect(repo.create({ id: 202, email: 'a3@x.org' })).rejects.toBeInstanceOf(UniqueConstraintError)

    // A value twice in one batch, or in two concurrent creates (one group commit): refused, the first create wins.
    await expect(
      repo.saveAll([
        { id: 300, email: 'q@x.org' },
        { id: 301, email: 'q@x.org' },
      ]),
    ).rejects.toMatchObject({ name: 'UniqueConstraintError', field: 'email', value: 'q@x.org' })
    const both = await Promise.allSettled([
      repo.create({ id: 302, email: 'r@x.org' }),
      repo.create({ id: 303, email: 'r@x.org' }),
    ])
    expect(both.map((r) => r.status)).toEqual(['fulfilled', 'rejected'])
    await repo.delete((await repo.find(302)) as Member)

    // A freed value is free again.
    await repo.deleteBy({ email: 'm3@x.org' })
    await repo.create({ id: 203, email: 'm3@x.org' })
    expect((await repo.findAll()).map((m) => m.email).sort()).toEqual(
      [...Array.from({ length: 10 }, (_, i) => `a${i}@x.org`), 'a5b@x.org', 'm0@x.org', 'm1@x.org']
        .concat(
          ['m2@x.org', 'm3@x.org', 'm4@x.org'],
          Array.from({ length: 40 }, (_, i) => `n${i}@x.org`),
        )
        .sort(),
    )
  })
})
