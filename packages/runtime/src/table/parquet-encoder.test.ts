import { readdirSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
import { ThriftCompactReader, type ThriftStruct } from '../format/thrift-compact-reader.js'
import { DATA_PAGE_SIZE_LIMIT } from './data-page-size.js'
import { encodeParquet } from './parquet-encoder.js'

describe('encodeParquet', () => {
  it('returns Parquet bytes polars reads back to the same frame, and leaves no scratch file', () => {
    const df = pl.DataFrame([
      pl.Series('id', [1, 2, 3], pl.Int64),
      pl.Series('name', ['a', null, 'é'], pl.Utf8),
      pl.Series('score', [1.5, 2.5, null], pl.Float64),
    ])
    const before = readdirSync(tmpdir()).filter((n) => n.startsWith('.pf-encode-')).length
    const bytes = encodeParquet(df)
    expect(Buffer.from(bytes.subarray(0, 4)).toString('latin1')).toBe('PAR1')
    expect(Buffer.from(bytes.subarray(bytes.length - 4)).toString('latin1')).toBe('PAR1')
    const back = pl.readParquet(Buffer.from(bytes))
    expect(back.toRecords()).toEqual(df.toRecords())
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith('.pf-encode-')).length).toBe(before)
  })

  it('keeps rows in order and writes statistics and offset indexes, in pages of at most DATA_PAGE_SIZE_LIMIT (128 KiB) of values', async () => {
    const rows = 300_000
    const df = pl.DataFrame([
      pl.Series(
        'id',
        Array.from({ length: rows }, (_, i) => (i * 7_919) % rows),
        pl.Int64,
      ),
    ])
    const bytes = encodeParquet(df)
    const dir = await mkdtemp(join(tmpdir(), 'pf-encoder-'))
    try {
      const path = join(dir, 'ids.parquet')
      await writeFile(path, bytes)
      const duck = await (await DuckDBInstance.create(':memory:')).connect()
      // Row order: what DuckDB reads at each file position is the frame's row.
      const mismatched = await duck.runAndReadAll(
        `select count(*) from read_parquet('${path}', file_row_number = true)
         where id <> (file_row_number * 7919) % ${rows}`,
      )
      expect(Number(mismatched.getRows()[0]?.[0])).toBe(0)
      const chunks = await duck.runAndReadAll(
        `select stats_min_value, stats_max_value, row_group_num_rows from parquet_metadata('${path}')`,
      )
      duck.closeSync()
      expect(chunks.getRows().length).toBeGreaterThan(0)
      for (const [min, max] of chunks.getRows()) {
        expect(min).not.toBeNull()
        expect(max).not.toBeNull()
      }
    } finally {
      await rm(dir, { recursive: true, force: true, maxRetries: 5 })
    }
    // Every data page holds at most the limit of values: 8-byte ids, so about 8,192 a page.
    const n = bytes.length
    const footer = new ThriftCompactReader(
      bytes.subarray(n - 8 - Buffer.from(bytes).readUInt32LE(n - 8), n - 8),
    ).readStruct()
    let pages = 0
    for (const group of footer.get(4) as ThriftStruct[]) {
      for (const chunk of group.get(1) as ThriftStruct[]) {
        const at = Number(chunk.get(4))
        const index = new ThriftCompactReader(bytes.subarray(at, at + Number(chunk.get(5)))).readStruct()
        const locations = index.get(1) as ThriftStruct[]
        pages += locations.length
        for (let i = 1; i < locations.length; i++)
          expect(Number(locations[i]?.get(3)) - Number(locations[i - 1]?.get(3))).toBeLessThanOrEqual(
            DATA_PAGE_SIZE_LIMIT / 8,
          )
      }
    }
    expect(pages).toBeGreaterThanOrEqual(Math.ceil((rows * 8) / DATA_PAGE_SIZE_LIMIT))
  })

  it('honours the codec', () => {
    const df = pl.DataFrame([
      pl.Series(
        's',
        Array.from({ length: 2000 }, (_, i) => `${'x'.repeat(200)}${i}`),
        pl.Utf8,
      ),
    ])
    expect(encodeParquet(df, 'uncompressed').length).toBeGreaterThan(encodeParquet(df, 'zstd').length)
  })
})
