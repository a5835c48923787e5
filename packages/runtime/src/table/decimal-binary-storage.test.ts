// Decimal and Bytes as other engines see them: Parquet DECIMAL(p,s) and BYTE_ARRAY (binary), read back exactly by
// pf and by DuckDB; values that do not fit are refused naming Entity.field before anything is written.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
import { entityIRFor } from '../entity/__fixtures__/test-ir.js'
import * as pf from '../entity/index.js'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { binaryColumnsAsBase64 } from './binary-column-reader.js'
import { DecimalRangeError } from './decimal-range-error.js'
import { encodeParquet } from './parquet-encoder.js'

const tmp = useTempDir('pf-decimal-')

interface Order {
  id: number
  price: string
  fee: string | null
  amounts: string[] | null
  blob: Uint8Array | null
  blobs: Uint8Array[] | null
  at: Date
  status: string
  tags: string[] | null
}

const enums = [{ name: 'Status', values: ['OPEN', "IT'S DONE"] }]
const fields = {
  id: 'Int',
  price: 'Decimal(10,2)',
  fee: 'Decimal(38,18)?',
  amounts: 'Decimal(5,0)[]?',
  blob: 'Bytes?',
  blobs: 'Bytes[]?',
  at: 'DateTime',
  status: 'enum:Status',
  tags: 'String[]?',
}

function orders(): pf.Repository<Order> {
  class OrderEntity extends pf.Entity {}
  pf.withRegistry(new pf.EntityRegistry(), () =>
    pf.registerEntity(
      OrderEntity,
      { ...entityIRFor('Order', fields, { storage: 'orders' }), format: 'parquet' },
      enums,
    ),
  )
  return pf.openStore(tmp.dir).repository(OrderEntity) as unknown as pf.Repository<Order>
}

/** Data files of a table (not its log or pf's own files). */
function dataFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter(
      (p) =>
        p.endsWith('.parquet') &&
        !p.split(/[\\/]/).some((part) => part.startsWith('_') || part.startsWith('.')),
    )
    .map((p) => join(root, p))
}

const rows: Order[] = [
  {
    id: 1,
    price: '12345678.90',
    fee: '-12345678901234567890.123456789012345678',
    amounts: ['99999', '-99999', '0'],
    blob: new Uint8Array([0, 1, 2, 255]),
    blobs: [new Uint8Array([]), new Uint8Array([7])],
    at: new Date('2024-02-29T12:34:56.789Z'),
    status: "IT'S DONE",
    tags: ['a', 'b'],
  },
  {
    id: 2,
    price: '-0.05',
    fee: null,
    amounts: null,
    blob: null,
    blobs: null,
    at: new Date('1969-12-31T23:59:59.999Z'),
    status: 'OPEN',
    tags: null,
  },
  {
    id: 3,
    price: '7',
    fee: '0.000000000000000001',
    amounts: [],
    blob: new Uint8Array([]),
    blobs: [],
    at: new Date(0),
    status: 'OPEN',
    tags: [],
  },
]

describe('Decimal(p, s) and Bytes in Parquet tables', () => {
  it('pf and DuckDB read back exactly what was stored, with the SQL types a user would declare', async () => {
    const repo = orders()
    await repo.saveAll(rows.slice(0, 2))
    await repo.saveAll(rows.slice(2))
    // pf: decimals come back with exactly `scale` fraction digits, bytes as Uint8Array.
    const back = (await repo.findMany({ orderBy: { id: 'asc' } })).map((o) => ({ ...o }))
    expect(back).toEqual([
      { ...rows[0], fee: '-12345678901234567890.123456789012345678' },
      { ...rows[1], price: '-0.05' },
      { ...rows[2], price: '7.00', fee: '0.000000000000000001' },
    ])
    // where on a Decimal stays exact and numeric.
    const ids = async (where: pf.WhereInput<Order>) =>
      (await repo.findMany({ where, orderBy: { id: 'asc' } })).map((o) => o.id)
    expect(await ids({ price: { gt: '6.999' } })).toEqual([1, 3])
    expect(await ids({ price: '7.0' })).toEqual([3])
    expect(await ids({ fee: { lt: '0' } })).toEqual([1])

    const files = dataFiles(join(tmp.dir, 'orders'))
    expect(files.length).toBe(2)
    const duck = await (await DuckDBInstance.create(':memory:')).connect()
    try {
      const list = files.map((f) => `'${f.replaceAll("'", "''")}'`).join(', ')
      const described = await duck.runAndReadAll(`describe select * from read_parquet([${list}])`)
      expect(Object.fromEntries(described.getRows().map((r) => [String(r[0]), String(r[1])]))).toEqual({
        id: 'BIGINT',
        price: 'DECIMAL(10,2)',
        fee: 'DECIMAL(38,18)',
        amounts: 'DECIMAL(5,0)[]',
        blob: 'BLOB',
        blobs: 'BLOB[]',
        at: 'TIMESTAMP WITH TIME ZONE',
        status: 'VARCHAR',
        tags: 'VARCHAR[]',
      })
      const values = await duck.runAndReadAll(
        `select id, price::varchar as price, fee::varchar as fee, amounts::varchar as amounts, hex(blob) as blob,
           list_transform(blobs, lambda b: hex(b)) as blobs, epoch_us("at") as "at", status, tags
         from read_parquet([${list}]) order by id`,
      )
      expect(values.getRowObjectsJson()).toEqual([
        {
          id: '1',
          price: '12345678.90',
          fee: '-12345678901234567890.123456789012345678',
          amounts: '[99999, -99999, 0]',
          blob: '000102FF',
          blobs: ['', '07'],
          at: '1709210096789000',
          status: "IT'S DONE",
          tags: ['a', 'b'],
        },
        {
          id: '2',
          price: '-0.05',
          fee: null,
          amounts: null,
          blob: null,
          blobs: null,
          at: '-1000',
          status: 'OPEN',
          tags: null,
        },
        {
          id: '3',
          price: '7.00',
          fee: '0.000000000000000001',
          amounts: '[]',
          blob: '',
          blobs: [],
          at: '0',
          status: 'OPEN',
          tags: [],
        },
      ])
    } finally {
      duck.closeSync()
    }
  })

  it('a Decimal that does not fit is refused naming Entity.field, and nothing is written', async () => {
    const repo = orders()
    await repo.create(rows[1] as Order)
    const before = dataFiles(join(tmp.dir, 'orders')).length
    for (const price of ['123456789.00', '1.001', '1e5']) {
      const error = await repo.create({ ...(rows[0] as Order), price }).catch((e: unknown) => e)
      expect(error, price).toBeInstanceOf(pf.ValidationError)
      expect(String((error as Error).message)).toContain('Order.price')
    }
    const error = await repo.create({ ...(rows[0] as Order), amounts: ['100000'] }).catch((e: unknown) => e)
    expect((error as Error).message).toContain('Order.amounts[0]')
    expect(dataFiles(join(tmp.dir, 'orders')).length).toBe(before)
    expect(await repo.count()).toBe(1)
  })
})

