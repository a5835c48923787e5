import type { DataType } from 'nodejs-polars'
import pl from 'nodejs-polars'
import { derefAvroType } from './avro-named-types.js'
import type { AvroType } from './avro-schema-types.js'

/** How one Avro field becomes one polars column. */
export interface AvroColumnMapping {
  /** The dtype of the column read back. */
  readonly dtype: DataType
  /** The dtype polars builds from the decoded JS values, before `casts`. */
  readonly physical: DataType
  /** Applied to each non-null decoded value first (e.g. millis → micros). */
  readonly prepare?: (value: unknown) => unknown
  /** Casts applied in order after building; the last one yields `dtype`. */
  readonly casts: readonly DataType[]
}

/** The non-null type of a `["null", T]` / `[T, "null"]` union, or the type itself; `undefined` for other unions. */
export function unwrapNullable(type: AvroType): AvroType | undefined {
  if (!Array.isArray(type)) return type
  const branches = (type as readonly AvroType[]).filter((b) => b !== 'null')
  return branches.length === 1 ? branches[0] : undefined
}

const plain = (dtype: DataType): AvroColumnMapping => ({ dtype, physical: dtype, casts: [] })

const scaleBy =
  (factor: number) =>
  (v: unknown): unknown =>
    typeof v === 'bigint' ? v * BigInt(factor) : (v as number) * factor

function timestamp(unit: string, utc: boolean): AvroColumnMapping {
  const dtype = utc ? pl.Datetime('us', 'UTC') : pl.Datetime('us')
  if (unit === 'nanos') return { dtype, physical: pl.Int64, casts: [pl.Datetime('ns'), dtype] }
  if (unit === 'millis') return { dtype, physical: pl.Int64, prepare: scaleBy(1000), casts: [dtype] }
  return { dtype, physical: pl.Int64, casts: [dtype] }
}

/**
 * The polars column of an Avro type, or `null` when this runtime has no mapping (records, maps, fixed,
 * unions of several types). long→Int64 (exact), int→Int32, float→Float32, double→Float64,
 * timestamp-millis/micros/nanos→Datetime('us','UTC') (local-timestamp-* without a zone), date→Date,
 * enum→Utf8, array→List. Bytes, like fixed, have none here: they read as Binary through avro-arrow-column.ts.
 */
export function avroColumnMapping(
  type: AvroType,
  named: ReadonlyMap<string, AvroType>,
): AvroColumnMapping | null {
  const inner = unwrapNullable(type)
  if (inner === undefined) return null
  const t = derefAvroType(inner, named)
  if (typeof t === 'string') {
    switch (t) {
      case 'boolean':
        return plain(pl.Bool)
      case 'int':
        return plain(pl.Int32)
      case 'long':
        return plain(pl.Int64)
      case 'float':
        return plain(pl.Float32)
      case 'double':
        return plain(pl.Float64)
      case 'string':
        return plain(pl.Utf8)
      case 'bytes':
        return null // Binary, built through Arrow (avro-arrow-column.ts): nodejs-polars cannot build it from JS
      default:
        return null
    }
  }
  if (Array.isArray(t)) return null
  const complex = t as { type: unknown; logicalType?: unknown; items?: AvroType }
  if (typeof complex.type !== 'string') return null
  const logical = typeof complex.logicalType === 'string' ? complex.logicalType : undefined
  if (complex.type === 'long' && logical) {
    const m = /^(local-)?timestamp-(millis|micros|nanos)$/.exec(logical)
    if (m) return timestamp(m[2] ?? 'micros', !m[1])
  }
  if (complex.type === 'int' && logical === 'date')
    return { dtype: pl.Date, physical: pl.Int32, casts: [pl.Date] }
  if (complex.type === 'enum') return plain(pl.Utf8)
  if (complex.type === 'array' && complex.items !== undefined) return listMapping(complex.items, named)
  if (complex.type === 'record' || complex.type === 'map' || complex.type === 'fixed') return null
  // Any other logical type on a primitive (uuid, decimal on bytes, time-*): read the primitive as it is.
  return avroColumnMapping(complex.type as AvroType, named)
}

function listMapping(items: AvroType, named: ReadonlyMap<string, AvroType>): AvroColumnMapping | null {
  const element = avroColumnMapping(items, named)
  if (!element || element.physical.variant === 'List' || element.casts.length > 1) return null
  const prepare = element.prepare
  return {
    dtype: pl.List(element.dtype),
    physical: pl.List(element.physical),
    ...(prepare
      ? { prepare: (v: unknown) => (v as unknown[]).map((x) => (x === null ? null : prepare(x))) }
      : {}),
    casts: element.casts.map((c) => pl.List(c)),
  }
}

function stringifyBigInts(v: unknown): unknown {
  if (typeof v === 'bigint') return String(v)
  if (typeof v === 'number') return String(v)
  if (Array.isArray(v)) return v.map(stringifyBigInts)
  return v
}

/** The dtype with Int64 replaced by Utf8 (the text route for exact longs); the same object when there is none. */
function textual(dtype: DataType): DataType {
  if (dtype.variant === 'Int64') return pl.Utf8
  if (dtype.variant === 'List') {
    const inner = (dtype as DataType & { inner: DataType[] }).inner[0]!
    const text = textual(inner)
    return text === inner ? dtype : pl.List(text)
  }
  return dtype
}

/** A value of a list's element dtype, for the seed row below. */
function seedElement(listDtype: DataType): unknown {
  const inner = (listDtype as DataType & { inner: DataType[] }).inner[0]!
  if (inner.variant === 'Utf8' || inner.variant === 'String') return ''
  if (inner.variant === 'Bool') return false
  return 0
}

/**
 * A series of `dtype` from JS values. nodejs-polars cannot build a list series that is empty or holds only
 * nulls/empty lists (it errors or infers List(Null)), so list columns get a typed seed row, then drop it.
 */
function seriesOf(name: string, values: unknown[], dtype: DataType): pl.Series {
  if (dtype.variant !== 'List') return pl.Series(name, values, dtype)
  return pl.Series(name, [[seedElement(dtype)], ...values], dtype).slice(1, values.length)
}

/**
 * Builds the column from decoded values. `exact` says values may hold bigints (longs beyond 2^53): those
 * columns go through text so every digit survives.
 */
export function buildAvroColumn(
  mapping: AvroColumnMapping,
  name: string,
  values: unknown[],
  exact: boolean,
): pl.Series {
  const { prepare } = mapping
  const prepared = prepare ? values.map((v) => (v === null ? null : prepare(v))) : values
  const text = exact ? textual(mapping.physical) : mapping.physical
  let series =
    text === mapping.physical
      ? seriesOf(name, prepared, mapping.physical)
      : seriesOf(
          name,
          prepared.map((v) => (v === null ? null : stringifyBigInts(v))),
          text,
        ).cast(mapping.physical)
  for (const dtype of mapping.casts) series = series.cast(dtype)
  return series
}
