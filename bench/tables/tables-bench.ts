// Table benchmark (issue 3). Run: node --import tsx bench/tables/tables-bench.ts [--quick] [--only=append,upsert,find,open]
// A full run writes bench/tables/results.md; --only writes bench/.data/tables-partial.md instead.
// Data goes to bench/.data/tables (git-ignored).
import { spawnSync } from 'node:child_process'
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, rmSync, statSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import pl from 'nodejs-polars'
import type { EntityIR, FieldIR, FieldType } from '../../packages/runtime/src/schema/schema-ir.js'
import {
  createTable,
  openTable,
  type Table,
  type UpdateMode,
} from '../../packages/runtime/src/table/index.js'
import { fmtMs, writeResults } from '../lib/bench-util.mjs'
import { eventFrame } from '../lib/event-frame.js'

const quick = process.argv.includes('--quick')
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',')
const runs = (section: string): boolean => !only || only.includes(section)
const ROOT = join('bench', '.data', 'tables')
const UPSERTS = quick ? 100 : 1000
const COMMITS = quick ? 1000 : 10_000
rmSync(ROOT, { recursive: true, force: true })
mkdirSync(ROOT, { recursive: true })
const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')
const loadAtStart = load()

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

const list = (xs: number[]): string => xs.map((x) => x.toFixed(0)).join(', ')

/** One event row, built from Series (cheaper than the lazy builder for single rows). */
function oneRow(id: number): pl.DataFrame {
  return pl.DataFrame([
    pl.Series('id', [id], pl.Int64),
    pl.Series('category', [`cat_${id % 100}`], pl.Utf8),
    pl.Series('amount', [((id * 7919) % 10007) / 100], pl.Float64),
    pl.Series('qty', [id % 13], pl.Int64),
    pl.Series('flag', [id % 2 === 0], pl.Bool),
  ])
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? Number.NaN
}

async function table(name: string, rows: number, updateMode: UpdateMode = 'merge-on-read'): Promise<Table> {
  const t = await createTable(join(ROOT, name), { entity, updateMode })
  if (rows > 0) await t.append(eventFrame(rows))
  return t
}

const lines: string[] = []
const note = (s: string): void => {
  console.log(s)
  lines.push(s)
}

