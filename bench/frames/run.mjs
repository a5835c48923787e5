// Frame benchmark: read + filter + group-by through each engine against raw nodejs-polars and DuckDB,
// on the same generated Parquet files, in one run; toRecords against polars' own; partitioned peak RSS.
// usage: npm run build && node bench/frames/run.mjs [--rows 1000000,10000000] [--skip-big]
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { read } from '@parquetframe/runtime'
import pl from 'nodejs-polars'
import { fmtMs, timeInterleaved, timeMedian, writeResults } from '../lib/bench-util.mjs'
import { makeFrame } from './generate.mjs'
import { duckdb, polarsEager, polarsLazy } from './peers.mjs'

const args = process.argv.slice(2)
const rowsArg = args.includes('--rows') ? args[args.indexOf('--rows') + 1] : '1000000,10000000'
const rowCounts = rowsArg.split(',').map(Number)
const dataDir = 'bench/.data'
mkdirSync(dataDir, { recursive: true })

function dataset(rows) {
  const path = `${dataDir}/frames-${rows}.parquet`
  if (!existsSync(path)) makeFrame(rows).writeParquet(path, { compression: 'zstd' })
  return path
}

async function viaFrame(path, engine) {
  const df = await read(path, { engine })
  return df
    .filter(pl.col('amount').gt(50))
    .groupBy('category')
    .agg(pl.col('amount').sum().alias('total'), pl.col('id').count().alias('n'))
    .sort('category')
    .collect()
}

const RUNS = 7
const lines = [
  `## read + filter + group-by (median of ${RUNS} rounds after a warm-up round, each Frame engine interleaved with its peer)`,
  '',
]
lines.push(
  '| rows | polars eager | polars lazy | DuckDB | Frame eager | Frame lazy | Frame partitioned | eager/polars | lazy/polars lazy |',
)
lines.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- |')
for (const rows of rowCounts) {
  const path = dataset(rows)
  // Each Frame engine is timed interleaved with its peer only: a 10M-row eager frame left to the collector
  // slows whatever runs next, so a round over all six paths skewed the ratios by up to 2x between runs.
  const [pe, fe] = await timeInterleaved([() => polarsEager(path), () => viaFrame(path, 'eager')], {
    runs: RUNS,
  })
  const [plz, fl] = await timeInterleaved([() => polarsLazy(path), () => viaFrame(path, 'lazy')], {
    runs: RUNS,
  })
  const [dk, fp] = await timeInterleaved([() => duckdb(path), () => viaFrame(path, 'partitioned')], {
    runs: RUNS,
  })
  // Same answer from every path.
  const expected = await polarsLazy(path)
  for (const engine of ['eager', 'lazy', 'partitioned']) {
    const got = await (await viaFrame(path, engine)).toDataFrame()
    const same = (a, b) =>
      JSON.stringify(a.getColumn('category').toArray()) ===
        JSON.stringify(b.getColumn('category').toArray()) &&
      a.getColumn('n').toArray().map(Number).join() === b.getColumn('n').toArray().map(Number).join()
    if (!same(got, expected)) throw new Error(`${engine} engine gave a different result`)
  }
  lines.push(
    `| ${rows.toLocaleString('en')} | ${fmtMs(pe)} | ${fmtMs(plz)} | ${fmtMs(dk)} | ${fmtMs(fe)} | ${fmtMs(fl)} | ${fmtMs(fp)} | ${(fe / pe).toFixed(2)} | ${(fl / plz).toFixed(2)} |`,
  )
  console.log(lines.at(-1))
}

// toRecords on 1M rows: ours (column arrays) vs polars' own toRecords.
{
  const path = dataset(1_000_000)
  const df = pl.readParquet(path)
  const frame = await read(path, { engine: 'eager' })
  const ours = await timeMedian(() => frame.toRecords(), { runs: 3 })
  const theirs = await timeMedian(() => df.toRecords(), { runs: 3, warm: false })
  lines.push(
    '',
    '## toRecords, 1M rows',
    '',
    `| Frame.toRecords | polars toRecords | speed-up |`,
    '| --- | --- | --- |',
  )
  lines.push(`| ${fmtMs(ours)} | ${fmtMs(theirs)} | ${(theirs / ours).toFixed(2)}x |`)
  console.log(lines.at(-1))
}

// Partitioned engine on a dataset of >= 2 GB in memory, peak RSS measured in a child process.
if (!args.includes('--skip-big')) {
  const out = execFileSync(process.execPath, ['bench/frames/partitioned-rss.mjs'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  lines.push('', '## Partitioned engine, large dataset', '', out.trim())
  console.log(out)
} else {
  // The large run takes minutes: without it, the last measured section is kept, marked as such.
  const previous = existsSync('bench/frames/results.md')
    ? readFileSync('bench/frames/results.md', 'utf8')
    : ''
  const at = previous.indexOf('## Partitioned engine, large dataset')
  if (at >= 0) {
    const when = /^Run (\S+)/m.exec(previous)?.[1] ?? 'an earlier run'
    const body = previous.slice(at).split('\n').slice(1).join('\n').trim()
    const carried = body.startsWith('Not re-run')
      ? body
      : `Not re-run (\`--skip-big\`); from the run of ${when}: ${body}`
    lines.push('', '## Partitioned engine, large dataset', '', carried)
  }
}

writeResults('bench/frames/results.md', 'Frame benchmark', lines)
