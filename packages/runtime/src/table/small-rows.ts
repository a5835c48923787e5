import { deltaTypeFor } from '../delta/delta-schema.js'
import { decimalFitProblem, decimalSpecOf } from '../schema/decimal-spec.js'
import type { EntityIR, EnumIR, FieldIR, FieldType } from '../schema/schema-ir.js'
import { unscaledDecimal } from './arrow-parquet-encoder.js'
import type { KeyCodec } from './key-codec.js'
import type { RowBatch } from './row-batch.js'
import type {
  SmallColumnKind,
  SmallColumnType,
  SmallColumnValue,
  SmallScalarValue,
} from './small-parquet-writer.js'

/** Largest insert written straight from JS values (larger ones go through polars, compressed). */
export const SMALL_WRITE_ROWS = 1024

/** One column of a small write: the table's field, how it is stored and its values as the Parquet writer takes them. */
export interface SmallRowsColumn {
  readonly field: FieldIR
  readonly type: SmallColumnType
  readonly values: SmallColumnValue[]
}

/** A small insert's rows converted from JS values, in the table's field order, and their encoded keys. */
export interface SmallRows {
  readonly height: number
  readonly columns: readonly SmallRowsColumn[]
  readonly keys: readonly string[]
}

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const DAY_MS = 86_400_000
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/
const utf8 = (s: string): Uint8Array => Buffer.from(s, 'utf8')

/** Marks a value the JS path does not take (the polars path then converts, or words the error). */
const DECLINE = Symbol('decline')

/** Days since the epoch of a 'YYYY-MM-DD' date that exists; DECLINE otherwise. */
function days(text: string): number | typeof DECLINE {
  const m = DAY.exec(text)
  if (!m) return DECLINE
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0-99 as 1900-1999.
  const back = new Date(0)
  back.setUTCFullYear(y, mo - 1, d)
  const ms = back.getTime()
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return DECLINE
  return ms / DAY_MS
}

/** The Parquet kind the JS path writes for each Delta primitive type it takes (docs: the type mapping). */
const KIND_OF_DELTA_TYPE: Readonly<Partial<Record<string, SmallColumnKind>>> = {
  long: 'int64',
  double: 'double',
  boolean: 'boolean',
  string: 'string',
  date: 'date',
  timestamp: 'timestamp',
  binary: 'binary',
}

/**
 * How the JS path stores a field, from the field's Delta type (the one type mapping, delta-schema.ts): a primitive
 * kind, decimal(p,s), or a list of either; undefined for a type it does not write (the polars path does).
 */
export function smallColumnType(field: FieldIR): SmallColumnType | undefined {
  const type = deltaTypeFor(field.type, false)
  if (typeof type === 'string') return scalarType(field.type, type)
  if (type.type !== 'array' || typeof type.elementType !== 'string' || field.type.kind !== 'list')
    return undefined
  const element = scalarType(field.type.element, type.elementType)
  return element === undefined ? undefined : { ...element, list: true }
}

function scalarType(type: FieldType, delta: string): SmallColumnType | undefined {
  if (delta.startsWith('decimal(')) return { kind: 'decimal', decimal: decimalSpecOf(type) }
  const kind = KIND_OF_DELTA_TYPE[delta]
  return kind === undefined ? undefined : { kind }
}

/** One non-null value as the writer takes it (the conversions of entity-frame-codec.ts); DECLINE when unsure. */
function convert(
  type: FieldType,
  allowed: ReadonlySet<string> | undefined,
  v: unknown,
): SmallScalarValue | typeof DECLINE {
  if (type.kind === 'enum') return typeof v === 'string' && allowed?.has(v) === true ? utf8(v) : DECLINE
  if (type.kind !== 'scalar') return DECLINE
  switch (type.name) {
    case 'Int':
      return typeof v === 'number' && Number.isSafeInteger(v) ? BigInt(v) : DECLINE
    case 'BigInt': {
      const b =
        typeof v === 'bigint' ? v : typeof v === 'number' && Number.isSafeInteger(v) ? BigInt(v) : undefined
      return b !== undefined && b >= INT64_MIN && b <= INT64_MAX ? b : DECLINE
    }
    case 'Float':
      return typeof v === 'number' ? v : DECLINE
    case 'Boolean':
      return typeof v === 'boolean' ? v : DECLINE
    case 'String':
      return typeof v === 'string' ? utf8(v) : DECLINE
    case 'Json': {
      const text = JSON.stringify(v) as string | undefined
      return text === undefined ? DECLINE : utf8(text)
    }
    case 'DateTime': {
      if (!(v instanceof Date)) return DECLINE
      const ms = v.getTime()
      return Number.isFinite(ms) ? BigInt(ms) * 1000n : DECLINE
    }
    case 'Date':
      return typeof v === 'string' ? days(v) : DECLINE
    case 'Decimal': {
      // A value that does not fit is declined: the polars path refuses it with a DecimalRangeError.
      const spec = decimalSpecOf(type)
      if (typeof v !== 'string' || decimalFitProblem(v, spec) !== undefined) return DECLINE
      return unscaledDecimal(v, spec, v)
    }
    case 'Bytes':
      return v instanceof Uint8Array ? v : DECLINE
    default:
      return DECLINE
  }
}

