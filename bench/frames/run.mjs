// Frame benchmark: read + filter + group-by through each engine against raw nodejs-polars and DuckDB,
// on the same generated Parquet files, in one run; toRecords against polars' own; partitioned peak RSS.
// usage: npm run build && node bench/frames/run.mjs [--rows 1000000,10000000] [--skip-big]
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { read } from '@parquetframe/runtime'
import pl from 'nodejs-polars'
import { fmtMs, timeMedian, writeResults } from '../lib/bench-util.mjs'
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

const lines = ['## read + filter + group-by (median of 3 after a warm-up)', '']
lines.push(
  '| rows | polars eager | polars lazy | DuckDB | Frame eager | Frame lazy | Frame partitioned | eager/polars | lazy/polars lazy |',
)
lines.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- |')
for (const rows of rowCounts) {
  const path = dataset(rows)
  const pe = await timeMedian(() => polarsEager(path))
  const plz = await timeMedian(() => polarsLazy(path))
  const dk = await timeMedian(() => duckdb(path))
  const fe = await timeMedian(() => viaFrame(path, 'eager'))
  const fl = await timeMedian(() => viaFrame(path, 'lazy'))
  const fp = await timeMedian(() => viaFrame(path, 'partitioned'))
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
}

writeResults('bench/frames/results.md', 'Frame benchmark', lines)
