import type pl from 'nodejs-polars'
import type { EngineName } from './engine-name.js'

/** A group-by: keys, aggregations, and whether to sort the result by the keys. */
export interface AggregateSpec {
  readonly keys: readonly pl.Expr[]
  readonly aggs: readonly pl.Expr[]
  /** Sort the groups by their keys (deterministic output). */
  readonly sort: boolean
}

/** A sort: expressions with one direction each; nulls first unless `nullsLast`. */
export interface SortSpec {
  readonly by: readonly pl.Expr[]
  readonly descending: readonly boolean[]
  readonly nullsLast: boolean
}

/** Join kinds. `semi`/`anti` keep left rows with/without a match; `cross` is the cartesian product. */
export type JoinHow = 'inner' | 'left' | 'full' | 'semi' | 'anti' | 'cross'

/** A join on columns (names on each side; ignored for `cross`). */
export interface JoinSpec {
  readonly leftOn: readonly string[]
  readonly rightOn: readonly string[]
  readonly how: JoinHow
  /** Suffix of right-side columns whose names clash. Default `_right`. */
  readonly suffix: string
}

/** Duplicate removal over `subset` (all columns when absent). */
export interface UniqueSpec {
  readonly subset?: readonly string[]
  readonly keep: 'first' | 'last' | 'any' | 'none'
  readonly maintainOrder: boolean
}

/**
 * One engine's immutable query state: every operation returns a new one; nothing runs until
 * `collect()`/`height()` (the eager engine runs each operation at once).
 */
export interface EngineFrame {
  readonly engineName: EngineName
  /** The polars DataFrame, polars LazyDataFrame, or PartitionedDataset underneath. */
  readonly native: unknown
  /** An empty DataFrame with the output schema (columns and dtypes). */
  readonly template: pl.DataFrame
  filter(predicate: pl.Expr): EngineFrame
  select(exprs: readonly pl.Expr[]): EngineFrame
  withColumns(exprs: readonly pl.Expr[]): EngineFrame
  aggregate(spec: AggregateSpec): EngineFrame
  sort(spec: SortSpec): EngineFrame
  limit(n: number): EngineFrame
  join(right: EngineFrame, spec: JoinSpec): EngineFrame
  unique(spec: UniqueSpec): EngineFrame
  /** Runs the query and returns the whole result in memory. */
  collect(): Promise<pl.DataFrame>
  /** Number of rows of the result. */
  height(): Promise<number>
  /** The query as a polars LazyDataFrame (throws if it cannot be expressed without running it). */
  toLazyDataFrame(): pl.LazyDataFrame
}
