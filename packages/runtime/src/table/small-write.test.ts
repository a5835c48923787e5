// Small inserts written straight from JS values (small-rows.ts, small-parquet-writer.ts): the files hold what the
// polars path writes for the same rows, as pf and DuckDB read them, with the same add statistics; and a one-row
// create builds no polars frame of its rows.
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { entityIRFor } from '../entity/__fixtures__/test-ir.js'
import { frameFromEntities } from '../entity/entity-frame-codec.js'
import * as pf from '../entity/index.js'
import { ThriftCompactReader, type ThriftStruct } from '../format/thrift-compact-reader.js'
import { duckTableText } from './__fixtures__/duckdb-table-text.js'
import { logStats } from './__fixtures__/log-stats.js'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { RowBatch } from './row-batch.js'
import { smallColumnRange } from './small-parquet-writer.js'
import { createTable, openTable, type Table } from './table.js'

const tmp = useTempDir('pf-small-write-')
afterEach(() => {
  vi.restoreAllMocks()
})

interface Row {
  id: number
  big: bigint | null
  f: number | null
  b: boolean | null
  s: string | null
  dt: Date | null
  d: string | null
  j: unknown
  e: string | null
  req: string
}

const enums = [{ name: 'Color', values: ['RED', 'GREEN'] }]
const ir = (storage: string) =>
  entityIRFor(
    'Row',
    {
      id: 'Int',
      big: 'BigInt?',
      f: 'Float?',
      b: 'Boolean?',
      s: 'String?',
      dt: 'DateTime?',
      d: 'Date?',
      j: 'Json?',
      e: 'enum:Color?',
      req: 'String',
    },
    { storage },
  )

function repository(storage: string): pf.Repository<Row> {
  class RowEntity extends pf.Entity {}
  pf.withRegistry(new pf.EntityRegistry(), () =>
    pf.registerEntity(RowEntity, { ...ir(storage), format: 'parquet' }, enums),
  )
  return pf.openStore(tmp.dir).repository(RowEntity) as unknown as pf.Repository<Row>
}

const rows: Row[] = [
  {
    id: 1,
    big: -(2n ** 63n),
    f: Number.NaN,
    b: true,
    s: '',
    dt: new Date('0001-01-01T00:00:00.000Z'),
    d: '1970-01-01',
    j: { a: [1, 'x', null], ü: true },
    e: 'RED',
    req: 'ü漢字🙂 \u0000 end',
  },
  {
    id: Number.MAX_SAFE_INTEGER,
    big: 2n ** 63n - 1n,
    f: Number.POSITIVE_INFINITY,
    b: false,
    s: 'z'.repeat(300),
    dt: new Date(8.64e15),
    d: '2262-04-11',
    j: [1, 2],
    e: 'GREEN',
    req: '',
  },
  {
    id: -Number.MAX_SAFE_INTEGER,
    big: null,
    f: null,
    b: null,
    s: null,
    dt: null,
    d: null,
    j: null,
    e: null,
    req: 'x',
  },
  {
    id: 0,
    big: 0n,
    f: Number.NaN,
    b: true,
    s: 'Ω',
    dt: new Date(-1),
    d: '1969-12-31',
    j: 'text',
    e: 'RED',
    req: 'a\nb',
  },
  {
    id: 7,
    big: 12345678901234567n,
    f: 1.7976931348623157e308,
    b: false,
    s: '\uFEFFbom',
    dt: new Date('2024-02-29T12:34:56.789Z'),
    d: '2024-02-29',
    j: 0,
    e: null,
    req: 'q',
  },
  {
    id: 8,
    big: -1n,
    f: -0.5,
    b: null,
    s: 'Ω2',
    dt: new Date(1),
    d: null,
    j: { nested: { deep: [] } },
    e: 'GREEN',
    req: '',
  },
]

