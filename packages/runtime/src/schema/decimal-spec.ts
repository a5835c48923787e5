import type { FieldType } from './schema-ir.js'

/** Precision and scale of a Decimal: what Parquet, Avro and Delta call decimal(precision, scale). */
export interface DecimalSpec {
  readonly precision: number
  readonly scale: number
}

/** Largest precision Parquet readers, Delta and Spark accept (decimal(38, s)). */
export const MAX_DECIMAL_PRECISION = 38

/** A `Decimal` declared without arguments is decimal(38, 18): 20 integer digits and 18 fraction digits, like Spark's default for untyped decimals. */
export const DEFAULT_DECIMAL: DecimalSpec = { precision: 38, scale: 18 }

/** The precision and scale of a Decimal field type; an IR from before precision was declared gets the default. */
export function decimalSpecOf(type: FieldType): DecimalSpec {
  if (type.kind !== 'scalar' || type.name !== 'Decimal')
    throw new TypeError(`not a Decimal type: ${type.kind}`)
  return {
    precision: type.precision ?? DEFAULT_DECIMAL.precision,
    scale: type.scale ?? DEFAULT_DECIMAL.scale,
  }
}

/**
 * A field type with a decorator's `precision`/`scale` options applied, so the IR always carries a Decimal's: both
 * given → (p, s); precision only → (p, 0) as in SQL; scale only → (38, s); neither → the default. On any other type
 * given options are kept, for the shared rules to refuse (PF2014).
 */
export function withDecimalArguments(type: FieldType, precision?: number, scale?: number): FieldType {
  if (type.kind === 'list') return { ...type, element: withDecimalArguments(type.element, precision, scale) }
  if (type.kind !== 'scalar') return type
  if (type.name !== 'Decimal')
    return precision === undefined && scale === undefined
      ? type
      : {
          ...type,
          ...(precision === undefined ? {} : { precision }),
          ...(scale === undefined ? {} : { scale }),
        }
  if (precision === undefined && scale === undefined)
    return {
      ...type,
      precision: type.precision ?? DEFAULT_DECIMAL.precision,
      scale: type.scale ?? DEFAULT_DECIMAL.scale,
    }
  return { ...type, precision: precision ?? MAX_DECIMAL_PRECISION, scale: scale ?? 0 }
}

/** `Decimal(10, 2)`: the schema-language spelling of a Decimal with its arguments. */
export function decimalLabel(spec: DecimalSpec): string {
  return `Decimal(${spec.precision}, ${spec.scale})`
}

/** Why a decimal string does not fit decimal(precision, scale), or undefined if it fits (exactly, no rounding). */
export function decimalFitProblem(value: string, spec: DecimalSpec): string | undefined {
  const match = /^-?(\d+)(?:\.(\d+))?$/.exec(value)
  if (!match) return 'expected a decimal number string'
  const integer = (match[1] ?? '').replace(/^0+/, '')
  const fraction = (match[2] ?? '').replace(/0+$/, '')
  if (fraction.length > spec.scale)
    return `${value} has ${fraction.length} digits after the point; ${decimalLabel(spec)} keeps ${spec.scale}`
  if (integer.length > spec.precision - spec.scale)
    return `${value} has ${integer.length} digits before the point; ${decimalLabel(spec)} keeps ${spec.precision - spec.scale}`
  return undefined
}
