import { describe, expect, it } from 'vitest'
import { memberClass, memberIR } from '../entity/__fixtures__/member-entity.js'
import { registeredRepository } from '../entity/__fixtures__/store-setup.js'
import { runWriters } from '../entity/__fixtures__/writer-processes.js'
import { openStore, UniqueConstraintError } from '../entity/index.js'
import { useTempDir } from '../table/__fixtures__/temp-dir.js'
import { defaultIndexCache } from './index-cache.js'

// Writers in other processes commit files this process's indexes have never seen: lookups and unique checks of a
// warm process must see them (the writers are entity-writer.ts in `unique` mode: the same emails, their own ids).

const tmp = useTempDir('pf-index-writers-')

/** The writers' Member (member-entity.ts), with @unique email. */
const Member = memberClass()

const repository = (format: 'parquet' | 'avro') =>
  registeredRepository(openStore(tmp.dir), Member, memberIR({ unique: true, format }))

describe.each(['parquet', 'avro'] as const)('indexes and writer processes (%s)', (format) => {
  it('a warm process sees what other processes committed; each contested email is stored once', async () => {
    const repo = repository(format)
    await repo.create({ id: 1, email: 'user7@example.com', writer: 'parent' })
    await repo.create({ id: 2, email: 'parent@example.com', writer: 'parent' })
    expect(await repo.count({ email: 'parent@example.com' })).toBe(1) // indexes warm in this process
    const results = await runWriters(
      [1000, 2000, 3000].map((from) => ['unique', tmp.dir, format, String(from), '8']),
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
    const cold = repository(format)
    expect(await cold.count({ email: { in: ['user3@example.com', 'fresh@example.com'] } })).toBe(2)
    expect(cold.indexes.stats.loads).toBeGreaterThan(0)
    const all = await cold.findAll()
    expect(new Set(all.map((m) => m.email)).size).toBe(all.length)
  }, 180_000)
})
