import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runWriters } from '../entity/__fixtures__/writer-processes.js'
import {
  Entity,
  EntityRegistry,
  openStore,
  type Repository,
  registerEntity,
  UniqueConstraintError,
  withRegistry,
} from '../entity/index.js'
import type { EntityIR, FieldIR } from '../schema/schema-ir.js'
import { defaultIndexCache } from './index-cache.js'

// Writers in other processes commit files this process's indexes have never seen: lookups and unique checks of a
// warm process must see them (the writers are entity-writer.ts in `unique` mode: the same emails, their own ids).

class Member extends Entity {
  id!: number
  email!: string
  writer!: string
}

const field = (name: string, id: number, unique = false): FieldIR => ({
  name,
  id,
  column: name,
  type: { kind: 'scalar', name: name === 'id' ? 'Int' : 'String' },
  optional: false,
  isId: name === 'id',
  unique,
  index: false,
})

const memberIr = (format: 'parquet' | 'avro'): EntityIR => ({
  name: 'Member',
  storage: 'members',
  format,
  primaryKey: ['id'],
  partitionBy: [],
  fields: [field('id', 1), field('email', 2, true), field('writer', 3)],
  relations: [],
  indexes: [],
  uniques: [['email']],
})

function repository(dir: string, format: 'parquet' | 'avro'): Repository<Member> {
  const registry = new EntityRegistry()
  withRegistry(registry, () => registerEntity(Member, memberIr(format)))
  return withRegistry(registry, () => openStore(dir).repository(Member))
}

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pf-index-writers-'))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

describe.each(['parquet', 'avro'] as const)('indexes and writer processes (%s)', (format) => {
  it('a warm process sees what other processes committed; each contested email is stored once', async () => {
    const repo = repository(dir, format)
    await repo.create({ id: 1, email: 'user7@example.com', writer: 'parent' })
    await repo.create({ id: 2, email: 'parent@example.com', writer: 'parent' })
    expect(await repo.count({ email: 'parent@example.com' })).toBe(1) // indexes warm in this process
    const results = await runWriters(
      [1000, 2000, 3000].map((from) => ['unique', dir, format, String(from), '8']),
    )
    // user0..user7: user7 was taken by this process, the other seven go to exactly one writer each.
    expect(results.reduce((n, r) => n + r.saved, 0)).toBe(7)
    expect(results.reduce((n, r) => n + r.rejected, 0)).toBe(17)
    for (let i = 0; i < 8; i++) {
      const email = `user${i}@example.com`
      expect(await repo.explain({ where: { email } })).toMatchObject({ path: 'index', rows: 1 })
      expect(await repo.count({ email })).toBe(1)
      expect((await repo.findBy({ email })).map((m) => m.id)).toEqual(
        (await repo.findBy({ AND: [{ email }] })).map((m) => m.id),
      )
      await expect(repo.create({ id: 10 + i, email, writer: 'parent' })).rejects.toBeInstanceOf(
        UniqueConstraintError,
      )
    }
    await repo.create({ id: 50, email: 'fresh@example.com', writer: 'parent' })
    // A cold process reads the index files the writers left.
    defaultIndexCache.clear()
    const cold = repository(dir, format)
    expect(await cold.count({ email: { in: ['user3@example.com', 'fresh@example.com'] } })).toBe(2)
    expect(cold.indexes.stats.loads).toBeGreaterThan(0)
    const all = await cold.findAll()
    expect(new Set(all.map((m) => m.email)).size).toBe(all.length)
  }, 180_000)
})
