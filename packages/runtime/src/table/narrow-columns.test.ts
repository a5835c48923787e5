import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
import { entityIRFor } from '../entity/__fixtures__/test-ir.js'
import type { EntityIR } from '../schema/schema-ir.js'
import { withDuckDB } from './__fixtures__/duckdb-session.js'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { ColumnRangeError } from './column-range-error.js'
import { narrowedFrame } from './narrow-columns.js'
import { encodeParquet } from './parquet-encoder.js'

const entity = entityIRFor('Reading', { id: 'Int', qty: 'Int?', level: 'Int', ratio: 'Float', total: 'Int' })
const narrow = { id: 'integer', qty: 'short', level: 'byte', ratio: 'float' } as const
const temp = useTempDir('pf-narrow-')

/** The field `name` of every row, as a series of `dtype`. */
function seriesOf<R>(rows: readonly R[], name: keyof R & string, dtype: pl.DataType): pl.Series {
  return pl.Series(
    name,
    rows.map((r) => r[name]),
    dtype,
  )
}

/** A frame as pf's writer holds rows: Int64 and Float64 columns. */
function frame(rows: { id: number; qty: number | null; level: number; ratio: number; total: number }[]) {
  return pl.DataFrame([
    seriesOf(rows, 'id', pl.Int64),
    seriesOf(rows, 'qty', pl.Int64),
    seriesOf(rows, 'level', pl.Int64),
    seriesOf(rows, 'ratio', pl.Float64),
    seriesOf(rows, 'total', pl.Int64),
  ])
}

/** The ColumnRangeError `narrowing` throws; fails the test (naming `subject`) when it throws none. */
function rangeErrorOf(narrowing: () => unknown, subject: string): ColumnRangeError {
  let error: unknown
  try {
    narrowing()
  } catch (e) {
    error = e
  }
  expect(error, subject).toBeInstanceOf(ColumnRangeError)
  return error as ColumnRangeError
}

/**
 * The rows DuckDB reads with `select … FROM read_parquet(…)` from `narrowed` as each Parquet writer stores it:
 * polars writes the frame without the Decimal `price` column; arrow-rs (parquet-wasm) writes it with one.
 */
async function duckRowsPerWriter(
  narrowed: pl.DataFrame,
  entity: EntityIR,
  select: string,
): Promise<Record<'polars' | 'arrow-rs', Record<string, unknown>[]>> {
  return withDuckDB(async (run) => {
    const read = async (name: string, frame: pl.DataFrame) => {
      const path = join(temp.dir, `${name}.parquet`)
      await writeFile(path, encodeParquet(frame, 'zstd', { entity }))
      return run(`${select} FROM read_parquet('${path}')`)
    }
    return {
      polars: await read('polars', narrowed.drop('price')),
      'arrow-rs': await read('arrow-rs', narrowed),
    }
  })
}

