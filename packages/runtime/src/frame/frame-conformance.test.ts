// One conformance suite for the frame layer: every operation, on every engine × format, gives the
// same result (columns, dtypes, rows) as the eager engine on the same files, and the eager engine
// gives what polars computes directly on the source data.
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import pl from 'nodejs-polars'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeWorkerPools } from '../engine/worker-pool.js'
import { getFormat } from '../format/format-registry.js'
import type { FormatName } from '../format/storage-format.js'
import { useSharedTempDir } from '../table/__fixtures__/temp-dir.js'
import type { Frame } from './frame.js'
import { read } from './read-frame.js'

const ENGINES = ['eager', 'lazy', 'partitioned'] as const
const FORMATS: FormatName[] = ['parquet', 'csv', 'tsv', 'ndjson', 'ipc', 'avro']
const ROWS = 30
const PARTS = 3

const ids = Array.from({ length: ROWS }, (_, i) => i)
const source = pl.DataFrame([
  pl.Series('id', ids, pl.Int64),
  pl.Series(
    'cat',
    ids.map((i) => ['a', 'b', 'c', 'd'][i % 4] as string),
    pl.Utf8,
  ),
  pl.Series(
    'grp',
    ids.map((i) => i % 3),
    pl.Int64,
  ),
  pl.Series(
    'x',
    ids.map((i) => (i % 7 === 0 ? null : (i * 37) % 23)),
    pl.Float64,
  ),
  pl.Series(
    'flag',
    ids.map((i) => i % 2 === 0),
    pl.Bool,
  ),
  pl.Series(
    'note',
    ids.map((i) => (i % 5 === 0 ? null : `n${i % 6}`)),
    pl.Utf8,
  ),
])
const labels = pl.DataFrame([
  pl.Series('cat', ['a', 'b', 'e'], pl.Utf8),
  pl.Series('label', ['Alpha', 'Beta', 'Epsilon'], pl.Utf8),
])

interface Operation {
  readonly name: string
  readonly run: (frame: Frame, right: Frame) => Frame
  /** The same query in plain polars on the source data (checked against the eager engine). */
  readonly direct: (df: pl.DataFrame, right: pl.DataFrame) => pl.DataFrame
  /** Rows come back in an unspecified order: compare them sorted. */
  readonly unordered?: boolean
}

const col = pl.col

/** The aggregations of the groupBy.agg operation, the same expressions for the Frame and for plain polars. */
const aggregations = () => [
  col('x').sum().alias('sum'),
  col('x').mean().alias('mean'),
  col('x').count().alias('count'),
  pl.len().alias('rows'),
  col('id').min().alias('min'),
  col('note').max().alias('max'),
]
const nonDecomposable = () => [col('x').median().alias('median'), col('cat').nUnique().alias('cats')]
const expressionAggregates = () => [
  col('x').mul(2).sum().alias('double'),
  col('x').mean().add(1).alias('meanPlusOne'),
]

