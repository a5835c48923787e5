import pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
import { decodeFileMetaData } from '../engine/parquet-footer-reader.js'
import type { EntityIR, FieldIR, FieldType } from '../schema/schema-ir.js'
import { computeFileStats } from './file-stats.js'
import { parquetFooterRanges } from './parquet-footer-stats.js'

function field(id: number, name: string, type: FieldType): FieldIR {
  return { id, name, column: name, type, optional: true, isId: false, unique: false, index: false }
}

const entity: EntityIR = {
  name: 'Sample',
  storage: 'samples',
  format: 'parquet',
  primaryKey: ['i'],
  partitionBy: [],
  fields: [
    field(1, 'i', { kind: 'scalar', name: 'Int' }),
    field(2, 'f', { kind: 'scalar', name: 'Float' }),
    field(3, 's', { kind: 'scalar', name: 'String' }),
    field(4, 'e', { kind: 'enum', name: 'Role' }),
    field(5, 'd', { kind: 'scalar', name: 'Date' }),
    field(6, 't', { kind: 'scalar', name: 'DateTime' }),
    field(7, 'b', { kind: 'scalar', name: 'Boolean' }),
    field(8, 'l', { kind: 'list', element: { kind: 'scalar', name: 'Int' } }),
    field(9, 'n', { kind: 'scalar', name: 'String' }),
  ],
  relations: [],
  indexes: [],
  uniques: [],
}
const all = new Set(entity.fields.map((f) => f.column))

/** A frame in the table's dtypes: Int64 beyond 2^53, negatives, unicode, a long string, nulls. */
function sample(): pl.DataFrame {
  const long = `${'x'.repeat(5000)}z`
  return pl.DataFrame([
    pl.Series('i', ['9007199254740993', '-5', null], pl.Utf8).cast(pl.Int64),
    pl.Series('f', [1.5, -2.25, null], pl.Float64),
    pl.Series('s', [long, 'é', 'a'], pl.Utf8),
    pl.Series('e', ['MEMBER', null, 'ADMIN'], pl.Utf8),
    pl.Series('d', ['2020-01-02', null, '1969-12-31'], pl.Utf8).str.strptime(pl.Date, '%Y-%m-%d'),
    pl
      .Series('t', ['1700000000123456', '-1000001', null], pl.Utf8)
      .cast(pl.Int64)
      .cast(pl.Datetime('us', 'UTC')),
    pl.Series('b', [true, false, null], pl.Bool),
    pl.Series('l', [[1], null, []], pl.List(pl.Int64)),
    pl.Series('n', [null, null, null], pl.Utf8),
  ])
}

describe('parquetFooterRanges', () => {
  it('reads exact min/max of every comparable column from the footer polars writes', () => {
    const df = sample()
    const ranges = parquetFooterRanges(df.writeParquet({ compression: 'zstd' }), entity, all)
    expect(Object.fromEntries(ranges)).toEqual({
      i: { min: '-5', max: '9007199254740993' },
      f: { min: -2.25, max: 1.5 },
      s: { min: 'a', max: 'é' },
      e: { min: 'ADMIN', max: 'MEMBER' },
      d: { min: -1, max: 18263 },
      t: { min: '-1000001', max: '1700000000123456' },
    })
  })

  it('agrees with the polars reduction (DateTime: exact inside the widened bounds)', () => {
    const df = sample()
    const footer = computeFileStats(
      df,
      entity,
      parquetFooterRanges(df.writeParquet({ compression: 'zstd' }), entity, all),
    )
    const computed = computeFileStats(df, entity)
    const { t: footerT, ...footerRest } = footer.columns
    const { t: computedT, ...computedRest } = computed.columns
    expect(footerRest).toEqual(computedRest)
    expect(footer.numRows).toBe(3)
    expect(footerT?.nullCount).toBe(computedT?.nullCount)
    expect(BigInt(footerT?.min ?? 0)).toBeGreaterThanOrEqual(BigInt(computedT?.min ?? 1))
    expect(BigInt(footerT?.max ?? 0)).toBeLessThanOrEqual(BigInt(computedT?.max ?? -1))
    // The list column's null count is the row count of null lists, not of null elements.
    expect(footer.columns.l).toEqual({ nullCount: 1 })
    expect(footer.columns.n).toEqual({ nullCount: 3 })
  })

  it('combines the row groups of a large file', () => {
    const rows = 700_000
    const df = pl
      .DataFrame({ x: pl.Series('x', [0], pl.Int64) })
      .lazy()
      .select(pl.intRange(0, rows, 1, pl.Int64).alias('i'))
      .withColumns(
        pl.col('i').mul(-1).add(3).cast(pl.Float64).alias('f'),
        pl.concatString([pl.lit('k'), pl.col('i').modulo(1000).cast(pl.Int64).cast(pl.Utf8)], '').alias('s'),
      )
      .collectSync()
    const small: EntityIR = { ...entity, fields: entity.fields.slice(0, 3) }
    const bytes = df.writeParquet({ compression: 'zstd' })
    expect(
      decodeFileMetaData(
        bytes.subarray(bytes.length - 8 - bytes.readUInt32LE(bytes.length - 8), bytes.length - 8),
      ).rowGroups.length,
    ).toBeGreaterThan(1)
    const ranges = parquetFooterRanges(bytes, small, all)
    expect(Object.fromEntries(ranges)).toEqual({
      i: { min: '0', max: String(rows - 1) },
      f: { min: 3 - (rows - 1), max: 3 },
      s: { min: 'k0', max: 'k999' },
    })
  })

  it('leaves out NaN and infinite float bounds, unrequested columns, and unreadable input', () => {
    const df = pl.DataFrame([
      pl.Series('i', [1, 2], pl.Int64),
      pl.Series('f', [1.5, Number.NaN], pl.Float64),
      pl.Series('s', ['a', 'b'], pl.Utf8),
    ])
    const small: EntityIR = { ...entity, fields: entity.fields.slice(0, 3) }
    const bytes = df.writeParquet({ compression: 'zstd' })
    expect([...parquetFooterRanges(bytes, small, new Set(['f', 's'])).keys()]).toEqual(['s'])
    const inf = pl.DataFrame([pl.Series('f', [1, Number.POSITIVE_INFINITY], pl.Float64)])
    expect(parquetFooterRanges(inf.writeParquet(), small, all).size).toBe(0)
    expect(parquetFooterRanges(new TextEncoder().encode('not parquet at all'), small, all).size).toBe(0)
    expect(parquetFooterRanges(bytes.subarray(0, bytes.length - 20), small, all).size).toBe(0)
    // A footer with damaged bytes: no ranges rather than an exception.
    const damaged = Uint8Array.from(bytes)
    damaged.fill(0xff, damaged.length - 60, damaged.length - 8)
    expect(() => parquetFooterRanges(damaged, small, all)).not.toThrow()
  })
})