describe('narrowedFrame', () => {
  it('casts the narrow columns to Int32/Int16/Int8/Float32 with their values; other columns stay', () => {
    const df = frame([
      { id: 2 ** 31 - 1, qty: -(2 ** 15), level: 127, ratio: 0.5, total: 2 ** 40 },
      { id: -(2 ** 31), qty: null, level: -128, ratio: Number.NaN, total: 1 },
      { id: 0, qty: 2 ** 15 - 1, level: 0, ratio: Number.NEGATIVE_INFINITY, total: 2 },
    ])
    const out = narrowedFrame(df, entity, narrow)
    expect(out.dtypes.map(String)).toEqual(
      ['Int32', 'Int16', 'Int8', 'Float32', 'Int64'].map((t) => `DataType(${t})`),
    )
    expect(out.toRecords()).toEqual([
      { id: 2 ** 31 - 1, qty: -(2 ** 15), level: 127, ratio: 0.5, total: 2 ** 40 },
      { id: -(2 ** 31), qty: null, level: -128, ratio: Number.NaN, total: 1 },
      { id: 0, qty: 2 ** 15 - 1, level: 0, ratio: Number.NEGATIVE_INFINITY, total: 2 },
    ])
  })

  it('a BigInt field over an integer column (Int→BigInt migrated): every digit of the refused value named', () => {
    const wide = entityIRFor('Reading', { id: 'BigInt' })
    // From text: nodejs-polars builds an Int64 series of JS bigints as nulls.
    const df = pl.DataFrame({ id: pl.Series('id', ['1', '9007199254740993']).cast(pl.Int64) })
    expect(() => narrowedFrame(df, wide, { id: 'integer' })).toThrow(
      "Reading.id: 9007199254740993 does not fit the table's integer column",
    )
    expect(narrowedFrame(df.head(1), wide, { id: 'integer' }).dtypes.map(String)).toEqual(['DataType(Int32)'])
  })

  it('without narrow fields (every table pf created) the frame is returned as it is', () => {
    const df = frame([{ id: 2 ** 40, qty: 2 ** 40, level: 2 ** 40, ratio: 1e300, total: 1 }])
    expect(narrowedFrame(df, entity, undefined)).toBe(df)
  })

  it('refuses the first value beyond a column range with ColumnRangeError naming Entity.field, the value and the range', () => {
    const base = { id: 1, qty: 1, level: 1, ratio: 1, total: 1 }
    const cases: [Partial<typeof base>, string, number | bigint][] = [
      [{ id: 2 ** 31 }, 'Reading.id', 2n ** 31n],
      [{ id: -(2 ** 31) - 1 }, 'Reading.id', -(2n ** 31n) - 1n],
      [{ qty: 2 ** 15 }, 'Reading.qty', 2n ** 15n],
      [{ level: -129 }, 'Reading.level', -129n],
      [{ ratio: 3.5e38 }, 'Reading.ratio', 3.5e38],
    ]
    for (const [change, subject, value] of cases) {
      const df = frame([base, { ...base, ...change }])
      const range = rangeErrorOf(() => narrowedFrame(df, entity, narrow), subject)
      expect(range.code).toBe('PF_COLUMN_RANGE')
      expect([range.subject, range.value]).toEqual([subject, value])
      expect(range.message).toContain(
        `${subject}: ${value} does not fit the table's ${range.deltaType} column`,
      )
    }
    expect(() => narrowedFrame(frame([{ ...base, id: 2 ** 31 }]), entity, narrow)).toThrow(
      "Reading.id: 2147483648 does not fit the table's integer column (-2147483648 to 2147483647); nothing was written",
    )
  })

  it('both Parquet writers store the narrow columns as INT32 (16/8-bit annotated) and FLOAT, as DuckDB reads them', async () => {
    const priced = entityIRFor('Reading', {
      id: 'Int',
      qty: 'Int',
      level: 'Int',
      ratio: 'Float',
      price: 'Decimal(10,2)?',
    })
    const df = pl.DataFrame({
      id: pl.Series('id', [7], pl.Int64),
      qty: pl.Series('qty', [-300], pl.Int64),
      level: pl.Series('level', [-7], pl.Int64),
      ratio: pl.Series('ratio', [0.25], pl.Float64),
      price: pl.Series('price', ['12.50'], pl.Utf8),
    })
    const narrowed = narrowedFrame(df, priced, { id: 'integer', qty: 'short', level: 'byte', ratio: 'float' })
    const row = {
      a: 'INTEGER',
      b: 'SMALLINT',
      c: 'TINYINT',
      d: 'FLOAT',
      id: 7,
      qty: -300,
      level: -7,
      ratio: 0.25,
    }
    expect(
      await duckRowsPerWriter(
        narrowed,
        priced,
        'SELECT typeof(id) AS a, typeof(qty) AS b, typeof(level) AS c, typeof(ratio) AS d, id, qty, level, ratio',
      ),
    ).toEqual({ polars: [row], 'arrow-rs': [row] })
  })
})