const OPERATIONS: Operation[] = [
  { name: 'all rows', run: (f) => f, direct: (df) => df },
  { name: 'filter(expr)', run: (f) => f.filter(col('x').gt(10)), direct: (df) => df.filter(col('x').gt(10)) },
  { name: 'filter(boolean column)', run: (f) => f.filter('flag'), direct: (df) => df.filter(col('flag')) },
  {
    name: 'filter matching nothing',
    run: (f) => f.filter(col('id').lt(0)),
    direct: (df) => df.filter(col('id').lt(0)),
  },
  { name: 'select(names)', run: (f) => f.select('note', 'id'), direct: (df) => df.select('note', 'id') },
  {
    name: 'select(exprs)',
    run: (f) => f.select(col('id'), col('x').mul(2).alias('x2')),
    direct: (df) => df.select(col('id'), col('x').mul(2).alias('x2')),
  },
  {
    name: 'withColumns',
    run: (f) => f.withColumns(col('id').add(1).alias('id1'), col('cat').str.toUpperCase().alias('cat')),
    direct: (df) => df.withColumns(col('id').add(1).alias('id1'), col('cat').str.toUpperCase().alias('cat')),
  },
  {
    name: 'groupBy.agg (sum, mean, count, len, min, max)',
    run: (f) => f.groupBy('cat').agg(...aggregations()),
    direct: (df) =>
      df
        .groupBy('cat')
        .agg(...aggregations())
        .sort('cat'),
  },
  {
    name: 'groupBy two keys .sum()',
    run: (f) => f.select('cat', 'grp', 'id', 'x').groupBy(['cat', 'grp']).sum(),
    direct: (df) => df.select('cat', 'grp', 'id', 'x').groupBy(['cat', 'grp']).sum().sort(['cat', 'grp']),
  },
  {
    name: 'groupBy .mean()',
    run: (f) => f.select('grp', 'x', 'id').groupBy('grp').mean(),
    direct: (df) => df.select('grp', 'x', 'id').groupBy('grp').mean().sort('grp'),
  },
  {
    name: 'groupBy .count()',
    run: (f) => f.groupBy('note').count(),
    direct: (df) => df.groupBy('note').agg(pl.len().alias('count')).sort('note'),
  },
  {
    name: 'groupBy .min() / .max()',
    run: (f) =>
      f
        .select('grp', 'id', 'x')
        .groupBy('grp')
        .min()
        .join(f.select('grp', 'id', 'x').groupBy('grp').max(), { on: 'grp', suffix: '_max' }),
    direct: (df) => {
      const small = df.select('grp', 'id', 'x')
      return small
        .groupBy('grp')
        .min()
        .join(small.groupBy('grp').max(), { on: 'grp', suffix: '_max' })
        .sort('grp')
    },
    unordered: true,
  },
  {
    name: 'groupBy non-decomposable (median, nUnique)',
    run: (f) => f.groupBy('grp').agg(...nonDecomposable()),
    direct: (df) =>
      df
        .groupBy('grp')
        .agg(...nonDecomposable())
        .sort('grp'),
  },
  {
    name: 'groupBy expression key and expression aggregate',
    run: (f) => f.groupBy(col('id').modulo(2).alias('parity')).agg(...expressionAggregates()),
    direct: (df) =>
      df
        .lazy()
        .groupBy([col('id').modulo(2).alias('parity')])
        .agg(...expressionAggregates())
        .sort('parity')
        .collectSync(),
  },
  {
    name: 'sort descending, nulls last',
    run: (f) => f.sort('x', { descending: true, nullsLast: true }),
    direct: (df) => df.lazy().sort('x', true, true, true).collectSync(),
  },
  {
    name: 'sort two keys, mixed directions',
    run: (f) => f.sort(['cat', 'id'], { descending: [false, true] }),
    direct: (df) => df.lazy().sort('id', true, false, true).sort('cat', false, false, true).collectSync(),
  },
  {
    name: 'sort + limit (top-k)',
    run: (f) => f.sort(['x', 'id'], { descending: true, nullsLast: true }).limit(4),
    direct: (df) => df.lazy().sort(['x', 'id'], true, true, true).limit(4).collectSync(),
  },
  { name: 'limit', run: (f) => f.limit(12), direct: (df) => df.head(12) },
  { name: 'head()', run: (f) => f.head(), direct: (df) => df.head(5) },
  {
    name: 'filter + head',
    run: (f) => f.filter(col('grp').eq(2)).head(3),
    direct: (df) => df.filter(col('grp').eq(2)).head(3),
  },
  ...(['inner', 'left', 'semi', 'anti', 'full'] as const).map(
    (how): Operation => ({
      name: `join ${how}`,
      run: (f, right) => f.join(right, { on: 'cat', how }),
      direct: (df, right) => df.join(right, { on: 'cat', how }),
      unordered: true,
    }),
  ),
  {
    name: 'unique(subset), keep first',
    run: (f) => f.unique({ subset: 'cat' }),
    direct: (df) => df.unique({ subset: ['cat'], keep: 'first', maintainOrder: true }),
  },
  {
    name: 'unique(subset), keep last',
    run: (f) => f.unique({ subset: ['grp'], keep: 'last' }),
    direct: (df) => df.unique({ subset: ['grp'], keep: 'last', maintainOrder: true }),
  },
  {
    name: 'unique rows after select',
    run: (f) => f.select('cat', 'grp').unique(),
    direct: (df) => df.select('cat', 'grp').unique({ keep: 'first', maintainOrder: true }),
  },
  {
    name: 'chain: filter → withColumns → groupBy → filter → sort → head',
    run: (f) =>
      f
        .filter(col('x').isNotNull())
        .withColumns(col('x').mul(col('grp')).alias('w'))
        .groupBy('cat')
        .agg(col('w').sum().alias('w'), pl.len().alias('n'))
        .filter(col('n').gt(1))
        .sort('w', { descending: true })
        .head(3),
    direct: (df) =>
      df
        .filter(col('x').isNotNull())
        .withColumns(col('x').mul(col('grp')).alias('w'))
        .groupBy('cat')
        .agg(col('w').sum().alias('w'), pl.len().alias('n'))
        .filter(col('n').gt(1))
        .lazy()
        .sort('w', true, false, true)
        .head(3)
        .collectSync(),
  },
]

