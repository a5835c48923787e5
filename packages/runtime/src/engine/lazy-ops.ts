import pl from 'nodejs-polars'
import { safeCollect } from '../format/safe-collect.js'
import type { AggregateSpec, JoinSpec, SortSpec, UniqueSpec } from './engine-frame.js'

/** The operations of every engine, on a polars LazyDataFrame: one definition of their semantics. */
export const lazyOps = {
  filter: (lf: pl.LazyDataFrame, predicate: pl.Expr) => lf.filter(predicate),
  select: (lf: pl.LazyDataFrame, exprs: readonly pl.Expr[]) => lf.select(...exprs),
  withColumns: (lf: pl.LazyDataFrame, exprs: readonly pl.Expr[]) => lf.withColumns(...exprs),
  aggregate(lf: pl.LazyDataFrame, spec: AggregateSpec, keyNames: readonly string[]) {
    const grouped = lf.groupBy([...spec.keys]).agg(...spec.aggs)
    return spec.sort ? grouped.sort([...keyNames], false, false, true) : grouped
  },
  sort(lf: pl.LazyDataFrame, spec: SortSpec) {
    const first = spec.descending[0] ?? false
    if (spec.descending.every((d) => d === first)) return lf.sort([...spec.by], first, spec.nullsLast, true)
    // Mixed directions (polars-js takes one flag): stable sorts from the last key to the first.
    let out = lf
    for (let i = spec.by.length - 1; i >= 0; i--) {
      out = out.sort([spec.by[i] as pl.Expr], spec.descending[i] ?? false, spec.nullsLast, true)
    }
    return out
  },
  limit: (lf: pl.LazyDataFrame, n: number) => lf.limit(n),
  join(lf: pl.LazyDataFrame, right: pl.LazyDataFrame, spec: JoinSpec) {
    if (spec.how === 'cross') return lf.join(right, { how: 'cross', suffix: spec.suffix })
    return lf.join(right, {
      leftOn: [...spec.leftOn],
      rightOn: [...spec.rightOn],
      how: spec.how,
      suffix: spec.suffix,
    })
  },
  unique: (lf: pl.LazyDataFrame, spec: UniqueSpec) =>
    lf.unique({
      ...(spec.subset ? { subset: [...spec.subset] } : {}),
      keep: spec.keep,
      maintainOrder: spec.maintainOrder,
    }),
}

/** The names of a group-by's key columns, from running it on an empty frame. */
export function aggregateKeyNames(template: pl.DataFrame, spec: AggregateSpec): string[] {
  return template
    .lazy()
    .groupBy([...spec.keys])
    .agg(...spec.aggs)
    .collectSync()
    .columns.slice(0, spec.keys.length)
}

/** Runs a lazy frame on its empty template to learn the output schema. */
export function emptyResult(lf: pl.LazyDataFrame): pl.DataFrame {
  return lf.limit(0).collectSync()
}

/** Number of rows of a lazy frame (polars answers from metadata where it can). */
export async function lazyHeight(lf: pl.LazyDataFrame): Promise<number> {
  const df = await safeCollect(lf.select(pl.len().alias('len')))
  return Number(df.getColumn('len').get(0))
}
