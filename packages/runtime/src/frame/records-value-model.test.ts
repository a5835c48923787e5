import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import pl from 'nodejs-polars'
import { beforeAll, describe, expect, it } from 'vitest'
import { useSharedTempDir } from '../table/__fixtures__/temp-dir.js'
import { Frame } from './frame.js'
import { read } from './read-frame.js'

const MAX_I64 = 9223372036854775807n
const MIN_I64 = -9223372036854775808n

const int64 = (name: string, values: (string | null)[]) => pl.Series(name, values, pl.Utf8).cast(pl.Int64)
const records = (...series: pl.Series[]) => Frame.fromDataFrame(pl.DataFrame(series)).toRecords()

describe('toRecords() value model', () => {
  it('returns an Int64 column holding 2^63-1 exactly, as bigints for the whole column', async () => {
    const rows = await records(int64('id', [String(MAX_I64), '1', null, String(MIN_I64)]))
    expect(rows.map((r) => r.id)).toEqual([MAX_I64, 1n, null, MIN_I64])
  })

  it('returns an Int64 column of safe integers as numbers (2^53-1 included)', async () => {
    const rows = await records(int64('n', ['9007199254740991', '-9007199254740991', null]))
    expect(rows.map((r) => r.n)).toEqual([9007199254740991, -9007199254740991, null])
  })

  it('treats 2^53 as beyond the safe range', async () => {
    const rows = await records(int64('n', ['9007199254740992', '0']))
    expect(rows.map((r) => r.n)).toEqual([9007199254740992n, 0n])
  })

  it('returns UInt64 beyond 2^63 exactly', async () => {
    const rows = await records(pl.Series('u', ['18446744073709551615', '2'], pl.Utf8).cast(pl.UInt64))
    expect(rows.map((r) => r.u)).toEqual([18446744073709551615n, 2n])
  })

  it('returns decimals as exact strings with their scale', async () => {
    const series = pl.Series('d', ['-12345678901234567890.12', '0.05', null], pl.Utf8).cast(pl.Decimal(38, 2))
    expect((await records(series)).map((r) => r.d)).toEqual(['-12345678901234567890.12', '0.05', null])
  })

  it('returns binary as Uint8Array', async () => {
    const rows = await records(pl.Series('b', ['00ff10', '', null], pl.Utf8).str.decode('hex'))
    expect(rows.map((r) => r.b)).toEqual([new Uint8Array([0, 255, 16]), new Uint8Array([]), null])
  })

  it('keeps 64-bit integers exact inside lists and structs, with the same per-column rule', async () => {
    const lists = pl
      .Series('l', [[String(MAX_I64), '1'], null, ['2']], pl.List(pl.Utf8))
      .cast(pl.List(pl.Int64))
    const safe = pl.Series('s', [[1, 2], [3], null], pl.List(pl.Int64))
    const rows = await records(lists, safe)
    expect(rows.map((r) => r.l)).toEqual([[MAX_I64, 1n], null, [2n]])
    expect(rows.map((r) => r.s)).toEqual([[1, 2], [3], null])
    const struct = await Frame.fromDataFrame(
      pl
        .DataFrame([int64('big', [String(MAX_I64)]), pl.Series('name', ['x'])])
        .select(pl.struct([pl.col('big'), pl.col('name')]).alias('st')),
    ).toRecords()
    expect(struct).toEqual([{ st: { big: MAX_I64, name: 'x' } }])
  })
})

describe('toRecords() of Parquet written by DuckDB', () => {
  const tmp = useSharedTempDir('pf-values-')
  beforeAll(async () => {
    const duck = await (await DuckDBInstance.create(':memory:')).connect()
    await duck.run(`copy (select 9223372036854775807::bigint as big, 123456789012345678.9012::decimal(22,4) as dec,
        '\\xDE\\xAD'::blob as bin, [9223372036854775807, 1]::bigint[] as bigs) to '${join(tmp.dir, 'values.parquet')}'`)
    duck.closeSync()
  })

  it('reads BIGINT, DECIMAL, BLOB and BIGINT[] exactly', async () => {
    const rows = await (await read(join(tmp.dir, 'values.parquet'))).toRecords()
    expect(rows).toEqual([
      {
        big: MAX_I64,
        dec: '123456789012345678.9012',
        bin: new Uint8Array([0xde, 0xad]),
        bigs: [MAX_I64, 1n],
      },
    ])
  })
})
