import type pl from 'nodejs-polars'
import { safeCollect } from '../format/safe-collect.js'
import type { AggregateSpec, EngineFrame, JoinSpec, SortSpec, UniqueSpec } from './engine-frame.js'
import { aggregateKeyNames, emptyResult, lazyHeight, lazyOps } from './lazy-ops.js'

/** The lazy engine: a polars LazyDataFrame (scans with predicate and projection pushdown), run on collect. */
export class LazyEngine implements EngineFrame {
  readonly engineName = 'lazy' as const
  private cachedTemplate: pl.DataFrame | undefined
  constructor(readonly native: pl.LazyDataFrame) {}

  get template(): pl.DataFrame {
    this.cachedTemplate ??= emptyResult(this.native)
    return this.cachedTemplate
  }

  filter(predicate: pl.Expr): EngineFrame {
    return new LazyEngine(lazyOps.filter(this.native, predicate))
  }
  select(exprs: readonly pl.Expr[]): EngineFrame {
    return new LazyEngine(lazyOps.select(this.native, exprs))
  }
  withColumns(exprs: readonly pl.Expr[]): EngineFrame {
    return new LazyEngine(lazyOps.withColumns(this.native, exprs))
  }
  aggregate(spec: AggregateSpec): EngineFrame {
    return new LazyEngine(lazyOps.aggregate(this.native, spec, aggregateKeyNames(this.template, spec)))
  }
  sort(spec: SortSpec): EngineFrame {
    return new LazyEngine(lazyOps.sort(this.native, spec))
  }
  limit(n: number): EngineFrame {
    return new LazyEngine(lazyOps.limit(this.native, n))
  }
  join(right: EngineFrame, spec: JoinSpec): EngineFrame {
    return new LazyEngine(lazyOps.join(this.native, right.toLazyDataFrame(), spec))
  }
  unique(spec: UniqueSpec): EngineFrame {
    return new LazyEngine(lazyOps.unique(this.native, spec))
  }
  collect(): Promise<pl.DataFrame> {
    return safeCollect(this.native)
  }
  height(): Promise<number> {
    return lazyHeight(this.native)
  }
  toLazyDataFrame(): pl.LazyDataFrame {
    return this.native
  }
}
