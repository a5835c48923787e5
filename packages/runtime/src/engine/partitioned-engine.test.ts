import { mkdir, readdir, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import pl from 'nodejs-polars'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withConfig } from '../config/config-store.js'
import type { Frame } from '../frame/frame.js'
import { read } from '../frame/read-frame.js'
import { useSharedTempDir } from '../table/__fixtures__/temp-dir.js'
import { discoverDataset } from './dataset-discovery.js'
import type { AggregateSpec } from './engine-frame.js'
import { planPartialAggregation } from './partial-aggregation.js'
import { PartitionError } from './partition-error.js'
import { planPartitions } from './partition-planner.js'
import type { PartitionedDataset } from './partitioned-engine.js'
import { MIB } from './select-engine.js'
import { closeWorkerPools } from './worker-pool.js'

const col = pl.col
const tmp = useSharedTempDir('pf-partitioned-')
let events: string
const N = 3_000
const ids = Array.from({ length: N }, (_, i) => i)
const source = pl.DataFrame([
  pl.Series('id', ids, pl.Int64),
  pl.Series(
    'country',
    ids.map((i) => ['fr', 'de', 'us', 'a/b c'][i % 4] as string),
    pl.Utf8,
  ),
  pl.Series(
    'year',
    ids.map((i) => 2020 + (i % 3)),
    pl.Int64,
  ),
  pl.Series(
    'amount',
    ids.map((i) => (i % 11 === 0 ? null : i % 97)),
    pl.Int64,
  ),
])

beforeAll(async () => {
  events = join(tmp.dir, 'events')
  await mkdir(events)
  for (let p = 0; p < 6; p++) source.slice(p * 500, 500).writeParquet(join(events, `part-${p}.parquet`))
})
afterAll(async () => {
  await closeWorkerPools()
})

async function listFiles(root: string): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(root, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(relative(root, join(entry.parentPath, entry.name)))
  }
  return out.sort()
}

describe('partial aggregation planning (pure)', () => {
  const template = source.head(0)
  const plan = (aggs: pl.Expr[]) => {
    const spec: AggregateSpec = { keys: [col('country')], aggs, sort: false }
    return planPartialAggregation(
      spec,
      template
        .lazy()
        .groupBy(['country'])
        .agg(...aggs)
        .collectSync(),
    )
  }
  it('decomposes sum, count, len, min, max and mean', () => {
    const p = plan([
      col('amount').sum().alias('s'),
      col('amount').count(),
      pl.len().alias('n'),
      col('amount').min().alias('lo'),
      col('amount').max().alias('hi'),
      col('amount').mean().alias('avg'),
    ])
    expect(p?.keyNames).toEqual(['country'])
    expect(p?.partials).toHaveLength(7)
    expect(p?.combine).toHaveLength(6)
  })
  it('refuses aggregations that do not decompose', () => {
    expect(plan([col('amount').median()])).toBeUndefined()
    expect(plan([col('amount').nUnique()])).toBeUndefined()
    expect(plan([col('amount').sum().div(col('amount').count())])).toBeUndefined()
    expect(plan([col('country').str.toUpperCase().max().alias('top')])).toBeUndefined()
  })
})

