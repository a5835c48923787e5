import type pl from 'nodejs-polars'

/**
 * Runs a lazy query on the calling thread. nodejs-polars' async `collect()` runs on a libuv worker where a Rust
 * panic (a map layout or a corrupt page polars cannot decode) cannot unwind and aborts the whole process;
 * `collectSync()` turns the same panic into a JS error that callers can type and name.
 */
export async function safeCollect(lf: pl.LazyDataFrame): Promise<pl.DataFrame> {
  return lf.collectSync()
}
