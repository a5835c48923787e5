// Generates the benchmark data sets with raw polars (columns built natively, not from JS objects).
// usage: node bench/frames/generate.mjs <rows> <out.parquet>
import pl from 'nodejs-polars'

export function makeFrame(rows, seed = 0) {
  const base = pl.DataFrame({ i: pl.Series('i', [0], pl.Int64) })
  return base
    .lazy()
    .select(pl.intRange(seed, seed + rows, 1, pl.Int64).alias('id'))
    .withColumns(
      pl
        .concatString([pl.lit('cat_'), pl.col('id').modulo(100).cast(pl.Int64).cast(pl.Utf8)], '')
        .alias('category'),
      pl.col('id').mul(7919).modulo(10007).cast(pl.Float64).div(100).alias('amount'),
      pl.col('id').modulo(13).cast(pl.Int32).alias('qty'),
      pl.col('id').modulo(2).eq(0).alias('flag'),
    )
    .collectSync()
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = Number(process.argv[2] ?? 1_000_000)
  const out = process.argv[3] ?? `bench/.data/frames-${rows}.parquet`
  makeFrame(rows).writeParquet(out, { compression: 'zstd' })
  console.log(`wrote ${rows} rows to ${out}`)
}