// 1. Bulk append of 1M rows vs raw writeParquet of the same frame, interleaved in the same run.
// The peer writes to a path without fsync (plain writeParquet, the target's baseline); the same
// write followed by an fsync of the file and of its folder is reported too (what durability costs).
function fsyncPath(path: string): void {
  const fd = openSync(path, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}
if (runs('append')) {
  const df = eventFrame(1_000_000)
  const RUNS = quick ? 3 : 7
  const raw: number[] = []
  const rawSync: number[] = []
  const ours: number[] = []
  // One warm-up of each (first writes pay for allocations and page-cache growth).
  df.writeParquet(join(ROOT, 'warm.parquet'), { compression: 'zstd' })
  await (await createTable(join(ROOT, 'bulk-warm'), { entity })).append(df)
  for (let i = 0; i < RUNS; i++) {
    const p = join(ROOT, `raw-${i}.parquet`)
    let t0 = performance.now()
    df.writeParquet(p, { compression: 'zstd' })
    raw.push(performance.now() - t0)
    const q = join(ROOT, `raw-sync-${i}.parquet`)
    t0 = performance.now()
    df.writeParquet(q, { compression: 'zstd' })
    fsyncPath(q)
    fsyncPath(ROOT)
    rawSync.push(performance.now() - t0)
    const t = await createTable(join(ROOT, `bulk-${i}`), { entity })
    t0 = performance.now()
    await t.append(df)
    ours.push(performance.now() - t0)
  }
  const rawMs = median(raw)
  const oursMs = median(ours)
  note(`## Bulk append, 1M rows (median of ${RUNS}, interleaved, after one warm-up each)`)
  note('')
  note(`- raw nodejs-polars \`writeParquet(path)\` (zstd, no fsync): ${fmtMs(rawMs)}`)
  note(`- the same followed by fsync of the file and its folder: ${fmtMs(median(rawSync))}`)
  note(
    `- table.append (validate, write to a temp name + fsync + rename + folder fsync, stats from the footer, log entry created exclusively + fsync): ${fmtMs(oursMs)}`,
  )
  note(`- ratio to plain writeParquet: ${(oursMs / rawMs).toFixed(2)}x (target <= 1.2x)`)
  note(`- ratio to writeParquet + fsync: ${(oursMs / median(rawSync)).toFixed(2)}x`)
  note(`- all runs (ms): raw ${list(raw)}; raw+fsync ${list(rawSync)}; append ${list(ours)}`)
  note('')
}

// 2. Single-row upserts into 10k and 1M rows.
async function upserts(t: Table, size: number, n: number): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < n; i++) {
    const id = Math.floor(Math.random() * size)
    const row = eventFrame(1, id).withColumns(pl.lit('updated').alias('category'))
    const t0 = performance.now()
    await t.upsert(row)
    times.push(performance.now() - t0)
  }
  return median(times)
}
/** The Python library's strategy: load the whole file, replace the row, rewrite the file. */
function wholeFileRewrite(path: string, size: number, n: number): number {
  eventFrame(size).writeParquet(path, { compression: 'zstd' })
  const times: number[] = []
  for (let i = 0; i < n; i++) {
    const id = Math.floor(Math.random() * size)
    const row = eventFrame(1, id).withColumns(pl.lit('updated').alias('category'))
    const t0 = performance.now()
    const all = pl.readParquet(path)
    const kept = all.filter(pl.col('id').neq(pl.lit(id)))
    pl.concat([kept, row]).writeParquet(path, { compression: 'zstd' })
    times.push(performance.now() - t0)
  }
  return median(times)
}
if (runs('upsert')) {
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
if (runs('find')) {
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

// 4. Opening a table after 10,000 commits, built through the Table API: 10,000 single-row appends
// (one data file and one log entry each, a checkpoint every 100 versions as the runtime writes them).
// Twice: with the default automatic compaction (256 small files are merged by a COMPACT commit), and
// with it off (10,000 live files: the newest checkpoint lists them all). Opened in this process (a new
// Table each time: log files read and parsed again, OS cache warm) and in fresh processes (the
// openTable call only, after the imports).
/** Median ms of openTable in `n` fresh processes (the call only; imports excluded). */
function coldOpen(path: string, version: number, n: number): number[] {
  const times: number[] = []
  for (let i = 0; i < n; i++) {
    const code = `import { openTable } from './packages/runtime/src/table/index.ts'
const t0 = performance.now(); const t = await openTable('${path}'); const ms = performance.now() - t0
if (t.version !== ${version}) throw new Error('wrong version ' + t.version); console.log('ms=' + ms)`
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      encoding: 'utf8',
    })
    const ms = Number(/ms=([\d.]+)/.exec(r.stdout)?.[1])
    if (Number.isNaN(ms)) throw new Error(r.stderr)
    times.push(ms)
  }
  return times
}
async function warmOpen(path: string, version: number, n: number): Promise<number[]> {
  const times: number[] = []
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    const opened = await openTable(path)
    times.push(performance.now() - t0)
    if (opened.version !== version) throw new Error(`wrong version ${opened.version}`)
  }
  return times
}
async function openSection(name: string, label: string, options: { autoCompact?: false }): Promise<void> {
  const path = join(ROOT, name)
  const t = await createTable(path, { entity, ...options })
  const appendTimes: number[] = []
  const built = performance.now()
  for (let v = 1; v <= COMMITS; v++) {
    const row = oneRow(v)
    const t0 = performance.now()
    await t.append(row)
    appendTimes.push(performance.now() - t0)
  }
  const buildMs = performance.now() - built
  // Automatic compaction runs in the background: its commit is part of the table being opened.
  await t.settled()
  const version = t.version
  const logDir = join(path, '_delta_log')
  const names = readdirSync(logDir)
  const checkpoints = names.filter((n) => n.endsWith('.checkpoint.parquet')).sort()
  const newest = checkpoints.at(-1)
  const checkpointBytes = newest ? statSync(join(logDir, newest)).size : 0
  const liveFiles = (await t.snapshot()).files.length
  const compactions = (await t.history()).filter((h) => h.operation === 'COMPACT').length
  const first = appendTimes.slice(0, 100)
  const last = appendTimes.slice(-100)
  const inProcess = await warmOpen(path, version, 7)
  const fresh = coldOpen(path, version, 5)
  note(`## Open after ${COMMITS.toLocaleString('en-US')} commits: ${label}`)
  note('')
  note(
    `- built by ${COMMITS.toLocaleString('en-US')} single-row \`table.append\` calls in ${fmtMs(buildMs)} (median append ${fmtMs(median(first))} over the first 100, ${fmtMs(median(last))} over the last 100, slowest ${fmtMs(Math.max(...appendTimes))}); ${compactions} automatic compactions; ${liveFiles.toLocaleString('en-US')} live data files, ${names.length} files in \`_delta_log\`, newest checkpoint ${(checkpointBytes / 1e6).toFixed(2)} MB`,
  )
  note(
    `- openTable in this process, median of 7: ${fmtMs(median(inProcess))}; in a fresh process (the call only), median of 5: ${fmtMs(median(fresh))} (target <= 50 ms)`,
  )
  note(`- all runs (ms): in-process ${list(inProcess)}; fresh ${list(fresh)}`)
  note('')
}
if (runs('open')) {
  await openSection('open-10k', 'default (automatic compaction)', {})
  await openSection('open-10k-no-compaction', 'automatic compaction off', { autoCompact: false })
}

writeResults(
  only ? join('bench', '.data', 'tables-partial.md') : join('bench', 'tables', 'results.md'),
  'Tables benchmark',
  [
    `Load average (1, 5, 15 min; 2 cores) at the start: ${loadAtStart}; at the end: ${load()}. ${quick ? 'Quick run (--quick).' : ''}`,
    '',
    ...lines,
  ],
)
