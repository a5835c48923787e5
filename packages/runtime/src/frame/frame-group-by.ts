import pl from 'nodejs-polars'
import type { EngineFrame } from '../engine/engine-frame.js'
import { Frame } from './frame.js'
import { FrameError } from './frame-error.js'

/** A pending group-by: finish it with `agg(...)` or a shortcut (`sum()`, `mean()`, `count()`, `min()`, `max()`). */
export class FrameGroupBy {
  /** @internal Use `Frame.groupBy()`. */
  constructor(
    private readonly inner: EngineFrame,
    private readonly keys: readonly pl.Expr[],
    private readonly sort: boolean,
  ) {}

  /** Aggregates each group: `agg(pl.col('x').sum().alias('total'), pl.len().alias('n'))`. */
  agg(...aggs: (pl.Expr | readonly pl.Expr[])[]): Frame {
    const flat = aggs.flat() as pl.Expr[]
    if (flat.length === 0) throw new FrameError('agg() needs at least one aggregation expression')
    return Frame.fromEngine(this.inner.aggregate({ keys: this.keys, aggs: flat, sort: this.sort }))
  }

  /** Sum of every non-key column, per group. */
  sum(): Frame {
    return this.each((c) => c.sum())
  }
  /** Mean of every non-key column, per group. */
  mean(): Frame {
    return this.each((c) => c.mean())
  }
  /** Minimum of every non-key column, per group. */
  min(): Frame {
    return this.each((c) => c.min())
  }
  /** Maximum of every non-key column, per group. */
  max(): Frame {
    return this.each((c) => c.max())
  }
  /** Number of rows per group, in a column named `count`. */
  count(): Frame {
    return this.agg(pl.len().alias('count'))
  }

  private each(aggregate: (column: pl.Expr) => pl.Expr): Frame {
    const template = this.inner.template
    const keyNames = new Set(
      template
        .lazy()
        .select(...this.keys)
        .collectSync().columns,
    )
    const values = template.columns.filter((c) => !keyNames.has(c))
    if (values.length === 0) throw new FrameError('No columns to aggregate besides the group keys')
    return this.agg(values.map((c) => aggregate(pl.col(c)).alias(c)))
  }
}
