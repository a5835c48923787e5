// Range checksums of Parquet files: ranges that cover the file, row groups as DuckDB reads them, checked bytes only.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { DuckDBInstance } from '@duckdb/node-api'
import pl from 'nodejs-polars'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  blockSizeFor,
  blocksCovering,
  type CheckedRange,
  checkRanges,
  MIN_BLOCK_SIZE,
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

afterAll(() => rm(dir, { recursive: true, force: true, maxRetries: 5 }))

describe('parquet range checksums', () => {
  it('cut the file into its row groups and tail without gaps, and into blocks each with the CRC of its bytes', async () => {
    const ranges = parquetRangeChecksums(bytes)
    if (!ranges) throw new Error('no ranges')
    expect(ranges.groups.length).toBe(2)
    expect(rangesCoverFile(ranges, bytes.length, ROWS)).toBe(true)
    expect(ranges.blockSize).toBe(MIN_BLOCK_SIZE)
    const blocks = blocksCovering(ranges, 0, bytes.length)
    expect(blocks.length).toBe(Math.ceil(bytes.length / MIN_BLOCK_SIZE))
    expect(blocks.at(-1)?.end).toBe(bytes.length)
    for (const r of blocks) expect(r.crc).toBe(crc32(bytes.subarray(r.start, r.end)))
    // Large files get larger blocks: at most 4,096 of them.
    expect(blockSizeFor(64 * 1024 * 1024)).toBe(16 * 1024)
    expect(blockSizeFor(64 * 1024 * 1024 + 1)).toBe(32 * 1024)
    expect(blockSizeFor(10 * 1024 ** 3) * 4096).toBeGreaterThanOrEqual(10 * 1024 ** 3)

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

  it('give a row the blocks of its group and of the tail, each once; none past the last row', () => {
    const ranges = parquetRangeChecksums(bytes)
    if (!ranges) throw new Error('no ranges')
    const [first, second] = ranges.groups
    if (!first || !second) throw new Error('two groups expected')
    const firstRows = ranges.groupRows[0] as number
    const expected = (group: { start: number; end: number }) => {
      const blocks = [...blocksCovering(ranges, group.start, group.end)]
      for (const b of blocksCovering(ranges, ranges.tail.start, ranges.tail.end))
        if (!blocks.some((x) => x.start === b.start)) blocks.push(b)
      return blocks
    }
    expect(rangesForRow(ranges, 0)).toEqual(expected(first))
    expect(rangesForRow(ranges, firstRows - 1)).toEqual(expected(first))
    expect(rangesForRow(ranges, firstRows)).toEqual(expected(second))
    expect(rangesForRow(ranges, ROWS - 1)).toEqual(expected(second))
    expect(rangesForRow(ranges, ROWS)).toBeUndefined()
  })

  it('are taken only from Parquet files', () => {
    const notParquet = new TextEncoder().encode('PAR1 but not a parquet file at all PAR1')
    expect(parquetRangeChecksums(notParquet)).toBeUndefined()
  })

  it('find the block whose bytes changed, or a short read; adjacent blocks are read at once', async () => {
    const ranges = parquetRangeChecksums(bytes)
    if (!ranges) throw new Error('no ranges')
    const all = blocksCovering(ranges, 0, bytes.length)
    const reads: number[] = []
    const read = (copy: Uint8Array) => async (offset: number, length: number) => {
      reads.push(length)
      return copy.subarray(offset, offset + length)
    }
    expect(await mismatchedRange(read(bytes), all)).toBeUndefined()
    expect(reads).toEqual([bytes.length])
    const damaged = Uint8Array.from(bytes)
    const hit = all[3] as CheckedRange
    const at = hit.start + 100
    damaged[at] = (damaged[at] as number) ^ 1
    expect(await mismatchedRange(read(damaged), [...all.slice(0, 3), ...all.slice(4)])).toBeUndefined()
    expect((await mismatchedRange(read(damaged), all))?.range).toEqual(hit)
    // The bytes handed out are each block's own.
    const checked = await checkRanges(read(bytes), [all[1] as CheckedRange, all[5] as CheckedRange])
    expect(checked.bytes.map((b) => b.length)).toEqual([MIN_BLOCK_SIZE, MIN_BLOCK_SIZE])
    expect(checked.bytes[1]).toEqual(bytes.subarray(5 * MIN_BLOCK_SIZE, 6 * MIN_BLOCK_SIZE))
    const last = all.at(-1) as CheckedRange
    const short = bytes.subarray(0, last.end - 1)
    expect(await mismatchedRange(read(short), [last])).toMatchObject({
      range: last,
      length: last.end - last.start - 1,
    })
  })
})