/** A list's elements as the writer takes them; null elements only in Json lists (Json null, as the codec stores it). */
function convertList(
  element: FieldType,
  allowed: ReadonlySet<string> | undefined,
  v: unknown,
): (SmallScalarValue | null)[] | typeof DECLINE {
  if (!Array.isArray(v)) return DECLINE
  const json = element.kind === 'scalar' && element.name === 'Json'
  const out = new Array<SmallScalarValue | null>(v.length)
  for (let i = 0; i < v.length; i++) {
    const e: unknown = v[i]
    if (e === null || e === undefined) {
      if (!json) return DECLINE
      out[i] = null
      continue
    }
    const converted = convert(element, allowed, e)
    if (converted === DECLINE) return DECLINE
    out[i] = converted
  }
  return out
}

/** `sameFields` answers by pair of field lists (a repository's, a table metadata's): both live as long as their owner. */
const sameFieldsSeen = new WeakMap<readonly FieldIR[], WeakMap<readonly FieldIR[], boolean>>()

/**
 * Whether the batch's fields are the table's (same names, columns, types and optionality, in order): compared once
 * per pair of field lists, not on every insert.
 */
function sameFields(a: readonly FieldIR[], b: readonly FieldIR[]): boolean {
  if (a === b) return true
  let seen = sameFieldsSeen.get(a)
  if (!seen) {
    seen = new WeakMap()
    sameFieldsSeen.set(a, seen)
  }
  let same = seen.get(b)
  if (same === undefined) {
    same = compareFields(a, b)
    seen.set(b, same)
  }
  return same
}

function compareFields(a: readonly FieldIR[], b: readonly FieldIR[]): boolean {
  if (a.length !== b.length) return false
  return a.every((f, i) => {
    const g = b[i] as FieldIR
    return (
      f.name === g.name &&
      f.column === g.column &&
      f.optional === g.optional &&
      JSON.stringify(f.type) === JSON.stringify(g.type)
    )
  })
}

/**
 * A small insert's rows straight from their JS values, or undefined when any value, field or key is one the polars
 * path must handle (it validates and words the errors: a null in a required field, an unknown enum value, a Decimal
 * that does not fit its field, a null list element outside Json lists, a key twice, a batch whose fields are not the
 * table's).
 */
export function smallRows(
  batch: RowBatch,
  entity: EntityIR,
  enums: readonly EnumIR[],
  codec: KeyCodec,
): SmallRows | undefined {
  const height = batch.height
  if (height === 0 || height > SMALL_WRITE_ROWS || !sameFields(batch.fields, entity.fields)) return undefined
  const columns: SmallRowsColumn[] = []
  for (const field of entity.fields) {
    const type = smallColumnType(field)
    if (type === undefined) return undefined
    const scalar = field.type.kind === 'list' ? field.type.element : field.type
    const allowed =
      scalar.kind === 'enum' ? new Set(enums.find((e) => e.name === scalar.name)?.values) : undefined
    const values = new Array<SmallColumnValue>(height)
    for (let i = 0; i < height; i++) {
      const v = (batch.rows[i] as Record<string, unknown>)[field.name]
      // Json null is stored as null, as the frame codec stores it.
      if (v === null || v === undefined) {
        if (!field.optional) return undefined
        values[i] = null
        continue
      }
      const converted =
        field.type.kind === 'list' ? convertList(scalar, allowed, v) : convert(scalar, allowed, v)
      if (converted === DECLINE) return undefined
      values[i] = converted
    }
    columns.push({ field, type, values })
  }
  const keys = new Array<string>(height)
  const seen = new Set<string>()
  for (let i = 0; i < height; i++) {
    const row = batch.rows[i] as Record<string, unknown>
    const key = codec.encodeValues(codec.fields.map((f) => row[f.name]))
    if (key === undefined || seen.has(key)) return undefined
    seen.add(key)
    keys[i] = key
  }
  return { height, columns, keys }
}
