import pl from 'nodejs-polars'
import { FormatError } from '../errors/pf-error.js'
import { derefAvroType } from './avro-named-types.js'
import type { AvroRecordSchema, AvroType } from './avro-schema-types.js'
import { textDictionary } from './text-dictionary.js'

/**
 * Writes one row's value of a column at `pos` of `buf` and returns the position after it. The caller makes
 * sure `bound` bytes are free.
 */
export interface ColumnWriter {
  readonly write: (buf: Buffer, pos: number, row: number) => number
  /** Most bytes a value can take: a constant, or per row. */
  readonly bound: number | ((row: number) => number)
}

const TIME_UNIT = { millis: 'ms', micros: 'us', nanos: 'ns' } as const
const INTEGER_DTYPES = new Set(['Int8', 'Int16', 'Int32', 'Int64', 'UInt8', 'UInt16', 'UInt32', 'UInt64'])
const NUMERIC_DTYPES = new Set([...INTEGER_DTYPES, 'Float32', 'Float64'])
const TEXT_DTYPES = new Set(['Utf8', 'String', 'Categorical'])
const TWO_31 = 2 ** 31

/** Beyond this magnitude the zigzag value (about 2n) is not exact in a double. */
const TWO_52 = 2 ** 52

/** Zigzag varint of a safe integer held in a double (Avro int and long). */
function writeLong(buf: Buffer, pos: number, n: number): number {
  if (n >= TWO_52 || n < -TWO_52) return writeBigLong(buf, pos, BigInt(n))
  let z = n >= 0 ? n * 2 : -n * 2 - 1
  if (z < TWO_31) {
    while (z > 0x7f) {
      buf[pos++] = (z & 0x7f) | 0x80
      z >>>= 7
    }
  } else {
    while (z > 0x7f) {
      buf[pos++] = (z % 128) | 0x80
      z = Math.floor(z / 128)
    }
  }
  buf[pos++] = z
  return pos
}

/** Zigzag varint of any 64-bit integer. */
function writeBigLong(buf: Buffer, pos: number, n: bigint): number {
  let z = BigInt.asUintN(64, (n << 1n) ^ (n >> 63n))
  while (z > 0x7fn) {
    buf[pos++] = Number(z & 0x7fn) | 0x80
    z >>= 7n
  }
  buf[pos++] = Number(z)
  return pos
}

/** Avro `int`/`long` varint length prefix plus UTF-8 bytes of a string, as one buffer. */
function encodedString(s: string): Buffer {
  const bytes = Buffer.from(s, 'utf8')
  const out = Buffer.allocUnsafe(10 + bytes.length)
  const pos = writeLong(out, 0, bytes.length)
  bytes.copy(out, pos)
  return out.subarray(0, pos + bytes.length)
}

function writeString(buf: Buffer, pos: number, s: string): number {
  // Up to 21 UTF-16 units take at most 63 UTF-8 bytes: a one-byte length prefix, written after the text.
  if (s.length <= 21) {
    const n = buf.write(s, pos + 1, 'utf8')
    buf[pos] = n * 2
    return pos + 1 + n
  }
  const n = Buffer.byteLength(s, 'utf8')
  pos = writeLong(buf, pos, n)
  return pos + buf.write(s, pos, 'utf8')
}

/** The series with nulls replaced by `value` (their rows are written as nulls; typed arrays need a value). */
function filled(series: pl.Series, value: number | boolean | string): pl.Series {
  if (series.nullCount() === 0) return series
  const name = series.name
  // The literal takes the column's dtype: an untyped 0 would turn an Int64 column into Float64 (losing digits).
  return pl
    .DataFrame([series])
    .select(pl.col(name).fillNull(pl.lit(value).cast(series.dtype)))
    .getColumn(name)
}

/** The first row that is null, for error messages. */
function firstNull(series: pl.Series): number {
  return (series.isNull().toArray() as boolean[]).indexOf(true)
}

interface Target {
  /** The non-null type, dereferenced. */
  readonly type: AvroType
  /** Union branch written before a value (undefined when the field is not a union with null). */
  readonly valueBranch?: number
  /** Union branch of null. */
  readonly nullBranch?: number
}

/** The field's type split into "nullable union" and the value type, or undefined for other unions. */
function targetOf(type: AvroType, named: ReadonlyMap<string, AvroType>): Target | undefined {
  if (!Array.isArray(type)) return { type: derefAvroType(type, named) }
  const branches = type as readonly AvroType[]
  if (branches.length !== 2) return undefined
  const nullBranch = branches.indexOf('null')
  if (nullBranch < 0) return undefined
  const valueBranch = 1 - nullBranch
  return { type: derefAvroType(branches[valueBranch] as AvroType, named), valueBranch, nullBranch }
}

