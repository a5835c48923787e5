import pl from 'nodejs-polars'

/** A polars expression as JSON text: how expressions cross to worker threads. */
export type ExprJson = string

/** Serialises an expression (polars' JSON format). */
export function encodeExpr(expr: pl.Expr): ExprJson {
  return expr.serialize('json').toString('utf8')
}

/** Rebuilds an expression from `encodeExpr` output. */
export function decodeExpr(json: ExprJson): pl.Expr {
  return pl.Expr.deserialize(Buffer.from(json, 'utf8'), 'json')
}
