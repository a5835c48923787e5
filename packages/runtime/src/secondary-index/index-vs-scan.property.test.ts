import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
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
import { createTable } from '../table/table.js'
import { defaultDecodedFileCache } from './decoded-file-cache.js'
import { defaultIndexCache } from './index-cache.js'

// Index lookups must always equal the scan path's answer. `{ AND: [where] }` is the same filter, but the planner
// only probes indexes with conditions at the top level: it is the scan path's answer to compare with.

class Item extends Entity {
  id!: number
  name!: string | null
  n!: number | null
  email!: string | null
}

const field = (name: string, id: number, type: 'Int' | 'String', extra: Partial<FieldIR> = {}): FieldIR => ({
  name,
  id,
  column: name,
  type: { kind: 'scalar', name: type },
  optional: name !== 'id',
  isId: name === 'id',
  unique: false,
  index: false,
  ...extra,
})

const ir: EntityIR = {
  name: 'Item',
  storage: 'items',
  format: 'parquet',
  primaryKey: ['id'],
  partitionBy: [],
  fields: [
    field('id', 1, 'Int'),
    field('name', 2, 'String', { index: true }),
    field('n', 3, 'Int'),
    field('email', 4, 'String', { unique: true }),
  ],
  relations: [],
  indexes: [['name'], ['name', 'n']],
  uniques: [['email']],
}

const names = fc.constantFrom('a', 'b', 'c', '', 'é😀', null)
const ns = fc.constantFrom(-1, 0, 1, 2 ** 40, null)
const emails = fc.constantFrom('x', 'y', 'z', 'w', null)
const row = fc.record({ id: fc.integer({ min: 0, max: 25 }), name: names, n: ns, email: emails })

type Op =
  | { kind: 'saveAll'; rows: { id: number; name: string | null; n: number | null; email: string | null }[] }
  | { kind: 'create'; row: { id: number; name: string | null; n: number | null; email: string | null } }
  | { kind: 'delete'; id: number }
  | { kind: 'deleteBy'; name: string | null }
  | { kind: 'compact' }
  | { kind: 'vacuum' }
  | { kind: 'forget' }

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('saveAll' as const),
      rows: fc.array(row, { minLength: 1, maxLength: 6 }),
    }),
    weight: 4,
  },
  { arbitrary: fc.record({ kind: fc.constant('create' as const), row }), weight: 2 },
  {
    arbitrary: fc.record({ kind: fc.constant('delete' as const), id: fc.integer({ min: 0, max: 25 }) }),
    weight: 2,
  },
  { arbitrary: fc.record({ kind: fc.constant('deleteBy' as const), name: names }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'compact' as const }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'vacuum' as const }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'forget' as const }), weight: 1 },
)

const ids = (rows: readonly Item[]) => rows.map((r) => r.id)
const values = (rows: readonly Item[]) =>
  rows.map((r) => ({ id: r.id, name: r.name, n: r.n, email: r.email }))

async function apply(repo: Repository<Item>, o: Op): Promise<void> {
  try {
    switch (o.kind) {
      case 'saveAll':
        await repo.saveAll(o.rows)
        return
      case 'create':
        await repo.create(o.row).catch((e: unknown) => {
          // An existing key is the table's refusal, not a unique-field one.
          if (!(e instanceof UniqueConstraintError) || e.field !== 'id') throw e
        })
        return
      case 'delete':
        await repo.delete(Object.assign(new Item(), { id: o.id }))
        return
      case 'deleteBy':
        await repo.deleteBy({ name: o.name })
        return
      case 'compact':
        await (await repo.table()).compact()
        return
      case 'vacuum':
        await (await repo.table()).vacuum({ retentionMs: 0, unreferencedMinAgeMs: 0 })
        return
      case 'forget':
        defaultIndexCache.clear() // as a new process would: indexes come from their files
        defaultDecodedFileCache.clear()
        return
    }
  } catch (error) {
    if (!(error instanceof UniqueConstraintError) || error.field !== 'email') throw error
  }
}

/** Every lookup form agrees with the scan path, and `@unique` emails are unique among live rows. */
async function check(repo: Repository<Item>): Promise<void> {
  expect(await repo.explain({ where: { name: 'a', n: 1 } })).toMatchObject({ path: 'index', index: 'name+n' })
  for (const name of ['a', '', 'é😀']) {
    // Whole entities: an exact lookup fetches only the matched rows from decoded files.
    expect(values(await repo.findBy({ name })), name).toEqual(values(await repo.findBy({ AND: [{ name }] })))
    const page = { offset: 1, limit: 2 }
    expect(ids(await repo.findMany({ where: { name }, ...page }))).toEqual(
      ids(await repo.findMany({ where: { AND: [{ name }] }, ...page })),
    )
    expect((await repo.findOne({ name }))?.id).toBe((await repo.findOne({ AND: [{ name }] }))?.id)
    expect(await repo.count({ name })).toBe(await repo.count({ AND: [{ name }] }))
    expect(await repo.exists({ name })).toBe(await repo.exists({ AND: [{ name }] }))
    const where = { name, n: { in: [2 ** 40, 1] } }
    expect(ids(await repo.findBy(where))).toEqual(ids(await repo.findBy({ AND: [where] })))
    expect(await repo.count(where)).toBe(await repo.count({ AND: [where] }))
  }
  // `in` with null also matches null rows, which no index holds.
  const withNull = { name: { in: ['a', null] } }
  expect(ids(await repo.findBy(withNull))).toEqual(ids(await repo.findBy({ AND: [withNull] })))
  const either = { name: { in: ['c', 'a'] } }
  expect(values(await repo.findBy(either))).toEqual(values(await repo.findBy({ AND: [either] })))
  const both = { name: { in: ['a', 'c'] }, email: { in: ['x', 'y', 'nobody'] } }
  expect(ids(await repo.findMany({ where: both, orderBy: { id: 'asc' } }))).toEqual(
    ids(await repo.findMany({ where: { AND: [both] }, orderBy: { id: 'asc' } })),
  )
  const all = await repo.findAll()
  const used = all.flatMap((r) => (r.email === null ? [] : [r.email]))
  expect(new Set(used).size, 'unique emails').toBe(used.length)
  for (const email of ['x', 'y', 'z', 'w']) {
    expect(await repo.count({ email })).toBe(used.filter((e) => e === email).length)
  }
}

describe.each(['merge-on-read', 'copy-on-write'] as const)('index lookups equal scans (%s)', (updateMode) => {
  it('after random saves, upserts, deletes, compaction, vacuum and cold starts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), async (ops) => {
        const dir = await mkdtemp(join(tmpdir(), 'pf-index-prop-'))
        try {
          await createTable(join(dir, 'items'), { entity: ir, updateMode })
          const registry = new EntityRegistry()
          withRegistry(registry, () => registerEntity(Item, ir))
          const repo = withRegistry(registry, () => openStore(dir).repository(Item))
          for (const o of ops) {
            await apply(repo, o)
            await check(repo)
          }
        } finally {
          await rm(dir, { recursive: true, force: true, maxRetries: 5 })
        }
      }),
      { numRuns: 5 },
    )
  }, 600_000)
})
