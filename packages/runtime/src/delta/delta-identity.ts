import type { FieldIR } from '../schema/schema-ir.js'

/**
 * Identity columns (PROTOCOL.md "Identity Columns"): an `@default(autoincrement())` field is declared as one, so
 * other Delta writers (Spark) generate values above every value pf handed out. pf numbers from 1 by 1 and lets
 * users give explicit values, so `allowExplicitInsert` is true.
 */

/** Column metadata keys of an identity column. */
export const IDENTITY_START = 'delta.identity.start'
export const IDENTITY_STEP = 'delta.identity.step'
export const IDENTITY_HIGH_WATER_MARK = 'delta.identity.highWaterMark'
export const IDENTITY_ALLOW_EXPLICIT_INSERT = 'delta.identity.allowExplicitInsert'

/** The keys whose values are longs (kept exact beyond 2^53 when a schema string is read). */
export const IDENTITY_LONG_KEYS: readonly string[] = [IDENTITY_START, IDENTITY_STEP, IDENTITY_HIGH_WATER_MARK]

/** Whether pf declares this field as an identity column: its values come from `@default(autoincrement())`. */
export function isIdentityField(field: Pick<FieldIR, 'default'>): boolean {
  return field.default?.kind === 'autoincrement'
}

/**
 * The column metadata of an identity field: start 1, step 1 (pf's numbering), explicit values allowed, and the
 * high-water mark when values were handed out (absent before: the next value is `start`).
 */
export function identityColumnMetadata(highWaterMark: bigint | undefined): Record<string, bigint | boolean> {
  return {
    [IDENTITY_START]: 1n,
    [IDENTITY_STEP]: 1n,
    [IDENTITY_ALLOW_EXPLICIT_INSERT]: true,
    ...(highWaterMark === undefined ? {} : { [IDENTITY_HIGH_WATER_MARK]: highWaterMark }),
  }
}

/**
 * The high-water mark in a column's metadata (a long: bigint once read exactly, a safe integer number, or digit
 * text); undefined when absent. A value that is no integer is `'invalid'`.
 */
export function identityHighWaterMark(metadata: {
  readonly [key: string]: unknown
}): bigint | undefined | 'invalid' {
  const value = metadata[IDENTITY_HIGH_WATER_MARK]
  if (value === undefined) return undefined
  if (typeof value === 'bigint') return value
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : 'invalid'
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value)
  return 'invalid'
}
