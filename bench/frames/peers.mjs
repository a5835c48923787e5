// The peers the frame layer is measured against: raw nodejs-polars and DuckDB on the same files.
import { DuckDBInstance } from '@duckdb/node-api'
import pl from 'nodejs-polars'

/** read + filter(amount > 50) + group by category (sum amount, count) with raw polars, eager. */
export function polarsEager(path) {
  return pl
    .readParquet(path)
    .filter(pl.col('amount').gt(50))
    .groupBy('category')
    .agg(pl.col('amount').sum().alias('total'), pl.col('id').count().alias('n'))
    .sort('category')
}

/** The same query with raw polars, lazy scan (collected off the main thread, as the Frame does). */
export function polarsLazy(path) {
  return pl
    .scanParquet(path)
    .filter(pl.col('amount').gt(50))
    .groupBy('category')
    .agg(pl.col('amount').sum().alias('total'), pl.col('id').count().alias('n'))
    .sort('category')
    .collect()
}

let duck
/** The same query in DuckDB. */
export async function duckdb(path) {
  duck ??= await (await DuckDBInstance.create(':memory:')).connect()
  const reader = await duck.runAndReadAll(
    `select category, sum(amount) as total, count(id) as n from read_parquet('${path}') where amount > 50 group by category order by category`,
  )
  return reader.getRowObjectsJS()
}
