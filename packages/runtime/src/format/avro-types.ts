import { createRequire } from 'node:module'
import type avsc from 'avsc'
import { isValidAvroName } from './avro-schema-types.js'

const MIN = BigInt(Number.MIN_SAFE_INTEGER)
const MAX = BigInt(Number.MAX_SAFE_INTEGER)

let avscModule: typeof avsc | undefined
let exactLong: avsc.Type | undefined

/** avsc, required on first use (~20 ms at import otherwise, for apps whose tables are all Parquet). */
function avscLib(): typeof avsc {
  avscModule ??= createRequire(import.meta.url)('avsc') as typeof avsc
  return avscModule
}

/**
 * avsc's long type refuses values beyond 2^53. This one reads them as bigints (safe values stay numbers)
 * and writes numbers or bigints. Slower, so it is used only when a column needs it.
 */
function exactLongType(): avsc.Type {
  exactLong ??= avscLib().types.LongType.__with({
    fromBuffer: (buf: Buffer): number | bigint => {
      const n = buf.readBigInt64LE(0)
      return n >= MIN && n <= MAX ? Number(n) : n
    },
    toBuffer: (n: number | bigint): Buffer => {
      const buf = Buffer.alloc(8)
      buf.writeBigInt64LE(BigInt(n), 0)
      return buf
    },
    fromJSON: (v: unknown): number | bigint => (typeof v === 'number' ? v : BigInt(v as string)),
    toJSON: (n: number | bigint): number => Number(n),
    isValid: (n: unknown): boolean => typeof n === 'bigint' || Number.isSafeInteger(n),
    compare: (a: number | bigint, b: number | bigint): number => (a < b ? -1 : a > b ? 1 : 0),
  })
  return exactLong
}

/** Compiles an Avro schema with avsc; `exact` makes longs bigint-capable (see {@link exactLongType}). */
export function compileAvroType(schema: unknown, exact: boolean): avsc.Type {
  return avscLib().Type.forSchema(schema as avsc.Schema, exact ? { registry: { long: exactLongType() } } : {})
}

/** True for a union with several non-null branches (`["string", "int"]`), which reads wrapped. */
function isMultiUnion(schema: unknown): schema is unknown[] {
  return Array.isArray(schema) && schema.filter((b) => b !== 'null').length > 1
}

/**
 * Compiles a writer's schema for reading: as `compileAvroType`, but unions of several non-null types decode
 * wrapped (`{ int: 3 }`, `{ "ns.Rec": {...} }`) so that the branch of every value is known, even for ambiguous
 * ones (`["int", "long"]`); `null` plus one type stays unwrapped.
 */
export function compileAvroReaderType(schema: unknown, exact: boolean): avsc.Type {
  const typeHook = (s: unknown, opts: unknown): avsc.Type | undefined =>
    isMultiUnion(s) ? new (avscLib().types.WrappedUnionType)(s as never, opts as never) : undefined
  return avscLib().Type.forSchema(schema as avsc.Schema, {
    ...(exact ? { registry: { long: exactLongType() } } : {}),
    typeHook: typeHook as never,
  })
}

/** True when decoding failed only because a long exceeded 2^53 (retry with `exact`). */
export function isPrecisionLoss(error: unknown): boolean {
  return error instanceof Error && /precision loss/.test(error.message)
}

/**
 * A copy of a reader's schema that avsc accepts: top-level fields renamed `f0…fn` when their names are not
 * valid or unique (positional; the real names are kept by the caller), invalid or empty type and field names
 * replaced. Polars, for one, names its records "" — invalid per the spec, but harmless: binary data carries
 * no names.
 */
export function sanitizeForDecoding(schema: unknown): unknown {
  let anonymous = 0
  const fix = (t: unknown): unknown => {
    if (Array.isArray(t)) return t.map(fix)
    if (typeof t !== 'object' || t === null) return t
    const o = { ...(t as Record<string, unknown>) }
    if ((o.type === 'record' || o.type === 'enum' || o.type === 'fixed') && typeof o.name === 'string') {
      const parts = o.name.split('.')
      if (!parts.every(isValidAvroName)) o.name = `Anonymous${anonymous++}`
      if (typeof o.namespace === 'string' && !o.namespace.split('.').every(isValidAvroName))
        delete o.namespace
    }
    if (Array.isArray(o.fields)) {
      o.fields = o.fields.map((f: Record<string, unknown>, i: number) => ({
        ...f,
        name: typeof f.name === 'string' && isValidAvroName(f.name) ? f.name : `field${i}`,
        type: fix(f.type),
      }))
    }
    if (o.items !== undefined) o.items = fix(o.items)
    if (o.values !== undefined) o.values = fix(o.values)
    if (typeof o.type === 'object') o.type = fix(o.type)
    return o
  }
  const fixed = fix(schema) as Record<string, unknown>
  const given = Array.isArray((schema as { fields?: unknown }).fields)
    ? ((schema as { fields: { name?: unknown }[] }).fields.map((f) => f.name) as unknown[])
    : []
  // Positional names only when the real ones cannot be used: renaming the fields of a recursive record would
  // rename them at every depth.
  const usable =
    given.every((n) => typeof n === 'string' && isValidAvroName(n)) && new Set(given).size === given.length
  if (Array.isArray(fixed.fields) && !usable) {
    fixed.fields = fixed.fields.map((f: Record<string, unknown>, i: number) => ({ ...f, name: `f${i}` }))
  }
  return fixed
}
