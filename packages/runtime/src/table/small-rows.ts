import { deltaTypeFor } from '../delta/delta-schema.js'
import type { EntityIR, EnumIR, FieldIR } from '../schema/schema-ir.js'
import type { KeyCodec } from './key-codec.js'
import type { RowBatch } from './row-batch.js'
import type { SmallColumnKind, SmallColumnValue } from './small-parquet-writer.js'

/** Largest insert written straight from JS values (larger ones go through polars, compressed). */
export const SMALL_WRITE_ROWS = 1024

/** One column of a small write: the table's field and its values as the Parquet writer takes them. */
export interface SmallRowsColumn {
  readonly field: FieldIR
  readonly kind: SmallColumnKind
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
  const ms = Date.UTC(y, mo - 1, d)
  const back = new Date(ms)
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
}

/**
 * The Parquet kind of a field the JS path writes, from the field's Delta type (the one type mapping,
 * delta-schema.ts); undefined for Decimal, Bytes and lists (polars/arrow-rs write those).
 */
function kindOf(field: FieldIR): SmallColumnKind | undefined {
  const type = deltaTypeFor(field.type, false)
  return typeof type === 'string' ? KIND_OF_DELTA_TYPE[type] : undefined
}

/** One non-null value as the writer takes it (the conversions of entity-frame-codec.ts); DECLINE when unsure. */
function convert(
  field: FieldIR,
  allowed: ReadonlySet<string> | undefined,
  v: unknown,
): SmallColumnValue | typeof DECLINE {
  const t = field.type
  if (t.kind === 'enum') return typeof v === 'string' && allowed?.has(v) === true ? utf8(v) : DECLINE
  if (t.kind !== 'scalar') return DECLINE
  switch (t.name) {
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
    default:
      return DECLINE
  }
}

/** Whether the batch's fields are the table's (same names, columns, types and optionality, in order). */
function sameFields(a: readonly FieldIR[], b: readonly FieldIR[]): boolean {
  if (a === b) return true
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
 * path must handle (it validates and words the errors: a null in a required field, an unknown enum value, a key
 * twice, a Decimal, Bytes or list field, a batch whose fields are not the table's).
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
    const kind = kindOf(field)
    if (kind === undefined) return undefined
    const t = field.type
    const allowed = t.kind === 'enum' ? new Set(enums.find((e) => e.name === t.name)?.values) : undefined
    const values = new Array<SmallColumnValue>(height)
    for (let i = 0; i < height; i++) {
      const v = (batch.rows[i] as Record<string, unknown>)[field.name]
      // Json null is stored as null, as the frame codec stores it.
      if (v === null || v === undefined) {
        if (!field.optional) return undefined
        values[i] = null
        continue
      }
      const converted = convert(field, allowed, v)
      if (converted === DECLINE) return undefined
      values[i] = converted
    }
    columns.push({ field, kind, values })
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
