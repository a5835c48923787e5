import pl from 'nodejs-polars'

/*
 * Decimal fields are stored as text ('10.50'), which orders as text ('10' < '9'). Comparisons compile to
 * expressions on a sortable key instead, exact at any precision (no float or fixed-scale cast):
 *   sign: -1, 0 or 1;  key of |x|: the integer digits' count (3 digits), the integer digits without leading
 *   zeros, then the fraction without trailing zeros — e.g. 10.50 → '002' '10' '5' = '002105'.
 * Two magnitudes compare like their keys (same digit count: same-length integer parts, then the fractions).
 */

/** The sign and magnitude key of a decimal string (valid: `-?\d+(\.\d+)?`). */
export function decimalKey(text: string): { sign: -1 | 0 | 1; key: string; canonical: string } {
  const negative = text.startsWith('-')
  const [intRaw = '', fracRaw = ''] = (negative ? text.slice(1) : text).split('.')
  const int = intRaw.replace(/^0+/, '')
  const frac = fracRaw.replace(/0+$/, '')
  if (int === '' && frac === '') return { sign: 0, key: '000', canonical: '0' }
  const magnitude = `${int || '0'}${frac ? `.${frac}` : ''}`
  return {
    sign: negative ? -1 : 1,
    key: `${String(int.length).padStart(3, '0')}${int}${frac}`,
    canonical: negative ? `-${magnitude}` : magnitude,
  }
}

interface KeyExprs {
  readonly sign: pl.Expr
  readonly key: pl.Expr
  readonly canonical: pl.Expr
}

/** The same decomposition as polars expressions on a decimal text column (null stays null). */
function keyExprs(col: pl.Expr): KeyExprs {
  const negative = col.str.startsWith('-')
  const abs = col.str.stripCharsStart('-')
  const int = abs.str.extract(/^0*(\d*)/, 1)
  const frac = abs.str.extract(/\.(\d*?)0*$/, 1).fillNull('')
  const zero = int.eq(pl.lit('')).and(frac.eq(pl.lit('')))
  const sign = pl.when(zero).then(pl.lit(0)).when(negative).then(pl.lit(-1)).otherwise(pl.lit(1))
  const key = pl.concatString([int.str.lengths().cast(pl.Utf8).str.zFill(3), int, frac], '')
  const magnitude = pl.concatString(
    [
      pl
        .when(int.eq(pl.lit('')))
        .then(pl.lit('0'))
        .otherwise(int),
      pl
        .when(frac.eq(pl.lit('')))
        .then(pl.lit(''))
        .otherwise(pl.concatString([pl.lit('.'), frac], '')),
    ],
    '',
  )
  const canonical = pl
    .when(col.isNull())
    .then(pl.lit(null).cast(pl.Utf8))
    .when(zero)
    .then(pl.lit('0'))
    .when(negative)
    .then(pl.concatString([pl.lit('-'), magnitude], ''))
    .otherwise(magnitude)
  return { sign: pl.when(col.isNull()).then(pl.lit(null).cast(pl.Int32)).otherwise(sign), key, canonical }
}

/**
 * Sort keys that order a decimal text column numerically, exactly, at any precision: the sign, then the
 * magnitude key of the positive values, then that of the negative ones in the opposite direction (a larger
 * magnitude is a smaller negative number). A null value has a null sign, which sorts last.
 */
export function decimalSortKeys(col: pl.Expr, descending: boolean): { by: pl.Expr[]; descending: boolean[] } {
  const { sign, key } = keyExprs(col)
  const positive = pl.when(sign.eq(1)).then(key).otherwise(pl.lit(null).cast(pl.Utf8))
  const negative = pl.when(sign.eq(-1)).then(key).otherwise(pl.lit(null).cast(pl.Utf8))
  return { by: [sign, positive, negative], descending: [descending, descending, !descending] }
}

/** The column as canonical decimal text ('010.50' → '10.5', '-0' → '0'), for numeric equality. */
export function canonicalDecimal(col: pl.Expr): pl.Expr {
  return keyExprs(col).canonical
}

/** `col <op> value`, compared numerically. */
export function compareDecimal(col: pl.Expr, op: 'gt' | 'gte' | 'lt' | 'lte', value: string): pl.Expr {
  const { sign, key } = keyExprs(col)
  const lit = decimalKey(value)
  const k = pl.lit(lit.key)
  const pos = sign.eq(1)
  const neg = sign.eq(-1)
  const nonNeg = sign.gtEq(0)
  const nonPos = sign.ltEq(0)
  switch (op) {
    case 'gt':
      return lit.sign > 0 ? pos.and(key.gt(k)) : lit.sign === 0 ? pos : nonNeg.or(neg.and(key.lt(k)))
    case 'gte':
      return lit.sign > 0 ? pos.and(key.gtEq(k)) : lit.sign === 0 ? nonNeg : nonNeg.or(neg.and(key.ltEq(k)))
    case 'lt':
      return lit.sign > 0 ? nonPos.or(pos.and(key.lt(k))) : lit.sign === 0 ? neg : neg.and(key.gt(k))
    case 'lte':
      return lit.sign > 0 ? nonPos.or(pos.and(key.ltEq(k))) : lit.sign === 0 ? nonPos : neg.and(key.gtEq(k))
  }
}
