import pl from 'nodejs-polars'
import type { AggregateSpec } from './engine-frame.js'
import { decodeExpr, encodeExpr } from './expr-codec.js'
import { isJsonObject as isObject, isRowLocal, isRowLocalJson, type Json } from './row-local.js'

/** A group-by split into per-partition partial aggregates and a combine step over their union. */
export interface PartialAggregation {
  /** Per partition: `groupBy(keys).agg(partials)`. */
  readonly partials: readonly pl.Expr[]
  /** Over the concatenated partials: `groupBy(keyNames).agg(combine)`, named and typed as the direct result. */
  readonly combine: readonly pl.Expr[]
  readonly keyNames: readonly string[]
}

/** The aggregation kinds that combine from partials: sum/count/len by sum, min by min, max by max, mean by sum/count. */
type Decomposed =
  | { kind: 'sum' | 'min' | 'max' | 'count'; partial: pl.Expr }
  | { kind: 'mean'; input: pl.Expr }

function decompose(expr: pl.Expr): Decomposed | undefined {
  let node: Json
  try {
    node = JSON.parse(encodeExpr(expr)) as Json
  } catch {
    return undefined // an opaque function polars cannot serialise: not decomposable here
  }
  if (isObject(node) && Array.isArray(node.Alias)) node = node.Alias[0] ?? null
  const rebuild = (json: Json) => decodeExpr(JSON.stringify(json))
  if (node === 'Len') return { kind: 'count', partial: pl.len() }
  const agg = isObject(node) ? node.Agg : undefined
  if (agg === undefined || !isObject(agg)) return undefined
  const [[name, body] = []] = Object.entries(agg)
  // What is aggregated must itself be row by row (not `(x - x.mean()).sum()` or `x.shift(1).sum()`): each partition
  // then contributes exactly its rows' values.
  if (name === undefined || body === undefined || !isRowLocalJson(aggregatedInput(name, body)))
    return undefined
  switch (name) {
    case 'Sum':
      return { kind: 'sum', partial: rebuild({ Agg: { Sum: body } }) }
    case 'Min':
      return { kind: 'min', partial: rebuild({ Agg: { Min: body } }) }
    case 'Max':
      return { kind: 'max', partial: rebuild({ Agg: { Max: body } }) }
    case 'Count':
      return { kind: 'count', partial: rebuild({ Agg: { Count: body } }) }
    case 'Mean':
      return { kind: 'mean', input: rebuild(body) }
    default:
      return undefined
  }
}

/** The expression an aggregation's JSON body aggregates (`Count`, `Min` and `Max` wrap it with their options). */
function aggregatedInput(name: string, body: Json): Json {
  if ((name === 'Count' || name === 'Min' || name === 'Max') && isObject(body) && 'input' in body)
    return body.input ?? null
  return body
}

/**
 * Plans a group-by as partial aggregates, or returns undefined when one aggregation does not
 * decompose (median, n_unique, expressions over aggregates, multi-column outputs …): the caller
 * then aggregates the concatenated partitions instead. `direct` is the group-by run on an empty
 * frame: it gives the output names and dtypes the combined result must have.
 */
export function planPartialAggregation(
  spec: AggregateSpec,
  direct: pl.DataFrame,
): PartialAggregation | undefined {
  if (direct.width !== spec.keys.length + spec.aggs.length) return undefined
  // Group keys computed across rows (`x.rank()`) would group each partition's rows differently.
  if (!spec.keys.every(isRowLocal)) return undefined
  const keyNames = direct.columns.slice(0, spec.keys.length)
  const partials: pl.Expr[] = []
  const combine: pl.Expr[] = []
  for (const [i, agg] of spec.aggs.entries()) {
    const parts = decompose(agg)
    if (!parts) return undefined
    const output = direct.columns[spec.keys.length + i] as string
    const dtype = direct.getColumn(output).dtype
    const p = `__pf_partial_${i}`
    let combined: pl.Expr
    if (parts.kind === 'mean') {
      partials.push(parts.input.sum().alias(`${p}_sum`), parts.input.count().alias(`${p}_count`))
      const count = pl.col(`${p}_count`).sum()
      combined = pl
        .when(count.eq(pl.lit(0)))
        .then(pl.lit(null))
        .otherwise(pl.col(`${p}_sum`).sum().cast(pl.Float64).div(count.cast(pl.Float64)))
    } else {
      partials.push(parts.partial.alias(p))
      const column = pl.col(p)
      combined = parts.kind === 'min' ? column.min() : parts.kind === 'max' ? column.max() : column.sum()
    }
    combine.push(combined.cast(dtype).alias(output))
  }
  return { partials, combine, keyNames }
}
