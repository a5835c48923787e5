import { mkdir, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import pl from 'nodejs-polars'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import { resetConfig, setConfig, withConfig } from '../config/config-store.js'
import type { PartitionedDataset } from '../engine/partitioned-engine.js'
import { closeWorkerPools } from '../engine/worker-pool.js'
import { ConfigError, FormatError, NotFoundError } from '../errors/pf-error.js'
import { getFormat } from '../format/format-registry.js'
import { useSharedTempDir } from '../table/__fixtures__/temp-dir.js'
import { Frame } from './frame.js'
import { FrameError } from './frame-error.js'
import { read, readAvro, readCsv, readIpc, readNdjson, readParquet, readTsv } from './read-frame.js'
import { dataFrameToRecords } from './records-converter.js'

const col = pl.col
const tmp = useSharedTempDir('pf-frame-')
const people = pl.DataFrame([
  pl.Series('id', [1, 2, 3, 4], pl.Int64),
  pl.Series('name', ['Ann', 'Bob', 'Cy', 'Di'], pl.Utf8),
  pl.Series('age', [31, null, 17, 45], pl.Int64),
])

afterAll(async () => {
  await closeWorkerPools()
})
afterEach(() => {
  delete process.env.PARQUETFRAME_ENGINE
  resetConfig()
  vi.restoreAllMocks()
})

describe('read()', () => {
  it('fails with NotFoundError for a missing path, before looking at the extension', async () => {
    await expect(read(join(tmp.dir, 'missing.xyz'))).rejects.toThrow(NotFoundError)
    await expect(read(join(tmp.dir, 'missing.parquet'))).rejects.toThrow(/not found: .*missing\.parquet/)
  })

  it('rejects an unknown extension, listing the supported ones; format: overrides detection', async () => {
    const txt = join(tmp.dir, 'data.txt')
    await writeFile(txt, 'a,b\n1,2\n')
    await expect(read(txt)).rejects.toThrow(FormatError)
    await expect(read(txt)).rejects.toThrow(/Unsupported file format "\.txt".*\.parquet.*\.csv.*\.tsv/)
    expect((await read(txt, { format: 'csv' })).columns).toEqual(['a', 'b'])
    expect(await (await readCsv(txt)).toRecords()).toEqual([{ a: 1, b: 2 }])
  })

  it('reads TSV as tab-separated, whatever the case of the extension', async () => {
    const tsv = join(tmp.dir, 'T.TSV')
    await writeFile(tsv, 'a\tb\n1\t3\n')
    const frame = await read(tsv)
    expect(frame.columns).toEqual(['a', 'b'])
    expect(await frame.toRecords()).toEqual([{ a: 1, b: 3 }])
    expect((await readTsv(tsv)).columns).toEqual(['a', 'b'])
  })

  it('has a named reader per format', async () => {
    const readers = { parquet: readParquet, csv: readCsv, ndjson: readNdjson, ipc: readIpc, avro: readAvro }
    for (const [format, reader] of Object.entries(readers)) {
      const path = join(tmp.dir, `people-${format}.bin`)
      await getFormat(format as keyof typeof readers).write(people, path)
      const frame = await reader(path)
      expect(await frame.height(), format).toBe(4)
      expect(frame.columns, format).toEqual(['id', 'name', 'age'])
    }
  })

  it('reads a glob of files and a directory of files in path order', async () => {
    const sub = join(tmp.dir, 'glob')
    await mkdir(sub)
    await getFormat('csv').write(people.head(2), join(sub, 'a.csv'))
    await getFormat('csv').write(people.tail(2), join(sub, 'b.csv'))
    await writeFile(join(sub, 'notes.md'), '# not data')
    const viaGlob = await read(join(sub, '*.csv'))
    expect(await viaGlob.select('id').toRecords()).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }])
    expect(await (await read(sub)).height()).toBe(4)
    await expect(read(join(sub, '*.avro'))).rejects.toThrow(NotFoundError)
  })

  it('restores hive partition columns on every engine', async () => {
    const root = join(tmp.dir, 'hive-read')
    for (const [year, region] of [
      [2023, 'eu'],
      [2024, 'eu'],
      [2024, 'us'],
    ] as const) {
      await mkdir(join(root, `year=${year}`, `region=${region}`), { recursive: true })
      people.writeParquet(join(root, `year=${year}`, `region=${region}`, 'part-0.parquet'))
    }
    const expected = await (await read(root, { engine: 'eager' }))
      .groupBy(['year', 'region'])
      .agg(col('id').sum().alias('ids'))
      .toRecords()
    expect(expected).toEqual([
      { year: 2023, region: 'eu', ids: 10 },
      { year: 2024, region: 'eu', ids: 10 },
      { year: 2024, region: 'us', ids: 10 },
    ])
    for (const engine of ['lazy', 'partitioned'] as const) {
      const frame = await read(root, { engine })
      expect(frame.schema.year?.variant).toBe('Int64')
      expect(await frame.groupBy(['year', 'region']).agg(col('id').sum().alias('ids')).toRecords()).toEqual(
        expected,
      )
      expect(await frame.filter(col('year').eq(2024)).height()).toBe(8)
    }
  })
})