function baseOf(type: AvroType): { base: string; logical: string } {
  if (typeof type === 'string') return { base: type, logical: '' }
  if (Array.isArray(type)) return { base: 'union', logical: '' }
  const t = type as { type: string; logicalType?: unknown }
  return { base: t.type, logical: typeof t.logicalType === 'string' ? t.logicalType : '' }
}

/** A column's values as an indexable list for one Avro type, or undefined when this path does not handle it. */
type Values =
  | { readonly kind: 'double'; readonly values: Float64Array }
  | { readonly kind: 'float'; readonly values: Float32Array }
  | { readonly kind: 'long'; readonly values: Float64Array }
  | { readonly kind: 'bigLong'; readonly values: BigInt64Array }
  | { readonly kind: 'byte'; readonly values: Uint8Array }
  | { readonly kind: 'encoded'; readonly codes: Uint32Array; readonly dictionary: readonly Buffer[] }
  | { readonly kind: 'text'; readonly values: readonly (string | null)[] }

/** Int64 values as exact doubles when every one is within 2^53, else as bigints. */
function longValues(int64: pl.Series): Values {
  const values = filled(int64, 0)
  const min = Number(values.min() ?? 0)
  const max = Number(values.max() ?? 0)
  if (Number.isSafeInteger(min) && Number.isSafeInteger(max)) {
    return { kind: 'long', values: values.cast(pl.Float64).toTypedArray() as Float64Array }
  }
  return { kind: 'bigLong', values: values.toTypedArray() as BigInt64Array }
}

/** Text through a dictionary when it repeats (one encoded buffer per distinct value), else as JS strings. */
function textValues(series: pl.Series): Values {
  const text = TEXT_DTYPES.has(series.dtype.variant) ? series : series.cast(pl.Utf8)
  // Null rows are written by the union wrapper; in the dictionary they are ''.
  const dictionary = textDictionary(filled(text.cast(pl.Utf8), ''), 0.5)
  if (!dictionary) return { kind: 'text', values: text.toArray() as (string | null)[] }
  return { kind: 'encoded', codes: dictionary.codes, dictionary: dictionary.values.map(encodedString) }
}

/** Enum symbols as pre-encoded indexes (a symbol not in the enum is an error naming column, row and value). */
function enumValues(series: pl.Series, symbols: readonly string[], column: string): Values | undefined {
  if (!TEXT_DTYPES.has(series.dtype.variant)) return undefined
  const text = series.cast(pl.Utf8).toArray() as (string | null)[]
  const index = new Map(symbols.map((s, i) => [s, i]))
  const codes = new Uint32Array(text.length)
  for (let row = 0; row < text.length; row++) {
    const v = text[row]
    if (v === null || v === undefined) continue
    const i = index.get(v)
    if (i === undefined) {
      throw new FormatError(
        `Cannot encode column "${column}", row ${row}: value ${JSON.stringify(v)} is not a symbol of its Avro enum (${symbols.join(', ')})`,
      )
    }
    codes[row] = i
  }
  const dictionary = symbols.map((_, i) => {
    const b = Buffer.allocUnsafe(10)
    return b.subarray(0, writeLong(b, 0, i))
  })
  return { kind: 'encoded', codes, dictionary }
}

/** The values of one column shaped for its Avro type, or undefined when this path does not handle the pair. */
function valuesFor(series: pl.Series, type: AvroType, column: string): Values | undefined {
  const { base, logical } = baseOf(type)
  const variant = series.dtype.variant
  switch (base) {
    case 'long': {
      const unit = /^timestamp-(millis|micros|nanos)$/.exec(logical)?.[1] as
        | keyof typeof TIME_UNIT
        | undefined
      if (variant === 'Datetime')
        return longValues(series.cast(pl.Datetime(TIME_UNIT[unit ?? 'micros'])).cast(pl.Int64))
      if (variant === 'Date') return longValues(series.cast(pl.Int32).cast(pl.Int64))
      // UInt64 beyond 2^63 does not fit a long: the avsc path reports it (a cast would make it null).
      if (INTEGER_DTYPES.has(variant) && variant !== 'UInt64') return longValues(series.cast(pl.Int64))
      return undefined
    }
    case 'int': {
      let ints: pl.Series
      if (variant === 'Date') ints = series.cast(pl.Int32)
      else if (variant === 'Datetime' && logical === 'date') ints = series.cast(pl.Date).cast(pl.Int32)
      else if (INTEGER_DTYPES.has(variant)) ints = series
      else return undefined
      const min = Number(ints.min() ?? 0)
      const max = Number(ints.max() ?? 0)
      if (min < -TWO_31 || max >= TWO_31) return undefined // the avsc path reports the value
      return { kind: 'long', values: filled(ints, 0).cast(pl.Float64).toTypedArray() as Float64Array }
    }
    case 'double':
      if (!NUMERIC_DTYPES.has(variant)) return undefined
      return { kind: 'double', values: filled(series, 0).cast(pl.Float64).toTypedArray() as Float64Array }
    case 'float':
      if (!NUMERIC_DTYPES.has(variant)) return undefined
      return { kind: 'float', values: filled(series, 0).cast(pl.Float32).toTypedArray() as Float32Array }
    case 'boolean':
      if (variant !== 'Bool') return undefined
      return { kind: 'byte', values: filled(series, false).cast(pl.UInt8).toTypedArray() as Uint8Array }
    case 'string':
      if (logical !== '' || variant === 'List' || variant === 'Struct') return undefined
      return textValues(series)
    case 'enum':
      return enumValues(series, (type as { symbols: readonly string[] }).symbols, column)
    default:
      return undefined
  }
}

