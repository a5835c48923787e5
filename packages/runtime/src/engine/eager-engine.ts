import type pl from 'nodejs-polars'
import type { AggregateSpec, EngineFrame, JoinSpec, SortSpec, UniqueSpec } from './engine-frame.js'
import { aggregateKeyNames, lazyOps } from './lazy-ops.js'

/** The eager engine: a polars DataFrame in memory; each operation runs at once. */
export class EagerEngine implements EngineFrame {
  readonly engineName = 'eager' as const
  constructor(readonly native: pl.DataFrame) {}

  get template(): pl.DataFrame {
    return this.native.head(0)
  }

  private run(plan: (lf: pl.LazyDataFrame) => pl.LazyDataFrame): EagerEngine {
    return new EagerEngine(plan(this.native.lazy()).collectSync())
  }

  filter(predicate: pl.Expr): EngineFrame {
    return this.run((lf) => lazyOps.filter(lf, predicate))
  }
  select(exprs: readonly pl.Expr[]): EngineFrame {
    return this.run((lf) => lazyOps.select(lf, exprs))
  }
  withColumns(exprs: readonly pl.Expr[]): EngineFrame {
    return this.run((lf) => lazyOps.withColumns(lf, exprs))
  }
  aggregate(spec: AggregateSpec): EngineFrame {
    const keys = aggregateKeyNames(this.template, spec)
    return this.run((lf) => lazyOps.aggregate(lf, spec, keys))
  }
  sort(spec: SortSpec): EngineFrame {
    return this.run((lf) => lazyOps.sort(lf, spec))
  }
  limit(n: number): EngineFrame {
    return new EagerEngine(this.native.head(n))
  }
  join(right: EngineFrame, spec: JoinSpec): EngineFrame {
    const other = right instanceof EagerEngine ? right.native.lazy() : right.toLazyDataFrame()
    return this.run((lf) => lazyOps.join(lf, other, spec))
  }
  unique(spec: UniqueSpec): EngineFrame {
    return this.run((lf) => lazyOps.unique(lf, spec))
  }
  async collect(): Promise<pl.DataFrame> {
    return this.native
  }
  async height(): Promise<number> {
    return this.native.height
  }
  toLazyDataFrame(): pl.LazyDataFrame {
    return this.native.lazy()
  }
}
