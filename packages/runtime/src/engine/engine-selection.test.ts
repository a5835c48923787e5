import { mkdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import pl from 'nodejs-polars'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { resetConfig, setConfig, withConfig } from '../config/config-store.js'
import { ConfigError, FormatError, NotFoundError } from '../errors/pf-error.js'
import { useSharedTempDir } from '../table/__fixtures__/temp-dir.js'
import { discoverDataset } from './dataset-discovery.js'
import { explainEngine } from './engine-explanation.js'
import { globToRegExp } from './glob-matcher.js'
import { readParquetFooter } from './parquet-footer-reader.js'
import { MIB, selectEngine } from './select-engine.js'
import { estimateParquetBytes } from './size-estimator.js'

const tmp = useSharedTempDir('pf-engine-')
let small: string
let big: string

beforeAll(async () => {
  small = join(tmp.dir, 'small.csv')
  await writeFile(small, 'a,b\n1,2\n3,4\n5,6\n')
  big = join(tmp.dir, 'big.parquet')
  pl.DataFrame([pl.Series('v', new Int32Array(2_000_000).fill(7)).cast(pl.Int64)]).writeParquet(big, {
    compression: 'zstd',
  })
})
afterEach(() => {
  delete process.env.PARQUETFRAME_ENGINE
  resetConfig()
  vi.restoreAllMocks()
})

describe('selectEngine (pure)', () => {
  const defaults = { eagerThresholdMB: 100, partitionedThresholdMB: 10_000 }
  it.each([
    [50 * MIB, 'eager'],
    [100 * MIB - 1, 'eager'],
    [100 * MIB, 'lazy'],
    [500 * MIB, 'lazy'],
    [10_000 * MIB - 1, 'lazy'],
    [10_000 * MIB, 'partitioned'],
    [200 * 1024 * MIB, 'partitioned'],
  ])('%d bytes → %s (eager < first threshold <= lazy < second threshold <= partitioned)', (bytes, engine) => {
    expect(selectEngine(bytes, defaults)).toBe(engine)
  })
  it('follows the thresholds', () => {
    expect(selectEngine(1000, { eagerThresholdMB: 0.0001, partitionedThresholdMB: 10_000 })).toBe('lazy')
    expect(selectEngine(1000, { eagerThresholdMB: 0, partitionedThresholdMB: 0 })).toBe('partitioned')
  })
})

describe('size estimate', () => {
  it('reads the in-memory size of a Parquet file from its footer, not its compressed size', async () => {
    const footer = await readParquetFooter(big)
    expect(footer.numRows).toBe(2_000_000)
    const estimate = estimateParquetBytes(footer)
    expect(estimate).toBeGreaterThanOrEqual(2_000_000 * 8)
    expect(estimate).toBeLessThan(2_000_000 * 8 * 2)
    expect((await stat(big)).size).toBeLessThan(estimate / 100)
  })
  it('rejects a file that is not Parquet', async () => {
    await expect(readParquetFooter(small)).rejects.toThrow(FormatError)
  })
})

describe('explainEngine', () => {
  it('picks eager for a small file by default, and says why', async () => {
    const result = await explainEngine(small)
    expect(result).toMatchObject({ engine: 'eager', estimatedBytes: 16 })
    expect(result.reason).toMatch(/< eagerThresholdMB \(100 MiB\)/)
  })
  it('changes its choice when a threshold changes', async () => {
    expect((await explainEngine(big)).engine).toBe('eager')
    setConfig({ eagerThresholdMB: 10 })
    expect((await explainEngine(big)).engine).toBe('lazy')
    setConfig({ partitionedThresholdMB: 15 })
    expect((await explainEngine(big)).engine).toBe('partitioned')
    await withConfig({ eagerThresholdMB: 0.00001, partitionedThresholdMB: 10_000 }, async () => {
      expect((await explainEngine(small)).engine).toBe('lazy')
    })
  })
  it('explicit argument > programmatic > environment > heuristic', async () => {
    process.env.PARQUETFRAME_ENGINE = 'polars'
    resetConfig()
    expect(await explainEngine(small)).toMatchObject({ engine: 'lazy', reason: 'PARQUETFRAME_ENGINE=polars' })
    setConfig({ engine: 'dask' })
    expect(await explainEngine(small)).toMatchObject({
      engine: 'partitioned',
      reason: 'engine set in configuration',
    })
    expect(await explainEngine(small, { engine: 'pandas' })).toMatchObject({
      engine: 'eager',
      reason: 'explicit engine argument',
      estimatedBytes: 16,
    })
    expect((await explainEngine(small, { engine: 'auto' })).engine).toBe('partitioned')
  })
  it('ignores an invalid PARQUETFRAME_ENGINE with a warning', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    process.env.PARQUETFRAME_ENGINE = 'spark'
    resetConfig()
    expect((await explainEngine(small)).engine).toBe('eager')
    expect(String(stderr.mock.calls[0]?.[0])).toMatch(/PARQUETFRAME_ENGINE="spark"/)
  })
  it('rejects an invalid engine argument listing the valid ones', async () => {
    const act = explainEngine(small, { engine: 'spark' })
    await expect(act).rejects.toThrow(ConfigError)
    await expect(explainEngine(small, { engine: 'spark' })).rejects.toThrow(
      /Unknown engine "spark". Valid engines: auto, eager, lazy, partitioned \(aliases: pandas → eager, polars → lazy, dask → partitioned\)/,
    )
  })
  it('sums file sizes over a directory', async () => {
    const sub = join(tmp.dir, 'csvs')
    await mkdir(sub, { recursive: true })
    await writeFile(join(sub, 'a.csv'), 'x\n1\n')
    await writeFile(join(sub, 'b.csv'), 'x\n22\n')
    expect((await explainEngine(sub)).estimatedBytes).toBe(9)
  })
})

