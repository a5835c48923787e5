import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pl from 'nodejs-polars'
import { afterAll, describe, expect, it } from 'vitest'
import { polarsSchemaForEntity } from '../table/polars-schema.js'
import { entityIRFor } from './__fixtures__/test-ir.js'
import { entitiesFromFrame, frameFromEntities } from './entity-frame-codec.js'

const ir = entityIRFor('Sample', {
  id: 'Int',
  big: 'BigInt',
  bigOpt: 'BigInt?',
  score: 'Float?',
  flag: 'Boolean',
  name: 'String?',
  dec: 'Decimal',
  at: 'DateTime',
  atOpt: 'DateTime?',
  day: 'Date?',
  role: 'enum:Role',
  json: 'Json?',
  bytes: 'Bytes?',
  tags: 'String[]',
  nums: 'Int[]?',
  bigs: 'BigInt[]',
  times: 'DateTime[]',
  days: 'Date[]',
})

class Sample {
  constructed = true
}

const rows = [
  {
    id: 1,
    big: 9007199254740993n,
    bigOpt: -9223372036854775808n,
    score: 1.25,
    flag: true,
    name: 'Ä ☃',
    dec: '12345678901234567890.123',
    at: new Date('2024-02-29T23:59:59.999Z'),
    atOpt: new Date(0),
    day: '2024-02-29',
    role: 'ADMIN',
    json: { a: [1, 'x', null], b: { c: true } },
    bytes: new Uint8Array([0, 1, 255]),
    tags: ['a', 'b'],
    nums: [1, -2],
    bigs: [9223372036854775807n],
    times: [new Date('1969-12-31T23:59:59.999Z')],
    days: ['1970-01-01', '1969-12-31'],
  },
  {
    id: 2,
    big: 0n,
    bigOpt: null,
    score: null,
    flag: false,
    name: null,
    dec: '-1',
    at: new Date('1900-01-01T00:00:00Z'),
    atOpt: null,
    day: null,
    role: 'MEMBER',
    json: null,
    bytes: null,
    tags: [],
    nums: null,
    bigs: [],
    times: [],
    days: [],
  },
]

const dir = mkdtempSync(join(tmpdir(), 'pf-codec-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('entity ⇄ frame codec', () => {
  it('builds columns with exactly the dtypes the table stores', () => {
    const df = frameFromEntities(ir.fields, rows)
    const expected = polarsSchemaForEntity(ir)
    for (const [column, dtype] of Object.entries(expected)) {
      expect([column, String(df.getColumn(column).dtype)]).toEqual([
        column,
        String(dtype).replace('Utf8', 'String'),
      ])
    }
    expect(String(df.getColumn('at').dtype)).toBe('DataType(Datetime(us,UTC))')
  })

  it('round-trips every type exactly, through a Parquet file', () => {
    const path = join(dir, 'sample.parquet')
    frameFromEntities(ir.fields, rows).writeParquet(path)
    const back = entitiesFromFrame<Sample>(ir.fields, pl.readParquet(path), Sample.prototype)
    expect(back.map((e) => ({ ...e }))).toEqual(rows)
    expect(typeof (back[0] as unknown as { id: unknown }).id).toBe('number')
    expect(typeof (back[0] as unknown as { big: unknown }).big).toBe('bigint')
    expect((back[0] as unknown as { bytes: unknown }).bytes).toBeInstanceOf(Uint8Array)
  })

  it('materialises without running the constructor, with the class prototype', () => {
    const back = entitiesFromFrame<Sample>(ir.fields, frameFromEntities(ir.fields, rows), Sample.prototype)
    expect(back[0]).toBeInstanceOf(Sample)
    expect(back[0]?.constructed).toBeUndefined()
  })

  it('materialises only the columns present (select)', () => {
    const df = frameFromEntities(ir.fields, rows).select('id', 'name')
    const back = entitiesFromFrame(ir.fields, df, Sample.prototype)
    expect(back.map((e) => ({ ...e }))).toEqual([
      { id: 1, name: 'Ä ☃' },
      { id: 2, name: null },
    ])
  })

  it('keeps microsecond storage: a stored microsecond value reads back as the millisecond floor', () => {
    const us = pl.Series('at', [1_700_000_000_123_456], pl.Int64).cast(pl.Datetime('us', 'UTC'))
    const f = ir.fields.filter((x) => x.name === 'at')
    const [e] = entitiesFromFrame<{ at: Date }>(f, pl.DataFrame([us]), Object.prototype)
    expect(e?.at.toISOString()).toBe('2023-11-14T22:13:20.123Z')
  })
})

describe('small frames (records) and large frames (columns, dictionaries) materialise the same values', () => {
  const safe = rows.map((r, i) =>
    i === 0 ? { ...r, big: 9007199254740991n, bigOpt: -42n, bigs: [-(2n ** 53n) + 1n] } : r,
  )
  const repeated = (n: number) => Array.from({ length: n }, (_, i) => ({ ...(safe[i % 2] as object), id: i }))

  it.each([
    ['2 rows (records)', 2],
    ['1,500 rows (columns)', 1_500],
    ['20,000 rows (columns, text through a dictionary)', 20_000],
  ])('%s', (_label, n) => {
    const input = repeated(n)
    const back = entitiesFromFrame<Sample>(ir.fields, frameFromEntities(ir.fields, input), Sample.prototype)
    expect(back.length).toBe(n)
    for (const i of [0, 1, n - 2, n - 1]) expect({ ...back[i] }).toEqual(input[i])
    expect(back[0]).toBeInstanceOf(Sample)
  })

  it('a small frame with an Int64 beyond 2^53 takes the exact column path', () => {
    const back = entitiesFromFrame<Sample>(ir.fields, frameFromEntities(ir.fields, rows), Sample.prototype)
    expect((back[0] as unknown as { big: bigint }).big).toBe(9007199254740993n)
    expect((back[0] as unknown as { bigs: bigint[] }).bigs).toEqual([9223372036854775807n])
  })
})

describe('list columns of only empty lists', () => {
  it('keep the declared element type', () => {
    const fields = entityIRFor('L', { id: 'Int', tags: 'String[]', nums: 'Int[]?', days: 'Date[]' }).fields
    const df = frameFromEntities(fields, [{ id: 1, tags: [], nums: null, days: [] }])
    expect(String(df.getColumn('tags').dtype)).toBe('DataType(List(DataType(String)))')
    expect(String(df.getColumn('nums').dtype)).toBe('DataType(List(DataType(Int64)))')
    expect(String(df.getColumn('days').dtype)).toBe('DataType(List(DataType(Date)))')
  })
})
