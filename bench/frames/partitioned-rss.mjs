// Builds a hive-partitioned dataset whose in-memory size is >= 2 GB (written in chunks, never whole in memory),
// then aggregates it with the partitioned engine and reports the peak RSS of this process against that size.
import { existsSync, mkdirSync } from 'node:fs'
import { read } from '@parquetframe/runtime'
import pl from 'nodejs-polars'
import { makeFrame } from './generate.mjs'

const dir = 'bench/.data/big'
const chunks = 64
const rowsPerChunk = 1_000_000
if (!existsSync(`${dir}/_done`)) {
  for (let c = 0; c < chunks; c++) {
    const part = `${dir}/chunk=${c}`
    mkdirSync(part, { recursive: true })
    makeFrame(rowsPerChunk, c * rowsPerChunk).writeParquet(`${part}/part-0.parquet`, { compression: 'zstd' })
  }
  mkdirSync(`${dir}/_done`)
}
// In-memory size of one chunk, times the chunk count.
const one = pl.readParquet(`${dir}/chunk=0/part-0.parquet`)
// polars' in-memory layout: 8 bytes per Int64/Float64, 4 per Int32, 1 bit per Boolean, a 16-byte view per string
// (plus its bytes beyond 12).
const width = { Int64: 8, Float64: 8, Int32: 4, Bool: 0.125 }
let perChunk = 0
for (const s of one.getColumns()) {
  const w = width[s.dtype.variant]
  perChunk +=
    w !== undefined ? w * s.length : s.toArray().reduce((n, v) => n + 16 + Math.max(0, v.length - 12), 0)
}
const bytes = perChunk * chunks
let peak = process.memoryUsage().rss
const timer = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss)
}, 20)
const t0 = performance.now()
const df = await read(dir, { engine: 'partitioned' })
const out = await df
  .groupBy('category')
  .agg(pl.col('amount').sum().alias('total'), pl.col('id').count().alias('n'))
  .collect()
const ms = performance.now() - t0
clearInterval(timer)
peak = Math.max(peak, process.memoryUsage().rss)
const rows = (await out.toDataFrame()).getColumn('n').sum()
const gb = (b) => `${(b / 2 ** 30).toFixed(2)} GiB`
console.log(
  `rows ${Number(rows).toLocaleString('en')}, in-memory size ${gb(bytes)}, peak RSS ${gb(peak)} (main thread process incl. workers), ratio ${(peak / bytes).toFixed(2)}, time ${(ms / 1000).toFixed(1)} s`,
)
