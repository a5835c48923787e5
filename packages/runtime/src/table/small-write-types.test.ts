// Decimal, Bytes and list fields on the small-write path (small-rows.ts, small-parquet-writer.ts): a table whose
// files come from both paths has one schema in every file (schema elements and ARROW:schema equal to the polars or
// arrow-rs writer's), and pf, polars and DuckDB read it as a table written by the polars/arrow path only, with the
// same add statistics.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import pl from 'nodejs-polars'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { entityIRFor } from '../entity/__fixtures__/test-ir.js'
import { frameFromEntities } from '../entity/entity-frame-codec.js'
import * as pf from '../entity/index.js'
import { ThriftCompactReader, type ThriftStruct, type ThriftValue } from '../format/thrift-compact-reader.js'
import { tableFromIPC } from '../vendor/apache-arrow.js'
import { duckTableText } from './__fixtures__/duckdb-table-text.js'
import { logStats } from './__fixtures__/log-stats.js'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { ipcStreamOf } from './polars-ipc.js'
import { RowBatch } from './row-batch.js'
import { openTable, type Table } from './table.js'

const tmp = useTempDir('pf-small-types-')
afterEach(() => {
  vi.restoreAllMocks()
})

type Row = Record<string, unknown> & { id: number }

const enums = [{ name: 'Color', values: ['RED', 'GREEN'] }]
const bytes = (...b: number[]) => new Uint8Array(b)

/** Decimal and Bytes fields (the arrow-rs layout: those tables' files are written by arrow-rs). */
const decimalFields = {
  id: 'Int',
  d9: 'Decimal(9,2)?',
  d18: 'Decimal(18,4)',
  d19: 'Decimal(19,0)?',
  d38: 'Decimal(38,10)?',
  blob: 'Bytes?',
  decs: 'Decimal(5,0)[]?',
  wide: 'Decimal(38,0)[]?',
  blobs: 'Bytes[]?',
  tags: 'String[]?',
  at: 'DateTime?',
}
const decimalRows: Row[] = [
  {
    id: 1,
    d9: '-9999999.99',
    d18: '99999999999999.9999',
    d19: '-9999999999999999999',
    d38: '9999999999999999999999999999.9999999999',
    blob: bytes(),
    decs: ['-99999', '0', '99999'],
    wide: ['-99999999999999999999999999999999999999', '99999999999999999999999999999999999999'],
    blobs: [bytes(), bytes(0), bytes(255, 0, 1)],
    tags: [],
    at: new Date('2024-02-29T12:34:56.789Z'),
  },
  {
    id: 2,
    d9: null,
    d18: '-0.0001',
    d19: null,
    d38: null,
    blob: null,
    decs: null,
    wide: [],
    blobs: null,
    tags: null,
    at: null,
  },
  {
    id: 3,
    d9: '0.5',
    d18: '0',
    d19: '1',
    d38: '-0.0000000001',
    blob: bytes(0, 0, 0),
    decs: [],
    wide: ['-1'],
    blobs: [],
    tags: ['ü', ''],
    at: new Date(-1),
  },
  {
    id: 4,
    d9: '1234567.8',
    d18: '-99999999999999.9999',
    d19: '9999999999999999999',
    d38: '-9999999999999999999999999999.9999999999',
    blob: bytes(...Array.from({ length: 300 }, (_, i) => i % 256)),
    decs: ['7'],
    wide: null,
    blobs: [bytes(1), bytes(1), bytes()],
    tags: ['z'],
    at: new Date(0),
  },
  {
    id: 5,
    d9: '-0.01',
    d18: '1.5',
    d19: '0',
    d38: '0',
    blob: bytes(128),
    decs: ['-1', '-2', '-3', '-4', '-5', '-6', '-7', '-8', '-9', '-10'],
    wide: ['0'],
    blobs: [bytes(9)],
    tags: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'],
    at: new Date(8.64e15),
  },
  {
    id: 6,
    d9: '0',
    d18: '12.34',
    d19: '-1',
    d38: '1',
    blob: bytes(0xff, 0xfe),
    decs: ['0'],
    wide: ['12345678901234567890123456789012345678'],
    blobs: [],
    tags: [],
    at: null,
  },
]

