// Range checksums of Parquet files: ranges that cover the file, row groups as DuckDB reads them, checked bytes only.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { DuckDBInstance } from '@duckdb/node-api'
import pl from 'nodejs-polars'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  mismatchedRange,
  parquetRangeChecksums,
  rangesCoverFile,
  rangesForRow,
} from './parquet-range-checksums.js'

const ROWS = 600_000
let dir: string
let bytes: Uint8Array

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pf-ranges-'))
  const ids = Array.from({ length: ROWS }, (_, i) => i)
  // polars cuts 600,000 rows into two row groups.
  bytes = pl
    .DataFrame({
      id: pl.Series('id', ids, pl.Int64),
      name: pl.Series(
        'name',
        ids.map((i) => (i % 7 === 0 ? null : `n${i % 1000}`)),
        pl.Utf8,
      ),
    })
    .writeParquet({ compression: 'zstd' })
  await writeFile(join(dir, 'two-groups.parquet'), bytes)
})

afterAll(() => rm(dir, { recursive: true, force: true }))

describe('parquet range checksums', () => {
  it('cut the file into its row groups and tail, without gaps, each range with the CRC of its bytes', async () => {
    const ranges = parquetRangeChecksums(bytes)
    if (!ranges) throw new Error('no ranges')
    expect(ranges.groups.length).toBe(2)
    expect(rangesCoverFile(ranges, bytes.length, ROWS)).toBe(true)
    for (const r of [...ranges.groups, ranges.tail]) expect(r.crc).toBe(crc32(bytes.subarray(r.start, r.end)))

    // DuckDB's reading of the footer: the same row counts, and every column chunk inside its group's range.
    const duck = await (await DuckDBInstance.create(':memory:')).connect()
    const reader = await duck.runAndReadAll(
      `select row_group_id, row_group_num_rows, coalesce(dictionary_page_offset, data_page_offset) as start,
              total_compressed_size as size
       from parquet_metadata('${join(dir, 'two-groups.parquet')}') order by row_group_id, column_id`,
    )
    duck.closeSync()
    const chunks = reader.getRowObjects()
    for (const chunk of chunks) {
      const group = Number(chunk.row_group_id)
      const range = ranges.groups[group]
      expect(ranges.groupRows[group]).toBe(Number(chunk.row_group_num_rows))
      expect(Number(chunk.start)).toBeGreaterThanOrEqual(range?.start ?? Number.NaN)
      expect(Number(chunk.start) + Number(chunk.size)).toBeLessThanOrEqual(range?.end ?? Number.NaN)
    }
    expect(new Set(chunks.map((c) => Number(c.row_group_id))).size).toBe(2)
  })

  it("give a row its group's range and the tail; none past the last row", () => {
    const ranges = parquetRangeChecksums(bytes)
    if (!ranges) throw new Error('no ranges')
    const firstRows = ranges.groupRows[0] as number
    expect(rangesForRow(ranges, 0)).toEqual([ranges.groups[0], ranges.tail])
    expect(rangesForRow(ranges, firstRows - 1)).toEqual([ranges.groups[0], ranges.tail])
    expect(rangesForRow(ranges, firstRows)).toEqual([ranges.groups[1], ranges.tail])
    expect(rangesForRow(ranges, ROWS - 1)).toEqual([ranges.groups[1], ranges.tail])
    expect(rangesForRow(ranges, ROWS)).toBeUndefined()
  })

  it('are taken only from Parquet files', () => {
    const notParquet = new TextEncoder().encode('PAR1 but not a parquet file at all PAR1')
    expect(parquetRangeChecksums(notParquet)).toBeUndefined()
  })

  it('find the range whose bytes changed, or a short read', async () => {
    const ranges = parquetRangeChecksums(bytes)
    if (!ranges) throw new Error('no ranges')
    const second = ranges.groups[1]
    if (!second) throw new Error('no second group')
    const read = (copy: Uint8Array) => async (offset: number, length: number) =>
      copy.subarray(offset, offset + length)
    expect(await mismatchedRange(read(bytes), [...ranges.groups, ranges.tail])).toBeUndefined()
    const damaged = Uint8Array.from(bytes)
    const at = second.start + 100
    damaged[at] = (damaged[at] as number) ^ 1
    expect(await mismatchedRange(read(damaged), [ranges.groups[0] ?? second, ranges.tail])).toBeUndefined()
    expect((await mismatchedRange(read(damaged), [second, ranges.tail]))?.range).toEqual(second)
    const short = bytes.subarray(0, ranges.tail.end - 1)
    expect(await mismatchedRange(read(short), [ranges.tail])).toMatchObject({
      range: ranges.tail,
      length: ranges.tail.end - ranges.tail.start - 1,
    })
  })
})
