import { DEFAULT_DECIMAL, decimalFitProblem } from '../schema/decimal-spec.js'
import type { ScalarTypeName } from '../schema/schema-ir.js'
import { z } from '../vendor/zod.js'
import { loneSurrogateIndex, loneSurrogateMessage } from './lone-surrogate.js'

const DECIMAL_RE = /^-?\d+(\.\d+)?$/
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

/**
 * The zod schema of each scalar of the schema language: what a stored value of that type may be. The runtime
 * validates with these, and generated code's `XCreateSchema`s call them (`pfz.Float()`, from
 * `@parquetframe/runtime/zod`), so the two can never disagree.
 */
export const pfz = {
  Int: () => z.int(),
  BigInt: () => z.bigint().min(INT64_MIN).max(INT64_MAX),
  // NaN and ±Infinity are doubles too (Parquet and Avro store them); z.number() would refuse them.
  Float: () => z.custom<number>((v) => typeof v === 'number', { message: 'expected number' }),
  // A decimal string that fits decimal(precision, scale) exactly (no rounding); default decimal(38, 18).
  Decimal: (precision: number = DEFAULT_DECIMAL.precision, scale: number = DEFAULT_DECIMAL.scale) =>
    z
      .string()
      .regex(DECIMAL_RE, 'expected a decimal number string')
      .refine((s) => !DECIMAL_RE.test(s) || decimalFitProblem(s, { precision, scale }) === undefined, {
        error: (issue) => decimalFitProblem(issue.input as string, { precision, scale }) ?? 'does not fit',
      }),
  String: () =>
    z.string().refine((s) => loneSurrogateIndex(s) < 0, {
      error: (issue) => loneSurrogateMessage(issue.input as string),
    }),
  Boolean: () => z.boolean(),
  DateTime: () => z.date(),
  Date: () => z.iso.date(),
  Json: () => z.json(),
  Bytes: () => z.instanceof(Uint8Array),
} satisfies Record<ScalarTypeName, () => z.ZodType>
