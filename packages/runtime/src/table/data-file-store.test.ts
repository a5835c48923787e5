import pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import type { FileStats } from './file-stats.js'
import { createTable } from './table.js'

const tmp = useTempDir('pf-data-file-store-')

/** Users 0..n-1 with a score, tags and a creation time (microseconds), some of them null. */
function rich(n: number): pl.DataFrame {
  const ids = Array.from({ length: n }, (_, i) => i)
  return users(ids).withColumns(
    pl.Series(
      'score',
      ids.map((i) => (i % 3 === 0 ? null : i / 4)),
      pl.Float64,
    ),
    pl.Series(
      'tags',
      ids.map((i) => (i % 5 === 0 ? null : [`t${i}`])),
      pl.List(pl.Utf8),
    ),
    pl
      .Series(
        'createdAt',
        ids.map((i) => (i === 1 ? null : String(1_700_000_000_000_001 + i))),
        pl.Utf8,
      )
      .cast(pl.Int64)
      .cast(pl.Datetime('us', 'UTC')),
  )
}

async function statsOf(format: 'parquet' | 'avro', df: pl.DataFrame): Promise<FileStats> {
  const table = await createTable(`${tmp.dir}/${format}`, { entity: userEntity, enums: userEnums, format })
  await table.append(df)
  const [file] = (await table.snapshot()).files
  if (!file) throw new Error('no file written')
  return file.add.stats
}

describe('DataFileStore statistics', () => {
  it('logs the same statistics from the Parquet footer as from reducing the frame (Avro)', async () => {
    const df = rich(50)
    const parquet = await statsOf('parquet', df)
    const avro = await statsOf('avro', df)
    const { createdAt: exact, ...parquetRest } = parquet.columns
    const { createdAt: widened, ...avroRest } = avro.columns
    expect(parquet.numRows).toBe(50)
    expect(parquetRest).toEqual(avroRest)
    expect(parquetRest).toEqual({
      id: { nullCount: 0, min: '0', max: '49' },
      name: { nullCount: 0, min: 'u0', max: 'u9' },
      age: { nullCount: 0, min: '0', max: '49' },
      role: { nullCount: 0, min: 'ADMIN', max: 'MEMBER' },
      score: { nullCount: 17, min: 0.25, max: 12.25 },
      tags: { nullCount: 10 },
    })
    // Parquet: exact microseconds; the frame reduction sees milliseconds and widens by 1 ms.
    expect(exact).toEqual({ nullCount: 1, min: '1700000000000001', max: '1700000000000050' })
    expect(widened).toEqual({ nullCount: 1, min: '1699999999999000', max: '1700000000001000' })
  })
})