describe('partitioned engine', () => {
  const query = (f: Awaited<ReturnType<typeof read>>) =>
    f
      .filter(col('amount').gt(10))
      .groupBy(['country', 'year'])
      .agg(
        col('amount').sum().alias('total'),
        col('amount').mean().alias('avg'),
        pl.len().alias('n'),
        col('id').max().alias('last'),
      )

  it('gives the same result on worker threads, in this thread, and eagerly', async () => {
    const expected = await query(await read(events, { engine: 'eager' })).toRecords()
    expect(expected).toHaveLength(12)
    const frame = await read(events, { engine: 'partitioned' })
    expect(await query(frame).toRecords()).toEqual(expected)
    expect(await withConfig({ maxWorkers: 1 }, () => query(frame).toRecords())).toEqual(expected)
  })

  // Per partition, these answered for each file instead of the input (a select of a sum gave one sum per file).
  const acrossRows: [string, (f: Frame) => Frame][] = [
    ['select of a sum', (f) => f.select(col('amount').sum().alias('s'))],
    ['select of a mean and a length', (f) => f.select(col('amount').mean().alias('m'), pl.len().alias('n'))],
    ['a window column', (f) => f.withColumns(col('amount').sum().over('country').alias('t'))],
    ['a shifted column', (f) => f.withColumns(col('amount').shift(1).alias('previous'))],
    ['a cumulative sum', (f) => f.withColumns(col('id').cumSum().alias('running'))],
    ['nulls filled with the mean', (f) => f.withColumns(col('amount').fillNull(col('amount').mean()))],
    ['a filter against the mean', (f) => f.filter(col('amount').gt(col('amount').mean()))],
    ['a select of the first rows', (f) => f.select(col('id').head(3))],
    [
      'a group-by summing deviations from the group mean',
      (f) =>
        f
          .groupBy('country', { sort: true })
          .agg(col('amount').sub(col('amount').mean()).abs().sum().alias('dev')),
    ],
    [
      'a group-by on a key computed across rows',
      (f) =>
        f
          .groupBy(col('amount').shift(1).isNull().alias('after_null'), { sort: true })
          .agg(pl.len().alias('n')),
    ],
    ['a sort by a rank, then a limit', (f) => f.sort(col('amount').rank(), { descending: true }).limit(5)],
  ]

  it.each(acrossRows)('answers %s as the eager engine does (over the whole input)', async (_, query) => {
    const expected = await query(await read(events, { engine: 'eager' })).toRecords()
    const frame = await read(events, { engine: 'partitioned' })
    expect(await query(frame).toRecords()).toEqual(expected)
    expect(await withConfig({ maxWorkers: 1 }, () => query(frame).toRecords())).toEqual(expected)
  })

  it('still runs row-by-row expressions partition by partition', async () => {
    const frame = await read(events, { engine: 'partitioned' })
    const streamed = frame
      .filter(col('amount').gt(3))
      .withColumns(col('country').str.toUpperCase().alias('upper'), col('amount').mul(2).alias('double'))
      .select('id', 'upper', 'double')
    expect(streamed.native as PartitionedDataset).toMatchObject({ kind: 'dataset', pendingOperations: 3 })
    expect(frame.select(col('amount').sum()).native as PartitionedDataset).toMatchObject({ kind: 'derived' })
  })

  it('runs expressions that cannot be serialised in this thread', async () => {
    const frame = await read(events, { engine: 'partitioned' })
    const upper = frame
      .withColumns(col('country').str.toUpperCase().alias('country'))
      .filter(col('country').eq(pl.lit('FR')))
    expect(await upper.height()).toBe(N / 4)
  })

  it('reports progress per partition when the progress setting is on', async () => {
    const frame = await read(events, { engine: 'partitioned' })
    const lines: string[] = []
    const write = process.stderr.write
    process.stderr.write = ((chunk: string) => {
      lines.push(String(chunk))
      return true
    }) as typeof process.stderr.write
    try {
      await withConfig({ progress: true }, () => frame.height())
    } finally {
      process.stderr.write = write
    }
    expect(lines.at(-1)).toBe('parquetframe: partitions 6/6\n')
  })

  it('cuts a large Parquet file at row-group boundaries into partitions of about eagerThresholdMB', async () => {
    const big = join(tmp.dir, 'big.parquet')
    const rows = 300_000
    await pl
      .DataFrame([
        pl
          .Series(
            'v',
            Array.from({ length: rows }, (_, i) => i % 1000),
          )
          .cast(pl.Int64),
      ])
      .lazy()
      .sinkParquet(big, { rowGroupSize: 30_000 })
      .collect()
    const partitions = await planPartitions(await discoverDataset(big), MIB)
    expect(partitions.map((p) => p.slice)).toEqual([
      { offset: 0, length: 120_000 },
      { offset: 120_000, length: 120_000 },
      { offset: 240_000, length: 60_000 },
    ])
    const frame = await withConfig({ eagerThresholdMB: 1 }, () => read(big, { engine: 'partitioned' }))
    expect((frame.native as PartitionedDataset).partitions).toBe(3)
    expect(await frame.height()).toBe(rows)
    expect(
      await frame.groupBy(col('v').modulo(2).alias('odd')).agg(col('v').sum().alias('s')).toRecords(),
    ).toEqual([
      { odd: 0, s: 300 * 249_500 },
      { odd: 1, s: 300 * 250_000 },
    ])
    expect(await frame.sort('v', { descending: true }).limit(2).toRecords()).toEqual([{ v: 999 }, { v: 999 }])
    expect((await planPartitions(await discoverDataset(big), 100 * MIB)).map((p) => p.slice)).toEqual([
      undefined,
    ])
  })

  it('surfaces a damaged partition as an error naming the problem', async () => {
    const broken = join(tmp.dir, 'broken')
    await mkdir(broken)
    source.head(10).writeParquet(join(broken, 'a.parquet'))
    source.head(10).writeParquet(join(broken, 'b.parquet'))
    const frame = await read(broken, { engine: 'partitioned' })
    await writeFile(join(broken, 'b.parquet'), 'not parquet at all')
    const failure = frame.height()
    await expect(failure).rejects.toThrow(PartitionError)
    await expect(frame.height()).rejects.toThrow(/Partition .*b\.parquet failed: /)
  })
})

