// Table benchmark (issue 3). Run: node --import tsx bench/tables/tables-bench.ts [--quick]
// Writes bench/tables/results.md. Data goes to bench/.data/tables (git-ignored).
import { spawnSync } from 'node:child_process'
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import pl from 'nodejs-polars'
import type { EntityIR, FieldIR, FieldType } from '../../packages/runtime/src/schema/schema-ir.js'
import {
  createTable,
  openTable,
  type Table,
  type UpdateMode,
} from '../../packages/runtime/src/table/index.js'
import type { LogEntry } from '../../packages/runtime/src/table/log-entry.js'
import { TableLog } from '../../packages/runtime/src/table/table-log.js'
import { replay } from '../../packages/runtime/src/table/table-state.js'
import { fmtMs, writeResults } from '../lib/bench-util.mjs'

const quick = process.argv.includes('--quick')
const ROOT = join('bench', '.data', 'tables')
const UPSERTS = quick ? 100 : 1000
rmSync(ROOT, { recursive: true, force: true })
mkdirSync(ROOT, { recursive: true })

function field(id: number, name: string, type: FieldType, isId = false): FieldIR {
  return { id, name, column: name, type, optional: false, isId, unique: false, index: false }
}
const entity: EntityIR = {
  name: 'Event',
  storage: 'events',
  format: 'parquet',
  primaryKey: ['id'],
  partitionBy: [],
  fields: [
    field(1, 'id', { kind: 'scalar', name: 'Int' }, true),
    field(2, 'category', { kind: 'scalar', name: 'String' }),
    field(3, 'amount', { kind: 'scalar', name: 'Float' }),
    field(4, 'qty', { kind: 'scalar', name: 'Int' }),
    field(5, 'flag', { kind: 'scalar', name: 'Boolean' }),
  ],
  relations: [],
  indexes: [],
  uniques: [],
}

/** A frame of `rows` events with ids from `start`, built natively. */
function frame(rows: number, start = 0): pl.DataFrame {
  return pl
    .DataFrame({ i: pl.Series('i', [0], pl.Int64) })
    .lazy()
    .select(pl.intRange(start, start + rows, 1, pl.Int64).alias('id'))
    .withColumns(
      pl.concatString([pl.lit('cat_'), pl.col('id').modulo(100).cast(pl.Utf8)], '').alias('category'),
      pl.col('id').mul(7919).modulo(10007).cast(pl.Float64).div(100).alias('amount'),
      pl.col('id').modulo(13).cast(pl.Int64).alias('qty'),
      pl.col('id').modulo(2).eq(0).alias('flag'),
    )
    .collectSync()
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? Number.NaN
}

async function table(name: string, rows: number, updateMode: UpdateMode = 'merge-on-read'): Promise<Table> {
  const t = await createTable(join(ROOT, name), { entity, updateMode })
  if (rows > 0) await t.append(frame(rows))
  return t
}

const lines: string[] = []
const note = (s: string): void => {
  console.log(s)
  lines.push(s)
}

// 1. Bulk append of 1M rows vs raw writeParquet of the same frame.
{
  const df = frame(1_000_000)
  const raw: number[] = []
  const ours: number[] = []
  for (let i = 0; i < 3; i++) {
    const p = join(ROOT, `raw-${i}.parquet`)
    let t0 = performance.now()
    df.writeParquet(p, { compression: 'zstd' })
    raw.push(performance.now() - t0)
    const t = await createTable(join(ROOT, `bulk-${i}`), { entity })
    t0 = performance.now()
    await t.append(df)
    ours.push(performance.now() - t0)
  }
  note('## Bulk append, 1M rows (median of 3)')
  note('')
  note(`- raw nodejs-polars writeParquet (zstd): ${fmtMs(median(raw))}`)
  note(`- table.append (validate, stats, write+fsync+rename, commit): ${fmtMs(median(ours))}`)
  note(`- ratio: ${(median(ours) / median(raw)).toFixed(2)}x (target <= 1.2x)`)
  note('')
}

