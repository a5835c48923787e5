import pl from 'nodejs-polars'

/** A polars expression as JSON text: how expressions cross to worker threads. */
export type ExprJson = string

/** An expression as JSON text when polars can serialise it, else the live expression (this thread only). */
export type ExprPayload = ExprJson | pl.Expr

/** Serialises an expression (polars' JSON format). Throws for opaque functions (e.g. some `str` methods). */
export function encodeExpr(expr: pl.Expr): ExprJson {
  return expr.serialize('json').toString('utf8')
}

/** Rebuilds an expression from `encodeExpr` output. */
export function decodeExpr(json: ExprJson): pl.Expr {
  return pl.Expr.deserialize(Buffer.from(json, 'utf8'), 'json')
}

/** JSON text when the expression serialises, else the expression itself. */
export function toPayload(expr: pl.Expr): ExprPayload {
  try {
    return encodeExpr(expr)
  } catch {
    return expr
  }
}

/** The expression of a payload. */
export function fromPayload(payload: ExprPayload): pl.Expr {
  return typeof payload === 'string' ? decodeExpr(payload) : payload
}
