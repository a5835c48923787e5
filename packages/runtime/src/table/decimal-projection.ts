import type { DataType } from 'nodejs-polars'
import pl from 'nodejs-polars'
import { canonicalDecimal } from '../entity/decimal-compare.js'
import { sameDtype } from '../format/same-dtype.js'
import type { DecimalSpec } from '../schema/decimal-spec.js'

/**
 * A data file's column (DECIMAL of another precision/scale, decimal text from older files, or an integer) as the
 * decimal text a DECIMAL(p, s) column of the table reads back: `scale` fraction digits. Only where that is exact:
 * polars' cast rounds extra fraction digits and nulls overflows, so a value the cast would change keeps its text,
 * and the writer then refuses it (DecimalRangeError) instead of a rewrite storing a rounded value.
 */
export function decimalTextAt(col: pl.Expr, spec: DecimalSpec, actual?: DataType): pl.Expr {
  const text = col.cast(pl.Utf8)
  // The table's own DECIMAL(p, s): its text already has `scale` digits.
  if (actual !== undefined && sameDtype(actual, pl.Decimal(spec.precision, spec.scale))) return text
  const scaled = col.cast(pl.Decimal(spec.precision, spec.scale), false).cast(pl.Utf8)
  return pl
    .when(scaled.isNotNull().and(canonicalDecimal(scaled).eq(canonicalDecimal(text))))
    .then(scaled)
    .otherwise(text)
}