/** Lists of every other element type, no Decimal/Bytes field (the polars layout). */
const listFields = {
  id: 'Int',
  ints: 'Int[]',
  bigs: 'BigInt[]?',
  floats: 'Float[]?',
  flags: 'Boolean[]?',
  texts: 'String[]?',
  times: 'DateTime[]?',
  days: 'Date[]?',
  docs: 'Json[]?',
  colors: 'enum:Color[]?',
}
const listRows: Row[] = [
  {
    id: 1,
    ints: [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 0],
    bigs: [-(2n ** 63n), 2n ** 63n - 1n],
    floats: [Number.NaN, -0, 1.5, Number.NEGATIVE_INFINITY],
    flags: [true, false, true],
    texts: ['ü漢字🙂', '', 'a\u0000b'],
    times: [new Date('0001-01-01T00:00:00.000Z'), new Date(8.64e15)],
    days: ['1970-01-01', '2262-04-11', '0001-01-01'],
    docs: [null, { a: [1, null] }, 'x', null],
    colors: ['RED', 'GREEN', 'RED'],
  },
  {
    id: 2,
    ints: [],
    bigs: null,
    floats: null,
    flags: null,
    texts: null,
    times: null,
    days: null,
    docs: null,
    colors: null,
  },
  {
    id: 3,
    ints: [5],
    bigs: [],
    floats: [],
    flags: [],
    texts: [],
    times: [],
    days: [],
    docs: [],
    colors: [],
  },
  {
    id: 4,
    ints: Array.from({ length: 40 }, (_, i) => i - 20),
    bigs: [0n],
    floats: [0],
    flags: [false],
    texts: Array.from({ length: 20 }, (_, i) => `t${i}`),
    times: [new Date(-1)],
    days: ['1969-12-31'],
    docs: [null],
    colors: ['GREEN'],
  },
  {
    id: 5,
    ints: [1, 1],
    bigs: [-1n, 1n],
    floats: [Number.POSITIVE_INFINITY],
    flags: [true],
    texts: ['Ω'],
    times: [new Date('2024-02-29T12:34:56.789Z')],
    days: ['2024-02-29'],
    docs: [0, [], {}],
    colors: [],
  },
]

interface Case {
  readonly name: string
  readonly fields: Record<string, string>
  readonly rows: Row[]
  /** The writer of the table's polars/arrow-path files, by its footer's created_by. */
  readonly writer: RegExp
  /** The name of a list's element in the footer schema. */
  readonly element: string
}

const cases: Case[] = [
  {
    name: 'Decimal, Bytes and their lists',
    fields: decimalFields,
    rows: decimalRows,
    writer: /^parquet-rs/,
    element: 'item',
  },
  {
    name: 'lists of every other type',
    fields: listFields,
    rows: listRows,
    writer: /^Polars/,
    element: 'element',
  },
]

function repository(c: Case, storage: string): pf.Repository<Row> {
  class RowEntity extends pf.Entity {}
  pf.withRegistry(new pf.EntityRegistry(), () =>
    pf.registerEntity(RowEntity, { ...entityIRFor('Row', c.fields, { storage }), format: 'parquet' }, enums),
  )
  return pf.openStore(tmp.dir).repository(RowEntity) as unknown as pf.Repository<Row>
}

/** A Parquet file's footer (FileMetaData). */
async function footerOf(path: string): Promise<ThriftStruct> {
  const data = new Uint8Array(await readFile(path))
  const n = data.length
  const length = Buffer.from(data.buffer, data.byteOffset, n).readUInt32LE(n - 8)
  return new ThriftCompactReader(data.subarray(n - 8 - length, n - 8)).readStruct()
}

const utf8 = (v: ThriftValue | undefined) =>
  v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : undefined

/** What a reader takes a file's types from: its schema elements, each column's physical type, its ARROW:schema. */
function schemaOf(meta: ThriftStruct): unknown {
  const [group] = meta.get(4) as [ThriftStruct]
  const chunks = (group.get(1) as ThriftStruct[]).map((c) => {
    const m = c.get(3) as ThriftStruct
    return { type: m.get(1), path: (m.get(3) as Uint8Array[]).map((p) => utf8(p)) }
  })
  const kv = (meta.get(5) as ThriftStruct[] | undefined) ?? []
  const arrow = kv.filter((e) => utf8(e.get(1)) === 'ARROW:schema').map((e) => utf8(e.get(2)))
  return { elements: meta.get(2), chunks, arrow }
}

async function files(table: Table): Promise<string[]> {
  return (await table.snapshot()).files.map((f) => join(table.path, f.add.path))
}

