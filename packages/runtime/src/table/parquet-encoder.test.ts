import { readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
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