describe('hive-style partitioned writes', () => {
  it('writes col=value/ directories without the partition columns, readable as is by DuckDB', async () => {
    const out = join(tmp.dir, 'by-country')
    const frame = await read(events, { engine: 'partitioned' })
    await frame.write(out, { partitionBy: ['country', 'year'] })
    const files = await listFiles(out)
    expect(files).toHaveLength(4 * 3 * 6)
    expect(files.filter((f) => f.startsWith('country=a%2Fb c/year=2021/'))).toHaveLength(6)
    expect(files.every((f) => /^country=[^/]+\/year=20\d\d\/part-\d{5}-[0-9a-f-]+\.parquet$/.test(f))).toBe(
      true,
    )
    const one = pl.readParquet(join(out, files[0] as string))
    expect(one.columns).toEqual(['id', 'amount'])

    const back = await read(out, { engine: 'eager' })
    expect(back.columns).toEqual(['id', 'amount', 'country', 'year'])
    expect(await back.sort('id').select('id', 'country', 'year', 'amount').toRecords()).toEqual(
      source.toRecords(),
    )

    const instance = await DuckDBInstance.create(':memory:')
    const connection = await instance.connect()
    try {
      const result = await connection.runAndReadAll(
        `SELECT country, year::BIGINT AS year, count(*)::BIGINT AS n, sum(amount)::BIGINT AS total
         FROM read_parquet('${out}/**/*.parquet', hive_partitioning = true)
         GROUP BY ALL ORDER BY country, year`,
      )
      const duck = result
        .getRowObjectsJS()
        .map((r) => ({ ...r, n: Number(r.n), year: Number(r.year), total: Number(r.total) }))
      const ours = await source
        .lazy()
        .groupBy(['country', 'year'])
        .agg(pl.len().cast(pl.Int64).alias('n'), col('amount').sum().alias('total'))
        .sort(['country', 'year'])
        .collect()
      expect(duck).toEqual(ours.toRecords())
    } finally {
      connection.closeSync()
      instance.closeSync()
    }
  })

  it('writes the same layout from an eager frame, refuses a non-empty directory unless told', async () => {
    const out = join(tmp.dir, 'eager-out')
    const frame = await read(events, { engine: 'eager' })
    await frame.write(out, { partitionBy: 'year' })
    expect((await listFiles(out)).map((f) => f.split('/')[0])).toEqual([
      'year=2020',
      'year=2021',
      'year=2022',
    ])
    await expect(frame.write(out, { partitionBy: 'year' })).rejects.toThrow(/not empty.*overwrite/)
    await frame.write(out, { partitionBy: 'year', mode: 'append' })
    expect(await listFiles(out)).toHaveLength(6)
    await frame.write(out, { partitionBy: 'year', mode: 'overwrite' })
    expect(await listFiles(out)).toHaveLength(3)
    expect(await (await read(out)).height()).toBe(N)
    await expect(frame.write(join(tmp.dir, 'x'), { partitionBy: 'nope' })).rejects.toThrow(
      /partitionBy column "nope"/,
    )
  })

  it('writes a flat directory of part files with partitionBy: [] and null partitions as __HIVE_DEFAULT_PARTITION__', async () => {
    const flat = join(tmp.dir, 'flat')
    await (await read(events, { engine: 'partitioned' }))
      .filter(col('id').lt(1200))
      .write(flat, { partitionBy: [] })
    expect(await listFiles(flat)).toHaveLength(3)
    const nulls = join(tmp.dir, 'nulls')
    await (await read(events, { engine: 'eager' }))
      .filter(col('id').lt(23))
      .write(nulls, { partitionBy: 'amount' })
    const dirs = new Set((await listFiles(nulls)).map((f) => f.split('/')[0]))
    expect(dirs.has('amount=__HIVE_DEFAULT_PARTITION__')).toBe(true)
    const back = await read(nulls)
    expect(await back.filter(col('amount').isNull()).height()).toBe(3)
  })
})