/** A per-row bound one byte larger (a union branch). */
function plusOne(bound: (row: number) => number): (row: number) => number {
  return (row) => 1 + bound(row)
}

/** A writer of values alone (no union branch, no null). */
function valueWriter(v: Values): ColumnWriter {
  switch (v.kind) {
    case 'double': {
      const a = v.values
      return { write: (buf, pos, row) => buf.writeDoubleLE(a[row] as number, pos), bound: 8 }
    }
    case 'float': {
      const a = v.values
      return { write: (buf, pos, row) => buf.writeFloatLE(a[row] as number, pos), bound: 4 }
    }
    case 'long': {
      const a = v.values
      return { write: (buf, pos, row) => writeLong(buf, pos, a[row] as number), bound: 10 }
    }
    case 'bigLong': {
      const a = v.values
      return { write: (buf, pos, row) => writeBigLong(buf, pos, a[row] as bigint), bound: 10 }
    }
    case 'byte': {
      const a = v.values
      return {
        write: (buf, pos, row) => {
          buf[pos] = a[row] as number
          return pos + 1
        },
        bound: 1,
      }
    }
    case 'encoded': {
      const { codes, dictionary } = v
      return {
        write: (buf, pos, row) => {
          const bytes = dictionary[codes[row] as number] as Buffer
          buf.set(bytes, pos)
          return pos + bytes.length
        },
        bound: (row) => (dictionary[codes[row] as number] as Buffer).length,
      }
    }
    case 'text': {
      const a = v.values
      return {
        write: (buf, pos, row) => writeString(buf, pos, a[row] as string),
        bound: (row) => 10 + 3 * (a[row] as string).length,
      }
    }
  }
}

/**
 * Column writers for a frame and a record schema whose fields are all primitives, logical ints and longs,
 * enums, or unions of one of those with null: each column crosses as a typed array (or a dictionary), never as
 * one JS value per row. Undefined when some field needs the general (avsc) path. A null in a field that is
 * not nullable is an error naming the column and row.
 */
export function columnWriters(
  df: pl.DataFrame,
  schema: AvroRecordSchema,
  named: ReadonlyMap<string, AvroType>,
): ColumnWriter[] | undefined {
  const present = new Set(df.columns)
  const writers: ColumnWriter[] = []
  for (const field of schema.fields) {
    if (!present.has(field.name)) return undefined
    const target = targetOf(field.type, named)
    if (!target) return undefined
    const series = df.getColumn(field.name)
    const nulls = series.nullCount()
    if (nulls > 0 && target.nullBranch === undefined) {
      throw new FormatError(
        `Cannot encode column "${field.name}", row ${firstNull(series)}: value null does not fit its Avro type`,
      )
    }
    const values = valuesFor(series, target.type, field.name)
    if (!values) return undefined
    const inner = valueWriter(values)
    if (target.nullBranch === undefined || target.valueBranch === undefined) {
      writers.push(inner)
      continue
    }
    const valueByte = target.valueBranch * 2
    if (nulls === 0) {
      writers.push({
        write: (buf, pos, row) => {
          buf[pos] = valueByte
          return inner.write(buf, pos + 1, row)
        },
        bound: typeof inner.bound === 'number' ? 1 + inner.bound : plusOne(inner.bound),
      })
      continue
    }
    const nullByte = target.nullBranch * 2
    const isNull = series.isNull().cast(pl.UInt8).toTypedArray() as Uint8Array
    writers.push({
      write: (buf, pos, row) => {
        if (isNull[row] === 1) {
          buf[pos] = nullByte
          return pos + 1
        }
        buf[pos] = valueByte
        return inner.write(buf, pos + 1, row)
      },
      bound:
        typeof inner.bound === 'number'
          ? 1 + inner.bound
          : (row) => (isNull[row] === 1 ? 1 : 1 + (inner.bound as (row: number) => number)(row)),
    })
  }
  return writers
}