function dtypes(df: pl.DataFrame): string[] {
  return df.columns.map((c) => `${c}:${df.getColumn(c).dtype.toString()}`)
}

function rows(df: pl.DataFrame, unordered: boolean): unknown[] {
  const sorted =
    unordered && df.height > 0 ? df.lazy().sort(df.columns, false, false, true).collectSync() : df
  return sorted.toRecords()
}

const tmp = useSharedTempDir('pf-conformance-')
const paths = new Map<FormatName, { data: string; labels: string }>()

beforeAll(async () => {
  for (const format of FORMATS) {
    const storage = getFormat(format)
    const ext = storage.extensions[0] as string
    const data = join(tmp.dir, format, 'data')
    await mkdir(data, { recursive: true })
    const size = ROWS / PARTS
    for (let p = 0; p < PARTS; p++) {
      await storage.write(source.slice(p * size, size), join(data, `part-${p}${ext}`))
    }
    const labelsPath = join(tmp.dir, format, `labels${ext}`)
    await storage.write(labels, labelsPath)
    paths.set(format, { data, labels: labelsPath })
  }
})

afterAll(async () => {
  await closeWorkerPools()
})

describe.each(FORMATS)('%s', (format) => {
  const frames = new Map<string, { frame: Frame; right: Frame }>()
  beforeAll(async () => {
    const p = paths.get(format)!
    for (const engine of ENGINES) {
      frames.set(engine, { frame: await read(p.data, { engine }), right: await read(p.labels, { engine }) })
    }
  })
  const open = (engine: (typeof ENGINES)[number]) => frames.get(engine)!

  it('opens on every engine with the same columns, schema and height', async () => {
    const reference = await read(paths.get(format)!.data, { engine: 'eager' })
    expect(reference.columns).toEqual(source.columns)
    expect(await reference.height()).toBe(ROWS)
    for (const engine of ENGINES) {
      const { frame } = open(engine)
      expect(frame.engineName).toBe(engine)
      expect(frame.columns).toEqual(reference.columns)
      expect(Object.entries(frame.schema).map(([k, v]) => `${k}:${v}`)).toEqual(
        Object.entries(reference.schema).map(([k, v]) => `${k}:${v}`),
      )
      expect(await frame.height()).toBe(ROWS)
      expect(await frame.filter(col('grp').eq(0)).height()).toBe(10)
    }
  })

  it.each(OPERATIONS.map((op) => [op.name, op] as const))(
    '%s: same result on every engine',
    async (_, op) => {
      const eager = open('eager')
      const expectedDf = await op.run(eager.frame, eager.right).toDataFrame()
      const unordered = op.unordered ?? false
      // The eager engine agrees with polars run directly on the source (values; dtypes may differ by format).
      const direct = op.direct(await eager.frame.toDataFrame(), await eager.right.toDataFrame())
      expect(expectedDf.columns).toEqual(direct.columns)
      expect(rows(expectedDf, unordered)).toEqual(rows(direct, unordered))
      for (const engine of ['lazy', 'partitioned'] as const) {
        const { frame, right } = open(engine)
        const result = op.run(frame, right)
        expect(result.engineName).toBe(engine)
        const df = await result.toDataFrame()
        expect(dtypes(df), `${engine} dtypes`).toEqual(dtypes(expectedDf))
        expect(rows(df, unordered), `${engine} rows`).toEqual(rows(expectedDf, unordered))
        expect(result.columns).toEqual(expectedDf.columns)
      }
    },
  )

  it('toRecords and engine conversions agree on every engine', async () => {
    const expected = (await read(paths.get(format)!.data, { engine: 'eager' })).filter(col('id').gt(3))
    const records = await expected.toRecords()
    expect(records).toHaveLength(ROWS - 4)
    for (const engine of ENGINES) {
      const frame = open(engine).frame.filter(col('id').gt(3))
      expect(await frame.toRecords()).toEqual(records)
      for (const converted of [await frame.toEager(), await frame.toLazy(), await frame.toPartitioned()]) {
        expect(await converted.toRecords()).toEqual(records)
      }
      expect((await frame.toEager()).engineName).toBe('eager')
      expect((await frame.toLazy()).engineName).toBe('lazy')
      expect((await frame.toPartitioned()).engineName).toBe('partitioned')
      expect((await frame.collect()).engineName).toBe('eager')
    }
  })
})

it('the source data round-trips through every format unchanged (values)', async () => {
  for (const format of FORMATS) {
    const df = await (await read(paths.get(format)!.data, { engine: 'eager' })).toDataFrame()
    expect(rows(df, false), format).toEqual(rows(source, false))
  }
})