// 2. Single-row upserts into 10k and 1M rows.
async function upserts(t: Table, size: number, n: number): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < n; i++) {
    const id = Math.floor(Math.random() * size)
    const row = frame(1, id).withColumns(pl.lit('updated').alias('category'))
    const t0 = performance.now()
    await t.upsert(row)
    times.push(performance.now() - t0)
  }
  return median(times)
}
/** The Python library's strategy: load the whole file, replace the row, rewrite the file. */
function wholeFileRewrite(path: string, size: number, n: number): number {
  frame(size).writeParquet(path, { compression: 'zstd' })
  const times: number[] = []
  for (let i = 0; i < n; i++) {
    const id = Math.floor(Math.random() * size)
    const row = frame(1, id).withColumns(pl.lit('updated').alias('category'))
    const t0 = performance.now()
    const all = pl.readParquet(path)
    const kept = all.filter(pl.col('id').neq(pl.lit(id)))
    pl.concat([kept, row]).writeParquet(path, { compression: 'zstd' })
    times.push(performance.now() - t0)
  }
  return median(times)
}
{
  note(`## ${UPSERTS} single-row upserts (median per commit)`)
  note('')
  const mor10k = await upserts(await table('up-mor-10k', 10_000), 10_000, UPSERTS)
  const mor1m = await upserts(await table('up-mor-1m', 1_000_000), 1_000_000, UPSERTS)
  const cowN = Math.min(UPSERTS, 50)
  const cow10k = await upserts(await table('up-cow-10k', 10_000, 'copy-on-write'), 10_000, cowN)
  const cow1m = await upserts(await table('up-cow-1m', 1_000_000, 'copy-on-write'), 1_000_000, cowN)
  const py10k = wholeFileRewrite(join(ROOT, 'py-10k.parquet'), 10_000, cowN)
  const py1m = wholeFileRewrite(join(ROOT, 'py-1m.parquet'), 1_000_000, 20)
  note(
    `- merge-on-read (default): 10k rows ${fmtMs(mor10k)}, 1M rows ${fmtMs(mor1m)}, ratio ${(mor1m / mor10k).toFixed(2)} (target <= 1.5)`,
  )
  note(
    `- copy-on-write (${cowN} upserts): 10k rows ${fmtMs(cow10k)}, 1M rows ${fmtMs(cow1m)}, ratio ${(cow1m / cow10k).toFixed(2)}`,
  )
  note(
    `- whole-file rewrite (the Python library's strategy): 10k rows ${fmtMs(py10k)}, 1M rows ${fmtMs(py1m)}`,
  )
  note(
    `- speed-up of merge-on-read over whole-file rewrite: ${(py10k / mor10k).toFixed(1)}x at 10k, ${(py1m / mor1m).toFixed(1)}x at 1M`,
  )
  note('')
}

// 3. find by primary key in a 1M-row table: cold (fresh process) vs DuckDB on the same files, and warm.
{
  const t = await table('find-1m', 1_000_000)
  const files = (await t.snapshot()).files.map((f) => join(ROOT, 'find-1m', f.add.path))
  const cold = (code: string): number => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      encoding: 'utf8',
    })
    const ms = Number(/ms=([\d.]+)/.exec(r.stdout)?.[1])
    if (Number.isNaN(ms)) throw new Error(r.stderr)
    return ms
  }
  const ours: number[] = []
  const duck: number[] = []
  for (let i = 0; i < 3; i++) {
    const id = Math.floor(Math.random() * 1_000_000)
    ours.push(
      cold(`import { openTable } from './packages/runtime/src/table/index.ts'
const t0 = performance.now(); const t = await openTable('${join(ROOT, 'find-1m')}'); const r = await t.findByKey(${id}); if (!r) throw new Error('missing'); console.log('ms=' + (performance.now() - t0))`),
    )
    duck.push(
      cold(`import { DuckDBInstance } from '@duckdb/node-api'
const t0 = performance.now(); const c = await (await DuckDBInstance.create(':memory:')).connect(); const r = await c.runAndReadAll("select * from read_parquet(${JSON.stringify(files).replaceAll('"', "'")}) where id = ${id}"); if (r.getRowObjectsJS().length !== 1) throw new Error('missing'); console.log('ms=' + (performance.now() - t0))`),
    )
  }
  for (let i = 0; i < 3; i++) await t.findByKey(i)
  const warm: number[] = []
  for (let i = 0; i < 1000; i++) {
    const id = Math.floor(Math.random() * 1_000_000)
    const t0 = performance.now()
    await t.findByKey(id)
    warm.push(performance.now() - t0)
  }
  note('## find by primary key, 1M-row table')
  note('')
  note(
    `- cold, fresh process, open + find (median of 3): ${fmtMs(median(ours))}; DuckDB connect + query of the same files: ${fmtMs(median(duck))}`,
  )
  note(`- warm (same process, 1000 random keys, median): ${fmtMs(median(warm))} (target <= 1 ms)`)
  note('')
}

// 4. Opening a table after 10,000 commits. The log is written through the table's own
// log writer (entries + a checkpoint every 100), without data files: opening never reads them.
{
  const path = join(ROOT, 'open-10k')
  const t = await createTable(path, { entity })
  const log = new TableLog(path, (t as unknown as { log: TableLog }).log.fs, 'Event')
  let state = (await t.snapshot()).state
  const stats = { numRows: 1, columns: {} }
  for (let v = 1; v <= 10_000; v++) {
    const entry: LogEntry = {
      version: v,
      commitInfo: {
        timestamp: Date.now(),
        operation: 'APPEND',
        readVersion: v - 1,
        rowsAdded: 1,
        rowsRemoved: 0,
        txnId: String(v),
      },
      add: [{ path: `part-${v}.parquet`, size: 1, partitionValues: {}, stats }],
    }
    await log.writeEntry(entry)
    state = replay(state, [entry])
    if (v % 100 === 0) await log.writeCheckpoint(state)
  }
  const times: number[] = []
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now()
    const opened = await openTable(path)
    if (opened.version !== 10_000) throw new Error('wrong version')
    times.push(performance.now() - t0)
  }
  note('## Open after 10,000 commits')
  note('')
  note(
    `- openTable (newest checkpoint + entries after it), median of 5: ${fmtMs(median(times))} (target <= 50 ms)`,
  )
  note('')
}

writeResults(join('bench', 'tables', 'results.md'), 'Tables benchmark', [
  `Load average at the end: ${(await import('node:os'))
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} (2 cores). ${quick ? 'Quick run (--quick).' : ''}`,
  '',
  ...lines,
])
