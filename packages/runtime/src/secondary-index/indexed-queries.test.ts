import { readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { countingFileSystem, registeredRepository } from '../entity/__fixtures__/store-setup.js'
import { entityIRFor } from '../entity/__fixtures__/test-ir.js'
import {
  Entity,
  type EntityStore,
  openStore,
  type Repository,
  UniqueConstraintError,
} from '../entity/index.js'
import { useTempDir } from '../table/__fixtures__/temp-dir.js'
import { nodeFileSystem } from '../table/node-file-system.js'
import { defaultIndexCache } from './index-cache.js'
import { INDEX_DIR, sweepIndexFiles } from './index-files.js'

// Indexed lookups and unique checks through the entity API, counting the data files read through the store's
// file-system seam (every data file read is verified first: a stat or a read of its bytes).

class Person extends Entity {
  id!: number
  name!: string
  email!: string
  tenant!: string
  slug!: string
  age!: number | null
}

const personIr = (format: 'parquet' | 'avro') =>
  entityIRFor(
    'Person',
    { id: 'Int', name: 'String', email: 'String', tenant: 'String', slug: 'String', age: 'Int?' },
    {
      storage: 'people',
      format,
      indexFields: ['name'],
      uniqueFields: ['email'],
      uniques: [['email'], ['tenant', 'slug']],
    },
  )

const tmp = useTempDir('pf-index-')

/** Rows whose names, emails and slugs alternate between 'a…' and 'z…': file statistics can prune nothing. */
interface PersonData {
  id: number
  name: string
  email: string
  tenant: string
  slug: string
  age: number | null
}

function people(from: number, to: number, name: (i: number) => string = (i) => spread('n', i)): PersonData[] {
  const out: PersonData[] = []
  for (let i = from; i < to; i++) {
    const age = i % 5 === 0 ? null : i
    out.push({
      id: i,
      name: name(i),
      email: `${spread('u', i)}@x.org`,
      tenant: `t${i % 3}`,
      slug: spread('s', i),
      age,
    })
  }
  return out
}

const spread = (prefix: string, i: number) => `${i % 2 === 0 ? 'a' : 'z'}${prefix}${i}`

function open(format: 'parquet' | 'avro' = 'parquet'): {
  store: EntityStore
  repo: Repository<Person>
  touched: Set<string>
} {
  const { fs, touched } = countingFileSystem()
  const store = openStore(tmp.dir, { fs })
  return { store, repo: registeredRepository(store, Person, personIr(format)), touched }
}

const plain = (rows: readonly Person[]) =>
  rows.map((p) => ({ id: p.id, name: p.name, email: p.email, tenant: p.tenant, slug: p.slug, age: p.age }))

describe.each(['parquet', 'avro'] as const)('secondary indexes (%s)', (format) => {
  it('findBy, findOne, exists, count and where on an indexed field read only the data files holding matches', async () => {
    const { repo, touched } = open(format)
    // Ten files of ten rows; the name "shared" is in files 2 and 7 only.
    for (let b = 0; b < 10; b++) {
      await repo.saveAll(
        people(b * 10, b * 10 + 10, (i) => (i === 23 || i === 75 || i === 77 ? 'shared' : spread('n', i))),
      )
    }
    expect(await repo.explain({ where: { name: 'shared' } })).toEqual({
      path: 'index',
      index: 'name',
      files: 2,
      rows: 3,
      fetch: 'rows',
      decoded: false,
    })
    touched.clear()
    const found = await repo.findBy({ name: 'shared' })
    expect(found.map((p) => p.id)).toEqual([23, 75, 77])
    expect(touched.size).toBe(2)
    touched.clear()
    expect((await repo.findOne({ name: { equals: 'shared' } }))?.id).toBe(23)
    expect(
      await repo
        .findMany({
          where: { name: { in: ['shared', 'zn41'] }, age: { gt: 30 } },
          orderBy: { id: 'desc' },
        })
        .then((rows) => rows.map((p) => p.id)),
    ).toEqual([77, 41])
    expect(touched.size).toBe(3)
    await repo.explain({ where: { tenant: 'warm', slug: 'warm' } }) // builds the last file's composite index
    touched.clear()
    // A where clause that is only the lookup is answered from the index: no data file is read.
    expect(await repo.count({ name: 'shared' })).toBe(3)
    expect(await repo.exists({ name: 'shared' })).toBe(true)
    expect(await repo.exists({ name: 'nobody' })).toBe(false)
    expect(await repo.count({ tenant: 't1', slug: { in: ['zs1', 'as4', 'as2'] } })).toBe(2)
    expect(touched.size).toBe(0)
    // Other conditions filter the matched rows.
    expect(await repo.count({ name: 'shared', age: { lt: 76 } })).toBe(1) // 75's age is null
    expect(touched.size).toBe(2)
    touched.clear()
    expect(await repo.findBy({ name: 'nobody' })).toEqual([])
    expect(touched.size).toBe(0)
    expect(await repo.explain({ where: { age: 3 } })).toEqual({ path: 'scan', files: 10 })
    expect(await repo.explain({ where: { name: { not: 'x' } } })).toMatchObject({ path: 'scan' })
  })

  it('an indexed find decodes a data file once, then fetches only the matched rows, deletes respected', async () => {
    const { repo, touched } = open(format)
    // One file of 2,000 rows; five are named "hit".
    await repo.saveAll(people(0, 2000, (i) => (i % 400 === 7 ? 'hit' : spread('n', i))))
    const hits = async () => (await repo.findBy({ name: 'hit' })).map((p) => p.id)
    expect(await repo.explain({ where: { name: 'hit' } })).toMatchObject({ fetch: 'rows', decoded: false })
    expect(await hits()).toEqual([7, 407, 807, 1207, 1607])
    expect(repo.indexes.reads).toEqual({ filesDecoded: 1, rowsDecoded: 2000, rowsFetched: 5 })
    expect(await repo.explain({ where: { name: 'hit' } })).toMatchObject({ rows: 5, decoded: true })
    touched.clear()
    expect(await hits()).toEqual([7, 407, 807, 1207, 1607])
    expect(plain(await repo.findBy({ name: 'hit' }))[1]).toEqual(
      plain(people(407, 408, () => 'hit') as Person[])[0],
    )
    expect((await repo.findOne({ name: 'hit' }))?.id).toBe(7)
    const window = await repo.findMany({ where: { name: { in: ['hit', 'zn9'] } }, offset: 1, limit: 3 })
    expect(window.map((p) => p.id)).toEqual([9, 407, 807])
    const partial = await repo.findMany({ where: { name: 'hit' }, select: { email: true }, limit: 1 })
    expect(partial.map((p) => ({ ...p }))).toEqual([{ id: 7, email: `${spread('u', 7)}@x.org` }])
    // No row decoded again: 5 + 5 + 1 + 3 + 1 matched rows fetched; the file is only checked to exist.
    expect(repo.indexes.reads).toEqual({ filesDecoded: 1, rowsDecoded: 2000, rowsFetched: 20 })
    expect(touched.size).toBe(1)
    // A delete and an upsert moving a row's value away: never returned, in the file as decoded or rewritten.
    await repo.delete(Object.assign(new Person(), { id: 407 }))
    const moved = (await repo.find(807)) as Person
    moved.name = 'moved'
    await repo.save(moved)
    await repo.create({ ...(people(5000, 5001)[0] as PersonData), name: 'hit' })
    expect(await hits()).toEqual([7, 1207, 1607, 5000])
    expect(await repo.count({ name: 'hit' })).toBe(4)
    expect((await repo.findBy({ name: 'moved' })).map((p) => p.id)).toEqual([807])
    expect(repo.indexes.reads.filesDecoded).toBeLessThanOrEqual(4)
    // An exact lookup checks its values as any where clause does (its filter expression is never built).
    const bad = { name: 5 } as unknown as { name: string }
    await expect(repo.findBy(bad)).rejects.toThrow("Person.name: 'equals' expects a string, got number 5")
    await expect(repo.count({ name: { in: ['hit', 7 as unknown as string] } })).rejects.toThrow(
      "Person.name: 'in' expects a string, got number 7",
    )
    await expect(repo.exists({ name: { equals: '\ud800' } })).rejects.toMatchObject({ name: 'QueryError' })
  })

  it('a unique check reads no data file once the indexes exist, at any table size', async () => {
    const reads: number[] = []
    for (const files of [3, 30]) {
      await rm(tmp.dir, { recursive: true, force: true })
      const { repo, touched } = open(format)
      for (let b = 0; b < files; b++) await repo.saveAll(people(b * 10, b * 10 + 10))
      await repo.explain({ where: { email: 'warm' } }) // builds the email indexes
      await repo.explain({ where: { tenant: 'warm', slug: 'warm' } })
      touched.clear()
      await repo.create({ id: 100_000, name: 'new', email: 'new@x.org', tenant: 't1', slug: 'new', age: 1 })
      reads.push(touched.size)
      await expect(
        repo.create({ id: 100_001, name: 'dup', email: 'zu5@x.org', tenant: 't', slug: 'other', age: 1 }),
      ).rejects.toMatchObject({ name: 'UniqueConstraintError', field: 'email', value: 'zu5@x.org' })
      await expect(
        repo.create({ id: 100_002, name: 'dup', email: 'other@x.org', tenant: 't1', slug: 'as4', age: 1 }),
      ).rejects.toBeInstanceOf(UniqueConstraintError)
    }
    expect(reads).toEqual([0, 0])
  })

  it('unique checks see upserts (same row keeps its value), deletes and values freed in the same transaction', async () => {
    const { store, repo } = open(format)
    await repo.saveAll(people(0, 10))
    const five = (await repo.find(5)) as Person
    five.age = 55
    await repo.save(five) // its own email is no clash
    await expect(
      repo.create({ ...(people(50, 51)[0] as PersonData), email: 'zu5@x.org' }),
    ).rejects.toBeInstanceOf(UniqueConstraintError)
    await repo.delete(five)
    await repo.create({ ...(people(50, 51)[0] as PersonData), email: 'zu5@x.org' }) // freed by the delete
    await repo.deleteBy({ email: 'au6@x.org' })
    await repo.create({ ...(people(60, 61)[0] as PersonData), email: 'au6@x.org' })
    // Moving a value from one row to another in one commit.
    const seven = (await repo.find(7)) as Person
    seven.email = 'moved@x.org'
    await repo.save(seven)
    await repo.create({ ...(people(70, 71)[0] as PersonData), email: 'zu7@x.org' })
    await store.transaction((tx) => {
      tx.deleteBy(Person, { email: 'au8@x.org' })
      tx.create(Person, { ...(people(80, 81)[0] as PersonData), email: 'au8@x.org' })
    })
    await expect(
      store.transaction((tx) => {
        tx.deleteBy(Person, { email: 'zu9@x.org', age: 1000 }) // deletes nothing
        tx.create(Person, { ...(people(90, 91)[0] as PersonData), email: 'zu9@x.org' })
      }),
    ).rejects.toBeInstanceOf(UniqueConstraintError)
    expect(plain(await repo.findBy({ email: 'zu5@x.org' })).map((p) => p.id)).toEqual([50])
    expect(
      await repo.count({
        email: { in: ['zu5@x.org', 'au6@x.org', 'zu7@x.org', 'au8@x.org', 'moved@x.org'] },
      }),
    ).toBe(5)
  })

  it('vacuum deletes the index files of the data files it deletes and keeps the live ones', async () => {
    const { repo } = open(format)
    await repo.saveAll(people(0, 10))
    // Published (a read), so the next save's unique check reads this file's indexes, not the values pending here.
    expect(await repo.count()).toBe(10)
    await repo.saveAll(people(10, 20))
    expect(await repo.count({ name: 'zn15' })).toBe(1)
    const table = await repo.table()
    await table.compact()
    expect(await repo.count({ name: 'zn15' })).toBe(1) // the compacted file's index
    const indexDir = join(tmp.dir, 'people', INDEX_DIR)
    const before = (await readdir(indexDir)).filter((n) => n.endsWith('.pfidx'))
    const live = (await table.snapshot()).files.map((f) => f.add.path)
    expect(live).toHaveLength(1)
    const { deleted } = await table.vacuum({ retentionMs: 0, unreferencedMinAgeMs: 0 })
    expect(deleted).toHaveLength(2)
    // Vacuum sweeps the two old files' index files (name, plus email and tenant+slug of the one a unique check
    // saw); the live file's stay.
    const dead = before.filter((n) => !n.startsWith(`${live[0]}.`))
    expect(dead).toHaveLength(4)
    const after = (await readdir(indexDir)).filter((n) => n.endsWith('.pfidx'))
    expect(after.sort()).toEqual(before.filter((n) => !dead.includes(n)).sort())
    expect(await sweepIndexFiles(nodeFileSystem, join(tmp.dir, 'people'))).toEqual([])
    // The sweep itself: an index file whose data file is gone.
    const orphan = join(indexDir, 'part-00000000-0000-0000-0000-000000000000.parquet.name.pfidx')
    await writeFile(orphan, 'x')
    expect(await sweepIndexFiles(nodeFileSystem, join(tmp.dir, 'people'))).toEqual([
      `_pf/indexes/part-00000000-0000-0000-0000-000000000000.parquet.name.pfidx`,
    ])
    expect(await repo.count({ name: { in: ['zn15', 'an2'] } })).toBe(2)
  })

  it('rows deleted from a file (merge-on-read: by position) are never returned, by warm or rebuilt indexes', async () => {
    const { repo } = open(format)
    await repo.saveAll(people(0, 10, (i) => (i % 2 === 0 ? 'even' : spread('n', i))))
    expect(await repo.count({ name: 'even' })).toBe(5) // index built before the deletes
    await repo.delete(Object.assign(new Person(), { id: 4 }))
    await repo.deleteBy({ id: { in: [5, 6] } })
    const expectLive = async (r: Repository<Person>) => {
      expect((await r.findBy({ name: 'even' })).map((p) => p.id)).toEqual([0, 2, 8])
      expect(await r.count({ name: 'even' })).toBe(3)
      expect(await r.count({ name: { in: [spread('n', 5), spread('n', 7)] } })).toBe(1)
      expect((await r.findOne({ email: `${spread('u', 7)}@x.org` }))?.id).toBe(7)
      expect(await r.exists({ email: `${spread('u', 6)}@x.org` })).toBe(false)
    }
    await expectLive(repo)
    defaultIndexCache.clear()
    await rm(join(tmp.dir, 'people', INDEX_DIR), { recursive: true })
    await expectLive(open(format).repo)
    // The freed values are free again.
    await repo.create({ ...(people(4, 5)[0] as PersonData), id: 40 })
    expect((await repo.findBy({ email: `${spread('u', 4)}@x.org` })).map((p) => p.id)).toEqual([40])
  })

  it('a missing, truncated, damaged or foreign index file is rebuilt from the data file', async () => {
    const { repo } = open(format)
    await repo.saveAll(people(0, 20))
    await repo.saveAll(people(20, 40))
    expect(await repo.count({ name: 'zn25' })).toBe(1)
    const indexDir = join(tmp.dir, 'people', INDEX_DIR)
    const names = (await readdir(indexDir)).filter((n) => n.endsWith('.name.pfidx')).sort()
    expect(names).toHaveLength(2)
    const [a, b] = names.map((n) => join(indexDir, n)) as [string, string]
    const bytesA = await readFile(a)
    const bytesB = await readFile(b)
    const damage: [string, () => Promise<void>][] = [
      ['missing', () => rm(a)],
      ['truncated', () => writeFile(a, bytesA.subarray(0, bytesA.length - 3))],
      [
        'flipped byte',
        () => writeFile(a, Buffer.from(bytesA.map((x, i) => (i === bytesA.length - 2 ? x ^ 1 : x)))),
      ],
      ['garbage', () => writeFile(a, 'not an index')],
      ["the other file's index", () => writeFile(a, bytesB)],
    ]
    for (const [what, spoil] of damage) {
      await spoil()
      // A fresh process: nothing in memory.
      defaultIndexCache.clear()
      const fresh = open(format).repo
      expect(await fresh.count({ name: 'zn5' }), what).toBe(1)
      expect(await fresh.count({ name: 'zn25' }), what).toBe(1)
      expect(fresh.indexes.stats.builds, what).toBe(1)
      expect(fresh.indexes.stats.rejected, what).toBe(what === 'missing' ? 0 : 1)
      expect(await readFile(a), what).toEqual(bytesA) // rewritten whole
    }
    defaultIndexCache.clear()
    const again = open(format).repo
    expect(await again.count({ name: { in: ['zn5', 'zn25'] } })).toBe(2)
    expect(again.indexes.stats).toEqual({ builds: 0, loads: 2, rejected: 0 })
  })
})
