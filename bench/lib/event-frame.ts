// The synthetic Event rows the table and migration benchmarks write: one builder, so both measure the same data.
import pl from 'nodejs-polars'

/** `rows` events with ids from `start`, built natively: category, amount, qty, flag and, with `at`, a UTC time. */
export function eventFrame(rows: number, start = 0, options: { readonly at?: boolean } = {}): pl.DataFrame {
  const columns = [
    pl.concatString([pl.lit('cat_'), pl.col('id').modulo(100).cast(pl.Utf8)], '').alias('category'),
    pl.col('id').mul(7919).modulo(10007).cast(pl.Float64).div(100).alias('amount'),
    pl.col('id').modulo(13).cast(pl.Int64).alias('qty'),
    pl.col('id').modulo(2).eq(0).alias('flag'),
  ]
  if (options.at)
    columns.push(
      pl.col('id').mul(1_000_003).add(1_700_000_000_000_000).cast(pl.Datetime('us', 'UTC')).alias('at'),
    )
  return pl
    .DataFrame({ i: pl.Series('i', [0], pl.Int64) })
    .lazy()
    .select(pl.intRange(start, start + rows, 1, pl.Int64).alias('id'))
    .withColumns(...columns)
    .collectSync()
}
