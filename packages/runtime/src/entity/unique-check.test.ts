import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, sep } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EntityIR, FieldIR } from '../schema/schema-ir.js'
import type { FileSystem } from '../table/file-system.js'
import { nodeFileSystem } from '../table/node-file-system.js'
import {
  Entity,
  EntityRegistry,
  openStore,
  registerEntity,
  UniqueConstraintError,
  withRegistry,
} from './index.js'

// The @unique check of a save asks the unique index only of the data files whose statistics may hold its values:
// the one-row files earlier saves wrote (each holding another value) need no index, so none is built or read.

class Member extends Entity {
  id!: number
  email!: string
}

const field = (name: string, id: number, type: 'Int' | 'String', extra: Partial<FieldIR> = {}): FieldIR => ({
  name,
  id,
  column: name,
  type: { kind: 'scalar', name: type },
  optional: false,
  isId: name === 'id',
  unique: false,
  index: false,
  ...extra,
})

const memberIr = (format: 'parquet' | 'avro'): EntityIR => ({
  name: 'Member',
  storage: 'members',
  format,
  primaryKey: ['id'],
  partitionBy: [],
  fields: [field('id', 1, 'Int'), field('email', 2, 'String', { unique: true })],
  relations: [],
  indexes: [],
  uniques: [['email']],
})

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pf-unique-'))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

/** The data files read (stat or bytes) through the store's file-system seam, index files excluded. */
function countingFileSystem(): { fs: FileSystem; touched: Set<string> } {
  const touched = new Set<string>()
  const isData = (p: string) => p.includes('part-') && !p.includes(`${sep}_pf${sep}`) && !p.endsWith('.tmp')
  const fs: FileSystem = Object.create(nodeFileSystem)
  fs.readFile = (p) => {
    if (isData(p)) touched.add(p)
    return nodeFileSystem.readFile(p)
  }
  fs.stat = (p) => {
    if (isData(p)) touched.add(p)
    return nodeFileSystem.stat(p)
  }
  return { fs, touched }
}

describe.each(['parquet', 'avro'] as const)('the unique check of a save (%s)', (format) => {
  it('indexes only files whose statistics may hold the value, and still finds every clash', async () => {
    const { fs, touched } = countingFileSystem()
    const store = openStore(dir, { fs })
    const registry = new EntityRegistry()
    withRegistry(registry, () => registerEntity(Member, memberIr(format)))
    const repo = withRegistry(registry, () => store.repository(Member))
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

    // A value one small file holds: that file's index only.
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
