import type pl from 'nodejs-polars'
import { encodeExpr } from './expr-codec.js'

/*
 * Which expressions may run partition by partition. An expression is row-local when each output row is computed from
 * the same input row alone: then evaluating it on every partition and concatenating the results equals evaluating it
 * on the whole input. Aggregations (`sum`, `mean`, `len` …), windows (`over`), order- and neighbour-dependent
 * functions (`cumSum`, `shift`, `rank`, `diff` …) and anything that changes the number of rows (`head`, `unique`,
 * `explode`, a filter inside an expression) are not: run per partition, they answer for each partition instead of for
 * the input (a `select(col('x').sum())` gave one sum per file). The check is an allowlist over polars' own JSON form
 * of the expression: an expression holding any node or function not listed here is treated as not row-local, which
 * only costs speed (the engine then evaluates it over the concatenated partitions), never a wrong row.
 */

/** A value of polars' JSON form of an expression. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/** Functions of polars' `Function` node that map each row to one row (their inputs are checked separately). */
const ROW_FUNCTIONS = new Set([
  'Abs',
  'Ceil',
  'Clip',
  'Exp',
  'FillNull',
  'Floor',
  'Log',
  'Log1p',
  'Negate',
  'Pow',
  'Round',
  'RoundSF',
  'Sign',
  'Sqrt',
  'Cbrt',
  'Trigonometry',
  'Coalesce',
  'Reinterpret',
  'ToPhysical',
])

/** `Boolean` functions that are row-local (not `Any`/`All`, `IsUnique`, `IsDuplicated`, `IsFirstDistinct` …). */
const ROW_BOOLEAN = new Set([
  'IsNull',
  'IsNotNull',
  'Not',
  'IsNan',
  'IsNotNan',
  'IsFinite',
  'IsInfinite',
  'IsIn',
  'IsBetween',
  'AllHorizontal',
  'AnyHorizontal',
])

/** `StringExpr` functions that are row-local (not `ConcatVertical`, which joins every row into one). */
const ROW_STRING = new Set([
  'ConcatHorizontal',
  'Contains',
  'ContainsAny',
  'CountMatches',
  'EndsWith',
  'Extract',
  'ExtractAll',
  'ExtractGroups',
  'Find',
  'Head',
  'HexDecode',
  'HexEncode',
  'Base64Decode',
  'Base64Encode',
  'JsonDecode',
  'JsonPathMatch',
  'LenBytes',
  'LenChars',
  'Lowercase',
  'PadEnd',
  'PadStart',
  'Replace',
  'ReplaceMany',
  'Reverse',
  'Slice',
  'Split',
  'SplitExact',
  'SplitN',
  'StartsWith',
  'StripChars',
  'StripCharsEnd',
  'StripCharsStart',
  'StripPrefix',
  'StripSuffix',
  'Strptime',
  'Tail',
  'Titlecase',
  'ToDecimal',
  'ToInteger',
  'Uppercase',
  'ZFill',
])

/**
 * Namespaces whose every function works on each row's own value: dates and times (`year`, `strftime`,
 * `truncate` …), the elements of each row's list (`lst.sum` sums one row's list), each row's struct fields.
 */
const ROW_NAMESPACES = new Set(['TemporalExpr', 'ListExpr', 'StructExpr'])

/** The name of a polars enum value in JSON: `"Abs"` or `{ "Round": {...} }`. */
function variant(value: Json): [string, Json] | undefined {
  if (typeof value === 'string') return [value, null]
  if (isJsonObject(value)) {
    const entries = Object.entries(value)
    if (entries.length === 1) return entries[0] as [string, Json]
  }
  return undefined
}

/** Whether a JSON value is an object (not an array or null). */
export function isJsonObject(value: Json): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function rowFunction(fn: Json): boolean {
  const named = variant(fn)
  if (!named) return false
  const [name, body] = named
  if (ROW_FUNCTIONS.has(name)) return true
  if (ROW_NAMESPACES.has(name)) return true
  const inner = variant(body)
  if (name === 'Boolean') return inner !== undefined && ROW_BOOLEAN.has(inner[0])
  if (name === 'StringExpr') return inner !== undefined && ROW_STRING.has(inner[0])
  return false
}

/** Whether polars' JSON form of an expression is row-local (see the module comment). */
export function isRowLocalJson(node: Json): boolean {
  const named = variant(node)
  if (!named) return false
  const [kind, body] = named
  switch (kind) {
    case 'Column':
    case 'Columns':
    case 'Nth':
    case 'DtypeColumn':
    case 'Selector':
      return true
    case 'Literal': {
      // A scalar (or a literal polars types later) repeats on every row; a Series or a range is rows of its own.
      const literal = variant(body)
      return literal !== undefined && (literal[0] === 'Scalar' || literal[0] === 'Dyn')
    }
    case 'Alias':
      return Array.isArray(body) && isRowLocalJson(body[0] ?? null)
    case 'KeepName':
      return isRowLocalJson(body)
    case 'RenameAlias':
    case 'Cast':
      return isJsonObject(body) && isRowLocalJson(body.expr ?? null)
    case 'BinaryExpr':
      return isJsonObject(body) && isRowLocalJson(body.left ?? null) && isRowLocalJson(body.right ?? null)
    case 'Ternary':
      return (
        isJsonObject(body) &&
        isRowLocalJson(body.predicate ?? null) &&
        isRowLocalJson(body.truthy ?? null) &&
        isRowLocalJson(body.falsy ?? null)
      )
    case 'Function':
      return (
        isJsonObject(body) &&
        Array.isArray(body.input) &&
        body.input.every(isRowLocalJson) &&
        rowFunction(body.function ?? null)
      )
    default:
      // Agg, Len, Over, Slice, Sort, SortBy, Gather, Filter, Explode, Window … and anything newer.
      return false
  }
}

/**
 * Method names in polars' text form of an expression it cannot serialise (nodejs-polars' `str.toUpperCase`,
 * `str.lengths`, `str.strip…`, `str.jsonPathMatch`, `hash`, `reinterpret` show as `.map()`) that keep it row-local.
 * `extendConstant` shows as `.()` and appends rows: not listed, so not row-local.
 */
const ROW_METHODS = new Set([
  'map',
  'alias',
  'cast',
  'strict_cast',
  'is_null',
  'is_not_null',
  'not',
  'abs',
  'round',
  'floor',
  'ceil',
  'is_in',
  'when',
  'then',
  'otherwise',
])

/** Whether an expression is row-local (see the module comment). */
export function isRowLocal(expr: pl.Expr): boolean {
  let json: string
  try {
    json = encodeExpr(expr)
  } catch {
    // An opaque function polars cannot serialise: judged by its text form, method by method.
    const text = String(expr)
    if (text.includes('.(')) return false
    for (const [, name] of text.matchAll(/\.([A-Za-z_]\w*)\(/g))
      if (!ROW_METHODS.has(name as string)) return false
    return true
  }
  return isRowLocalJson(JSON.parse(json) as Json)
}
