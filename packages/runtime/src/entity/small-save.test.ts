// Saves of a few entities (save of a changed entity, upsert, saveAll) take the small-write path as creates do: no
// polars frame of their rows and no polars encoder call; the update is a deletion vector plus one new small file.
// The files hold what the polars path writes for the same writes, as DuckDB reads them.
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { duckTableText } from '../table/__fixtures__/duckdb-table-text.js'
import { logStats } from '../table/__fixtures__/log-stats.js'
import { useTempDir } from '../table/__fixtures__/temp-dir.js'
import { encodeParquet } from '../table/parquet-encoder.js'
import { RowBatch } from '../table/row-batch.js'
import { createTable, openTable } from '../table/table.js'
import { entityIRFor } from './__fixtures__/test-ir.js'
import { frameFromEntities } from './entity-frame-codec.js'
import * as pf from './index.js'

vi.mock('../table/parquet-encoder.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../table/parquet-encoder.js')>()
  return { ...actual, encodeParquet: vi.fn(actual.encodeParquet) }
})

const tmp = useTempDir('pf-small-save-')
afterEach(() => {
  vi.restoreAllMocks()
})

interface Person {
  id: number
  name: string
  email: string | null
  age: number
  score: number
}

const ir = (storage: string, uniqueEmail = false) =>
  entityIRFor(
    'Person',
    { id: 'Int', name: 'String', email: 'String?', age: 'Int', score: 'Float' },
    { storage, ...(uniqueEmail ? { uniqueFields: ['email'] } : {}) },
  )

function repository(storage: string, uniqueEmail = false): pf.Repository<Person> {
  class PersonEntity extends pf.Entity {}
  pf.withRegistry(new pf.EntityRegistry(), () => pf.registerEntity(PersonEntity, ir(storage, uniqueEmail)))
  return pf.openStore(tmp.dir).repository(PersonEntity) as unknown as pf.Repository<Person>
}

const person = (id: number, age = 20 + id): Person => ({
  id,
  name: `n${id}`,
  email: `p${id}@x`,
  age,
  score: id / 4,
})

describe('small saves written from JS values', () => {
  it('save of a changed entity, upsert and saveAll build no frame and call no polars encoder; DuckDB reads what the polars path writes', async () => {
    const fast = repository('fast')
    await fast.saveAll([1, 2, 3, 4, 5].map((id) => person(id)))
    const frame = vi.spyOn(RowBatch.prototype, 'frame')
    vi.mocked(encodeParquet).mockClear()

    const two = (await fast.find(2)) as Person
    two.age = 99
    two.email = null
    await fast.save(two)
    await fast.upsert({ ...person(3), name: 'three' })
    await fast.upsert(person(6))
    await fast.saveAll([person(1, 50), person(7)])

    expect(frame).not.toHaveBeenCalled()
    expect(encodeParquet).not.toHaveBeenCalled()
    const expected = [
      person(1, 50),
      { ...person(2), age: 99, email: null },
      { ...person(3), name: 'three' },
      person(4),
      person(5),
      person(6),
      person(7),
    ]
    expect((await fast.findMany({ orderBy: { id: 'asc' } })).map((p) => ({ ...p }))).toEqual(expected)

    // The same writes as frames through the table API (the polars path).
    const fields = ir('slow').fields
    const slow = await createTable(join(tmp.dir, 'slow'), { entity: ir('slow') })
    await slow.upsert(
      frameFromEntities(
        fields,
        [1, 2, 3, 4, 5].map((id) => person(id)),
      ),
    )
    await slow.upsert(frameFromEntities(fields, [{ ...person(2), age: 99, email: null }]))
    await slow.upsert(frameFromEntities(fields, [{ ...person(3), name: 'three' }]))
    await slow.upsert(frameFromEntities(fields, [person(6)]))
    await slow.upsert(frameFromEntities(fields, [person(1, 50), person(7)]))
    expect(encodeParquet).toHaveBeenCalled()

    const fastTable = await openTable(join(tmp.dir, 'fast'))
    // One file per save; the replaced rows (all in the first file) hidden by its deletion vector: nothing rewritten.
    const files = (await fastTable.snapshot()).files
    expect(files).toHaveLength(5)
    expect(
      files.filter((f) => f.add.deletionVector !== undefined).map((f) => f.add.deletionVector?.cardinality),
    ).toEqual([3])
    expect(await logStats(fastTable)).toEqual(await logStats(slow))
    const columns = ['id', 'name', 'email', 'age', 'score']
    const want = await duckTableText(slow, columns, 'all')
    const got = await duckTableText(fastTable, columns, 'all')
    expect(got.types).toEqual(want.types)
    expect(got.rows).toEqual(want.rows)
    expect(idsAndAges(await fastTable.read())).toEqual(idsAndAges(await slow.read()))
  })

  it('a save of an @unique entity is checked from its JS values: its own stored value is replaced, another row holding it clashes', async () => {
    const repo = repository('unique', true)
    await repo.saveAll([person(1), person(2)])
    const frame = vi.spyOn(RowBatch.prototype, 'frame')
    vi.mocked(encodeParquet).mockClear()

    const one = (await repo.find(1)) as Person
    one.age = 77
    await repo.save(one)
    await repo.upsert({ ...person(3), email: 'free@x' })
    const clash = await repo.upsert({ ...person(4), email: 'p2@x' }).catch((e: unknown) => e)
    expect(clash).toBeInstanceOf(pf.UniqueConstraintError)
    const taken = await repo
      .save({ ...(await repo.find(1)), email: 'free@x' } as Person)
      .catch((e: unknown) => e)
    expect(taken).toBeInstanceOf(pf.UniqueConstraintError)

    expect(frame).not.toHaveBeenCalled()
    expect(encodeParquet).not.toHaveBeenCalled()
    expect((await repo.findMany({ orderBy: { id: 'asc' } })).map((p) => [p.id, p.email, p.age])).toEqual([
      [1, 'p1@x', 77],
      [2, 'p2@x', 22],
      [3, 'free@x', 23],
    ])
  })

  it('saveAll with a key twice keeps the last (the polars path, as before)', async () => {
    const repo = repository('twice')
    await repo.saveAll([person(1), person(1, 70), person(2)])
    expect((await repo.findMany({ orderBy: { id: 'asc' } })).map((p) => [p.id, p.age])).toEqual([
      [1, 70],
      [2, 22],
    ])
  })
})

function idsAndAges(df: { toRecords(): Record<string, unknown>[] }): unknown[] {
  return df
    .toRecords()
    .map((r) => [r.id, r.age, r.email])
    .sort((a, b) => Number(a[0]) - Number(b[0]))
}