describe('engine selection through read()', () => {
  it('follows explicit argument > config > environment > size, and logs the choice when verbose', async () => {
    const path = join(tmp.dir, 'small.parquet')
    people.writeParquet(path)
    expect((await read(path)).engineName).toBe('eager')
    process.env.PARQUETFRAME_ENGINE = 'polars'
    resetConfig()
    expect((await read(path)).engineName).toBe('lazy')
    setConfig({ engine: 'dask' })
    expect((await read(path)).engineName).toBe('partitioned')
    expect((await read(path, { engine: 'pandas' })).engineName).toBe('eager')
    resetConfig()
    delete process.env.PARQUETFRAME_ENGINE
    setConfig({ eagerThresholdMB: 0, partitionedThresholdMB: 1 })
    expect((await read(path)).engineName).toBe('lazy')

    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    await withConfig({ verbose: true }, () => read(path))
    expect(String(stderr.mock.calls[0]?.[0])).toMatch(
      /read .*small\.parquet: lazy engine \(estimated in-memory size/,
    )
    await expect(read(path, { engine: 'spark' as never })).rejects.toThrow(ConfigError)
  })

  it('exposes the native object of each engine', async () => {
    const path = join(tmp.dir, 'native.parquet')
    people.writeParquet(path)
    expect((await read(path, { engine: 'eager' })).native).toBeInstanceOf(Object)
    expect(((await read(path, { engine: 'eager' })).native as pl.DataFrame).height).toBe(4)
    expect(typeof ((await read(path, { engine: 'lazy' })).native as pl.LazyDataFrame).collect).toBe(
      'function',
    )
    const partitioned = (await read(path, { engine: 'partitioned' })).native as PartitionedDataset
    expect(partitioned).toEqual({ kind: 'dataset', files: [path], partitions: 1, pendingOperations: 0 })
  })
})

describe('Frame', () => {
  const frame = () => Frame.fromDataFrame(people)

  it('reports columns, schema and height, and chains operations', async () => {
    const f = frame()
    expect(f.columns).toEqual(['id', 'name', 'age'])
    expect(Object.fromEntries(Object.entries(f.schema).map(([k, v]) => [k, v.variant]))).toEqual({
      id: 'Int64',
      name: 'String',
      age: 'Int64',
    })
    expect(await f.height()).toBe(4)
    const chained = f
      .filter(col('age').isNotNull())
      .withColumns(col('age').add(1).alias('next'))
      .select('name', 'next')
      .sort('next', { descending: true })
      .head(2)
    expect(chained).toBeInstanceOf(Frame)
    expect(await chained.toRecords()).toEqual([
      { name: 'Di', next: 46 },
      { name: 'Ann', next: 32 },
    ])
  })

  it('names its mistakes', () => {
    const f = frame()
    expect(() => f.select()).toThrow(FrameError)
    expect(() => f.limit(-1)).toThrow(/non-negative integer/)
    expect(() => f.join(f, {})).toThrow(/join\(inner\) needs `on`/)
    expect(() => f.join(f, { on: 'nope' })).toThrow(/left frame has no column "nope"/)
    expect(() => f.select('id').groupBy('id').sum()).toThrow(/No columns to aggregate/)
    expect(() => f.groupBy([])).toThrow(/at least one key/)
  })

  it('joins across engines and cross-joins', async () => {
    const labels = Frame.fromDataFrame(
      pl.DataFrame({ id: pl.Series('id', [1, 3], pl.Int64), tag: ['x', 'y'] }),
    )
    const lazyLabels = await labels.toLazy()
    const joined = await frame().join(lazyLabels, { on: 'id' }).sort('id').toRecords()
    expect(joined.map((r) => r.tag)).toEqual(['x', 'y'])
    const cross = frame().select('id').join(labels.select('tag'), { how: 'cross' })
    expect(await cross.height()).toBe(8)
    const partitioned = await frame().toPartitioned()
    expect(await partitioned.join(labels, { on: 'id', how: 'anti' }).height()).toBe(2)
  })

  it('writes single files atomically in the format of the extension, and toAvro chains', async () => {
    for (const ext of ['parquet', 'csv', 'ndjson', 'arrow', 'avro']) {
      const path = join(tmp.dir, 'out', `people.${ext}`)
      const result = await frame().write(path, { ...(ext === 'parquet' ? { codec: 'snappy' } : {}) })
      expect(await (await read(path)).height(), ext).toBe(4)
      expect(result).toBeInstanceOf(Frame)
    }
    expect((await readdir(join(tmp.dir, 'out'))).filter((f) => f.startsWith('.'))).toEqual([])
    const f = frame()
    const avro = join(tmp.dir, 'out', 'chain.avro')
    expect(await f.toAvro(avro, { codec: 'deflate' })).toBe(f)
    expect(await (await readAvro(avro)).toRecords()).toEqual(await f.toRecords())
  })

  it('converts between engines', async () => {
    const f = frame().filter(col('id').gt(1))
    const lazy = await f.toLazy()
    const partitioned = await lazy.toPartitioned()
    expect([lazy.engineName, partitioned.engineName, (await partitioned.toEager()).engineName]).toEqual([
      'lazy',
      'partitioned',
      'eager',
    ])
    expect(await partitioned.toRecords()).toEqual(await f.toRecords())
    expect(await (await partitioned.toLazy()).toRecords()).toEqual(await f.toRecords())
    expect((await f.toDataFrame()).height).toBe(3)
  })
})

describe('toRecords', () => {
  it('matches polars toRecords on every common dtype, nulls included', () => {
    const df = pl.DataFrame([
      pl.Series('i64', [1, null, -3], pl.Int64),
      pl.Series('i32', [1, 2, null], pl.Int32),
      pl.Series('u8', [1, 2, 3], pl.UInt8),
      pl.Series('f64', [1.5, null, Number.NaN], pl.Float64),
      pl.Series('f32', [0.5, 1, 2], pl.Float32),
      pl.Series('b', [true, null, false], pl.Bool),
      pl.Series('s', ['x', null, 'ü'], pl.Utf8),
      pl.Series('t', [new Date('2024-01-02T03:04:05.006Z'), null, new Date(0)], pl.Datetime('us')),
      pl.Series('d', [new Date('2024-01-02T00:00:00Z'), null, new Date('1969-12-31T00:00:00Z')], pl.Date),
      pl.Series('l', [[1, 2], [], null], pl.List(pl.Int64)),
    ])
    expect(dataFrameToRecords(df)).toEqual(df.toRecords())
    expect(dataFrameToRecords(df.head(0))).toEqual([])
  })

  it('keeps awkward column names as plain keys', () => {
    const df = pl
      .DataFrame({ 'a "quoted"\nname': [1], __proto__x: [2] })
      .withColumns(pl.lit(3).alias('__proto__'))
    const [row] = dataFrameToRecords(df)
    expect(Object.keys(row ?? {})).toEqual(['a "quoted"\nname', '__proto__x', '__proto__'])
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype)
    expect(Object.getOwnPropertyDescriptor(row, '__proto__')?.value).toBe(3)
  })
})
