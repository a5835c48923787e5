import pl from 'nodejs-polars'
import { safeCollect } from './safe-collect.js'
import type { ReadOptions } from './storage-format.js'

/** Applies `columns` and `nRows` to a lazy scan so polars pushes them down, then collects. */
export async function collectWithOptions(lf: pl.LazyDataFrame, options: ReadOptions): Promise<pl.DataFrame> {
  let out = lf
  if (options.columns) out = out.select(...options.columns)
  if (options.nRows !== undefined) out = out.head(options.nRows)
  return safeCollect(out)
}

/** Applies `columns` and `nRows` to an eager frame. */
export function projectEager(df: pl.DataFrame, options: ReadOptions): pl.DataFrame {
  let out = df
  if (options.columns) out = out.select(...options.columns)
  if (options.nRows !== undefined) out = out.head(options.nRows)
  return out
}

/** One lazy frame over many (vertical concatenation, in order). */
export function concatLazy(frames: pl.LazyDataFrame[]): pl.LazyDataFrame {
  const [first, ...rest] = frames
  if (!first) return pl.DataFrame().lazy()
  return rest.length === 0 ? first : pl.concat(frames)
}