/** Every file read by polars itself (no pf conversions), as Arrow sees the frames: types and rows by id. */
async function polarsRead(table: Table): Promise<{ types: string[]; rows: unknown[] }> {
  const frames = (await files(table)).map((f) => pl.readParquet(f))
  const all = tableFromIPC(ipcStreamOf(pl.concat(frames, { how: 'vertical' }).sort('id')))
  return {
    types: all.schema.fields.map((f) => `${f.name}: ${String(f.type)}`),
    rows: all.toArray().map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))),
  }
}

describe.each(cases)('small inserts of $name', (c) => {
  it('have the schema of the polars/arrow-path files; pf, polars and DuckDB read both paths alike', async () => {
    const fields = entityIRFor('Row', c.fields).fields
    const frame = vi.spyOn(RowBatch.prototype, 'frame')
    // Mixed: one row per create (one small file each), two rows through the polars/arrow path, then a group commit
    // of the remaining creates (one small file).
    const fast = repository(c, 'mixed')
    for (const row of c.rows.slice(0, 2)) await fast.create(row)
    expect(frame).not.toHaveBeenCalled()
    const mixed = await openTable(join(tmp.dir, 'mixed'))
    await mixed.insert(frameFromEntities(fields, c.rows.slice(2, 4)))
    await Promise.all(c.rows.slice(4).map((row) => fast.create(row)))
    expect(frame).not.toHaveBeenCalled()

    // Reference: the same rows in the same files, all through the polars/arrow path.
    const slowRepo = repository(c, 'slow')
    await slowRepo.create({ ...(c.rows[0] as Row), id: 999 })
    const slow = await openTable(join(tmp.dir, 'slow'))
    await slow.deleteKeys([999])
    for (const row of c.rows.slice(0, 2)) await slow.insert(frameFromEntities(fields, [row]))
    await slow.insert(frameFromEntities(fields, c.rows.slice(2, 4)))
    await slow.insert(frameFromEntities(fields, c.rows.slice(4)))

    // Every file of both tables: one schema (elements, physical types, ARROW:schema), as the table's writer has it.
    const reference = await footerOf((await files(slow))[0] as string)
    expect(utf8(reference.get(6))).toMatch(c.writer)
    const elementNames = (reference.get(2) as ThriftStruct[]).map((e) => utf8(e.get(4)))
    expect(elementNames).toContain(c.element)
    const allFiles = [...(await files(mixed)), ...(await files(slow))]
    expect(allFiles).toHaveLength(8)
    for (const file of allFiles) expect(schemaOf(await footerOf(file)), file).toEqual(schemaOf(reference))

    // The add statistics of each file equal those the polars/arrow path computes for the same rows.
    expect(await logStats(mixed)).toEqual(await logStats(slow))

    // pf reads the same entities (and what was written).
    const back = (await fast.findMany({ orderBy: { id: 'asc' } })).map((r) => ({ ...r }))
    expect(back).toEqual((await slowRepo.findMany({ orderBy: { id: 'asc' } })).map((r) => ({ ...r })))
    expect(back.map((r) => r.id)).toEqual(c.rows.map((r) => r.id))
    // polars and DuckDB read the same types and values.
    expect(await polarsRead(mixed)).toEqual(await polarsRead(slow))
    const columns = Object.keys(c.fields)
    const expected = await duckTableText(slow, columns)
    expect(await duckTableText(mixed, columns)).toEqual(expected)
    expect(JSON.stringify(expected.rows)).not.toBe('[]')
  })
})

describe('small inserts read back exactly', () => {
  it('keep every Decimal digit, empty Bytes, empty lists and Json nulls in lists', async () => {
    const decimals = repository(cases[0] as Case, 'decimals')
    for (const row of decimalRows) await decimals.create(row)
    const first = await decimals.find(1)
    expect(first?.d38).toBe('9999999999999999999999999999.9999999999')
    expect(first?.d19).toBe('-9999999999999999999')
    expect(first?.wide).toEqual([
      '-99999999999999999999999999999999999999',
      '99999999999999999999999999999999999999',
    ])
    expect(first?.blob).toEqual(bytes())
    expect(first?.blobs).toEqual([bytes(), bytes(0), bytes(255, 0, 1)])
    expect((await decimals.find(2))?.wide).toEqual([])
    expect((await decimals.find(3))?.d38).toBe('-0.0000000001')
    const lists = repository(cases[1] as Case, 'lists')
    for (const row of listRows) await lists.create(row)
    expect((await lists.find(1))?.docs).toEqual([null, { a: [1, null] }, 'x', null])
    expect((await lists.find(2))?.ints).toEqual([])
    expect((await lists.find(1))?.bigs).toEqual([-(2n ** 63n), 2n ** 63n - 1n])
  })
})