describe('narrowedFrame of list fields (array<integer> etc.: every element checked, the elements cast)', () => {
  const lists = entityIRFor('Sample', {
    id: 'Int',
    counts: 'Int[]',
    shorts: 'Int[]?',
    bytes: 'BigInt[]',
    ratios: 'Float[]',
    totals: 'Int[]',
  })
  const narrowLists = { counts: 'integer', shorts: 'short', bytes: 'byte', ratios: 'float' } as const

  /** A frame as pf's writer holds list rows: List(Int64) and List(Float64) columns. */
  function listFrame(
    rows: {
      counts: number[]
      shorts: number[] | null
      bytes: number[]
      ratios: number[]
      totals: number[]
    }[],
  ) {
    const series = (name: keyof (typeof rows)[number], dtype: pl.DataType) =>
      seriesOf(rows, name, pl.List(dtype))
    return pl.DataFrame([
      pl.Series(
        'id',
        rows.map((_, i) => i + 1),
        pl.Int64,
      ),
      series('counts', pl.Int64),
      series('shorts', pl.Int64),
      series('bytes', pl.Int64),
      series('ratios', pl.Float64),
      series('totals', pl.Int64),
    ])
  }

  it('casts the elements to Int32/Int16/Int8/Float32 keeping every list (empty, null) as it was; other lists stay', () => {
    const rows = [
      {
        counts: [2 ** 31 - 1, -(2 ** 31)],
        shorts: [2 ** 15 - 1, -(2 ** 15)],
        bytes: [127, -128, 0],
        ratios: [0.5, Number.NaN, Number.NEGATIVE_INFINITY],
        totals: [2 ** 40],
      },
      { counts: [], shorts: null, bytes: [], ratios: [], totals: [] },
      { counts: [7], shorts: [], bytes: [1], ratios: [-1.5], totals: [1, 2] },
    ]
    const out = narrowedFrame(listFrame(rows), lists, narrowLists)
    expect(out.dtypes.map(String)).toEqual(
      [
        pl.Int64,
        pl.List(pl.Int32),
        pl.List(pl.Int16),
        pl.List(pl.Int8),
        pl.List(pl.Float32),
        pl.List(pl.Int64),
      ].map(String),
    )
    expect(out.drop('id').toRecords()).toEqual(rows)
  })

  it('refuses the first element beyond the range, naming Entity.field[index], the value and the array type', () => {
    const base = { counts: [1, 2, 3], shorts: [1], bytes: [1, 2], ratios: [1], totals: [1] }
    const cases: [Partial<typeof base>, string, number | bigint, string][] = [
      [{ counts: [1, 2, 2 ** 31] }, 'Sample.counts[2]', 2n ** 31n, 'array<integer>'],
      [{ counts: [-(2 ** 31) - 1] }, 'Sample.counts[0]', -(2n ** 31n) - 1n, 'array<integer>'],
      [{ shorts: [0, 2 ** 15, 2 ** 16] }, 'Sample.shorts[1]', 2n ** 15n, 'array<short>'],
      [{ bytes: [5, 6, 7, -129] }, 'Sample.bytes[3]', -129n, 'array<byte>'],
      [{ ratios: [1, 3.5e38] }, 'Sample.ratios[1]', 3.5e38, 'array<float>'],
      [{ counts: [9007199254740991] }, 'Sample.counts[0]', 9007199254740991n, 'array<integer>'],
    ]
    for (const [change, subject, value, deltaType] of cases) {
      // The value sits in the second row, after a first row of other list lengths: its index is within its own list.
      const df = listFrame([
        { ...base, counts: [4, 5, 6, 7, 8] },
        { ...base, ...change },
      ])
      const range = rangeErrorOf(() => narrowedFrame(df, lists, narrowLists), subject)
      expect([range.subject, range.value, range.deltaType]).toEqual([subject, value, deltaType])
    }
    expect(() => narrowedFrame(listFrame([{ ...base, counts: [0, 2 ** 31] }]), lists, narrowLists)).toThrow(
      "Sample.counts[1]: 2147483648 does not fit the table's array<integer> column (-2147483648 to 2147483647); nothing was written",
    )
  })

  it('both Parquet writers store the list elements as INT32 (16/8-bit annotated) and FLOAT, as DuckDB reads them', async () => {
    const priced = entityIRFor('Sample', {
      id: 'Int',
      counts: 'Int[]',
      shorts: 'Int[]',
      bytes: 'Int[]',
      ratios: 'Float[]',
      price: 'Decimal(10,2)?',
    })
    const df = pl.DataFrame([
      pl.Series('id', [7], pl.Int64),
      pl.Series('counts', [[1, -2147483648]], pl.List(pl.Int64)),
      pl.Series('shorts', [[-300]], pl.List(pl.Int64)),
      pl.Series('bytes', [[]], pl.List(pl.Int64)),
      pl.Series('ratios', [[0.25, -1]], pl.List(pl.Float64)),
      pl.Series('price', ['12.50'], pl.Utf8),
    ])
    const narrowed = narrowedFrame(df, priced, {
      counts: 'integer',
      shorts: 'short',
      bytes: 'byte',
      ratios: 'float',
    })
    const row = {
      a: 'INTEGER[]',
      b: 'SMALLINT[]',
      c: 'TINYINT[]',
      d: 'FLOAT[]',
      counts: '[1, -2147483648]',
      shorts: '[-300]',
      bytes: '[]',
      ratios: '[0.25, -1.0]',
    }
    expect(
      await duckRowsPerWriter(
        narrowed,
        priced,
        `SELECT typeof(counts) AS a, typeof(shorts) AS b, typeof(bytes) AS c, typeof(ratios) AS d,
           counts::VARCHAR AS counts, shorts::VARCHAR AS shorts, bytes::VARCHAR AS bytes, ratios::VARCHAR AS ratios`,
      ),
    ).toEqual({ polars: [row], 'arrow-rs': [row] })
  })
})