describe('dataset discovery', () => {
  it('checks existence first, then the extension', async () => {
    await expect(discoverDataset(join(tmp.dir, 'missing.txt'))).rejects.toThrow(NotFoundError)
    const txt = join(tmp.dir, 'data.txt')
    await writeFile(txt, 'x')
    await expect(discoverDataset(txt)).rejects.toThrow(/Unsupported file format ".txt".*\.parquet/)
    expect((await discoverDataset(txt, { format: 'parquet' })).format).toBe('parquet')
  })
  it('is case-insensitive about extensions', async () => {
    const upper = join(tmp.dir, 'UP.PARQUET')
    pl.DataFrame({ a: [1] }).writeParquet(upper)
    expect((await discoverDataset(upper)).format).toBe('parquet')
  })
  it('restores hive partitions, skips hidden and underscore files, and infers partition types', async () => {
    const root = join(tmp.dir, 'hive')
    for (const [year, tag] of [
      ['2023', 'a%2Fb'],
      ['2024', '__HIVE_DEFAULT_PARTITION__'],
    ] as const) {
      const leaf = join(root, `year=${year}`, `tag=${tag}`)
      await mkdir(leaf, { recursive: true })
      pl.DataFrame({ v: [1] }).writeParquet(join(leaf, 'part-0.parquet'))
    }
    await writeFile(join(root, '_SUCCESS'), '')
    await mkdir(join(root, '_spark_metadata'), { recursive: true })
    await writeFile(join(root, '_spark_metadata', 'x.parquet'), '')
    const dataset = await discoverDataset(root)
    expect(dataset.partitionColumns).toEqual([
      { name: 'year', type: 'int' },
      { name: 'tag', type: 'string' },
    ])
    expect(dataset.files.map((f) => f.partitionValues)).toEqual([
      { year: '2023', tag: 'a/b' },
      { year: '2024', tag: null },
    ])
    const glob = await discoverDataset(join(root, 'year=2024', '**', '*.parquet'))
    expect(glob.files).toHaveLength(1)
    expect(glob.partitionColumns).toEqual([{ name: 'tag', type: 'string' }])
    await expect(discoverDataset(join(root, '*.csv'))).rejects.toThrow(NotFoundError)
    // A folder with _delta_log/ is a Delta table: its data files are not its rows (read() reads its snapshot).
    await mkdir(join(root, 'year=2023', '_delta_log'))
    await expect(discoverDataset(root)).rejects.toThrow(/year=2023 is a Delta table/)
  })
  it('compiles globs', () => {
    expect(globToRegExp('**/*.parquet').test('a/b/c.parquet')).toBe(true)
    expect(globToRegExp('**/*.parquet').test('c.parquet')).toBe(true)
    expect(globToRegExp('*.parquet').test('a/c.parquet')).toBe(false)
    expect(globToRegExp('part-?.{csv,tsv}').test('part-1.tsv')).toBe(true)
    expect(globToRegExp('[ab].csv').test('c.csv')).toBe(false)
  })
})