/** Who wrote a Parquet file (its footer's created_by). */
/** A Parquet file's footer: its created_by and, per column, which column order it declares (1: TYPE_ORDER). */
async function footerOf(path: string): Promise<{ createdBy: string; columnOrders: unknown }> {
  const { readFile } = await import('node:fs/promises')
  const bytes = new Uint8Array(await readFile(path))
  const n = bytes.length
  const length = Buffer.from(bytes.buffer, bytes.byteOffset, n).readUInt32LE(n - 8)
  const meta = new ThriftCompactReader(bytes.subarray(n - 8 - length, n - 8)).readStruct()
  const orders = meta.get(7) as ThriftStruct[] | undefined
  return {
    createdBy: Buffer.from(meta.get(6) as Uint8Array).toString('utf8'),
    columnOrders: orders?.map((o) => [...o.keys()]),
  }
}

describe('small inserts written from JS values', () => {
  it('hold what the polars path writes: pf and DuckDB read the same values, the log the same statistics', async () => {
    const fast = repository('fast')
    // One row per create (one file each), then a group commit of several rows in one file.
    for (const row of rows.slice(0, 3)) await fast.create(row)
    await Promise.all(rows.slice(3).map((row) => fast.create(row)))

    // The polars path: the same rows as frames, inserted through the table API.
    await repository('slow').create({ ...rows[0], id: 999 } as Row)
    const slow = await openTable(join(tmp.dir, 'slow'))
    await slow.deleteKeys([999])
    const fields = ir('slow').fields
    for (const row of rows.slice(0, 3)) await slow.insert(frameFromEntities(fields, [row]))
    await slow.insert(frameFromEntities(fields, rows.slice(3)))

    const fastTable = await openTable(join(tmp.dir, 'fast'))
    // Our files, with the footer parquet.thrift asks for: created_by as `<app> version <v>`, and column_orders
    // (TYPE_ORDER per column), without which min_value/max_value mean nothing to a reader.
    for (const file of (await fastTable.snapshot()).files) {
      const footer = await footerOf(join(fastTable.path, file.add.path))
      expect(footer.createdBy).toMatch(/^parquetframe version \d+\.\d+\.\d+/)
      expect(footer.columnOrders).toEqual(fields.map(() => [1]))
    }

    // pf reads back every value as written.
    const back = (await fast.findMany({ orderBy: { id: 'asc' } })).map((r) => ({ ...r }))
    expect(back).toEqual([...rows].sort((a, b) => a.id - b.id))

    // DuckDB: same SQL types and values as the polars-written files.
    const fastStats = await logStats(fastTable)
    expect(fastStats).toHaveLength(4)
    expect(fastStats).toEqual(await logStats(slow))
    const columns = ['id', 'big', 'f', 'b', 's', 'dt', 'd', 'j', 'e', 'req']
    const expected = await duckTableText(slow, columns)
    const actual = await duckTableText(fastTable, columns)
    expect(actual.types).toEqual(expected.types)
    expect(actual.rows).toEqual(expected.rows)
    expect((actual.rows as Record<string, unknown>[])[0]).toMatchObject({
      id: String(-Number.MAX_SAFE_INTEGER),
    })
    expect((actual.rows as Record<string, unknown>[]).find((r) => r.id === '1')).toMatchObject({
      big: String(-(2n ** 63n)),
      f: 'nan',
      s: '',
      req: 'ü漢字🙂 \u0000 end',
    })
  })

  it('a one-row create builds no polars frame of its rows', async () => {
    const repo = repository('spy')
    await repo.create(rows[0] as Row)
    const frame = vi.spyOn(RowBatch.prototype, 'frame')
    await repo.create(rows[1] as Row)
    expect(frame).not.toHaveBeenCalled()
    expect((await repo.find(Number.MAX_SAFE_INTEGER))?.big).toBe(2n ** 63n - 1n)
    // A create of a key that exists is refused as before, without a frame either.
    await expect(repo.create(rows[1] as Row)).rejects.toBeInstanceOf(pf.UniqueConstraintError)
    expect(frame).not.toHaveBeenCalled()
    expect(await repo.count()).toBe(2)
  })

  it('write renamed columns under their physical names (column mapping), as the polars path does', async () => {
    const before = entityIRFor('Item', { id: 'Int', qty: 'Int', label: 'String?' }, { storage: 'items' })
    const after = entityIRFor('Item', { id: 'Int', amount: 'Int', label: 'String?' }, { storage: 'items' })
    const item = { id: 1, amount: 5, label: 'ä' }
    const tables = await Promise.all(
      ['fast', 'slow'].map(async (name) => {
        const table = await createTable(join(tmp.dir, name), { entity: before })
        await table.evolveSchema(after, [], { renames: { qty: 'amount' } })
        return table
      }),
    )
    const [fast, slow] = tables as [Table, Table]
    const frame = vi.spyOn(RowBatch.prototype, 'frame')
    await fast.insertBatch(new RowBatch(after.fields, [item], frameFromEntities))
    expect(frame).not.toHaveBeenCalled()
    await slow.insert(frameFromEntities(after.fields, [item]))
    expect(await logStats(fast)).toEqual(await logStats(slow))
    expect((await (await fast.snapshot()).read()).toRecords()).toEqual([item])
    const [file] = (await fast.snapshot()).files
    const duck = await (await DuckDBInstance.create(':memory:')).connect()
    try {
      const read = await duck.runAndReadAll(
        `select * from read_parquet('${join(fast.path, file?.add.path ?? '').replaceAll("'", "''")}')`,
      )
      expect(read.getRowObjectsJS()).toEqual([{ id: 1n, qty: 5n, label: 'ä' }])
    } finally {
      duck.closeSync()
    }
  })

  it('values the JS path does not take go through the polars path, which validates them as before', async () => {
    const entity = entityIRFor(
      'Tagged',
      { id: 'Int', color: 'enum:Color', tags: 'String[]?' },
      { storage: 't' },
    )
    const table = await createTable(join(tmp.dir, 'tagged'), { entity, enums })
    const frame = vi.spyOn(RowBatch.prototype, 'frame')
    const insert = (row: object) => table.insertBatch(new RowBatch(entity.fields, [row], frameFromEntities))
    // A list field takes the JS path (no frame); the row is there.
    await insert({ id: 1, color: 'RED', tags: ['a', 'b'] })
    expect(frame).not.toHaveBeenCalled()
    expect((await (await table.snapshot()).read()).toRecords()).toEqual([
      { id: 1, color: 'RED', tags: ['a', 'b'] },
    ])
    // An unknown enum value and a null in a required field are refused by the conformer, naming the column.
    await expect(insert({ id: 2, color: 'BLUE', tags: null })).rejects.toMatchObject({
      name: 'TableSchemaError',
      message: expect.stringMatching(/color.*BLUE/),
    })
    await expect(insert({ id: 3, color: null, tags: null })).rejects.toMatchObject({
      name: 'TableSchemaError',
      message: expect.stringMatching(/color.*null/),
    })
    expect((await table.snapshot()).numRows).toBe(1)
  })
})

describe('small Parquet writer statistics', () => {
  it('writes a zero min as -0 and a zero max as +0 (Parquet float statistics), NaN never', () => {
    const range = (values: (number | null)[]) => smallColumnRange({ name: 'x', kind: 'double', values })
    const mixed = range([0, 1, Number.NaN, null])
    expect(Object.is(mixed.min, -0)).toBe(true)
    expect(mixed.max).toBe(1)
    expect(mixed.nullCount).toBe(1)
    const negative = range([-2, -0])
    expect(negative.min).toBe(-2)
    expect(Object.is(negative.max, 0)).toBe(true)
    expect(range([Number.NaN])).toEqual({ nullCount: 0 })
  })
})