describe('the Parquet encoders', () => {
  const entity = entityIRFor('Order', fields)
  it('a frame written directly (Table API) is checked too: DecimalRangeError names Entity.field', () => {
    const df = pl.DataFrame([pl.Series('id', [1], pl.Int64), pl.Series('price', ['0.001'], pl.Utf8)])
    expect(() => encodeParquet(df, 'zstd', { entity })).toThrow(DecimalRangeError)
    expect(() => encodeParquet(df, 'zstd', { entity })).toThrow(
      /Order\.price: 0\.001 has 3 digits after the point/,
    )
  })

  it('columns the table stores as text stay text; frames without decimal or bytes use polars', () => {
    const df = pl.DataFrame([pl.Series('id', [1], pl.Int64), pl.Series('price', ['1.5'], pl.Utf8)])
    const text = pl.readParquet(
      Buffer.from(encodeParquet(df, 'zstd', { entity, textStored: new Set(['price']) })),
    )
    expect(text.dtypes.map(String)).toEqual(['DataType(Int64)', 'DataType(String)'])
    const decimal = encodeParquet(df, 'zstd', { entity })
    expect(pl.readParquet(Buffer.from(decimal)).select(pl.col('price').cast(pl.Utf8)).toRecords()).toEqual([
      { price: '1.50' },
    ])
  })

  it('every unscaled value is exact: around 2^32, 2^53, 2^64 and the 38-digit limit, both signs', () => {
    const values = [
      '0',
      '-1',
      '4294967295',
      '4294967296',
      '-4294967296',
      '-4294967297',
      '9007199254740991',
      '-9007199254740991',
      '9007199254740993',
      '-9007199254740993',
      '18446744073709551616',
      '-18446744073709551617',
      '99999999999999999999999999999999999999',
      '-99999999999999999999999999999999999999',
    ]
    const wide = entityIRFor('W', { id: 'Int', price: 'Decimal(38,0)' })
    const df = pl.DataFrame([
      pl.Series(
        'id',
        values.map((_, i) => i),
        pl.Int64,
      ),
      pl.Series('price', values, pl.Utf8),
    ])
    const back = pl.readParquet(Buffer.from(encodeParquet(df, 'zstd', { entity: wide })))
    expect(back.select(pl.col('price').cast(pl.Utf8)).getColumn('price').toArray()).toEqual(values)
  })

  it('plain and unusual spellings convert exactly; malformed text is refused, never guessed', () => {
    const money = entityIRFor('M', { id: 'Int', price: 'Decimal(6,2)?' })
    const frame = (values: (string | null)[]) =>
      pl.DataFrame([
        pl.Series(
          'id',
          values.map((_, i) => i),
          pl.Int64,
        ),
        pl.Series('price', values, pl.Utf8),
      ])
    const values = ['1.5', '-0', '00012.30', '1.500', '-9999.99', '9999.990000', null, '0.01', '-0.1']
    const back = pl.readParquet(Buffer.from(encodeParquet(frame(values), 'zstd', { entity: money })))
    expect(back.select(pl.col('price').cast(pl.Utf8)).getColumn('price').toArray()).toEqual([
      '1.50',
      '0.00',
      '12.30',
      '1.50',
      '-9999.99',
      '9999.99',
      null,
      '0.01',
      '-0.10',
    ])
    for (const bad of ['1.', '.5', '+1', '1e5', '', '-', '1.2.3', '10000', '0.001', ' 1'])
      expect(() => encodeParquet(frame([bad]), 'zstd', { entity: money }), bad).toThrow(DecimalRangeError)
  })

  it('binary columns read back as the base64 text tables hold in memory', () => {
    const b64 = Buffer.from([0, 255, 10]).toString('base64')
    const df = pl.DataFrame([
      pl.Series('id', [1, 2], pl.Int64),
      pl.Series('blob', [b64, null], pl.Utf8),
      pl.Series('blobs', [[b64, ''], null], pl.List(pl.Utf8)),
    ])
    const bytes = encodeParquet(df, 'zstd', { entity })
    const read = binaryColumnsAsBase64(pl.readParquet(Buffer.from(bytes)))
    expect(read.toRecords()).toEqual(df.toRecords())
  })
})
