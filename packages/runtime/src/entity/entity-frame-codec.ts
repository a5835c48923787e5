import type { DataType } from 'nodejs-polars'
import pl from 'nodejs-polars'
import { textDictionary } from '../format/text-dictionary.js'
import type { FieldIR, FieldType, ScalarTypeName } from '../schema/schema-ir.js'
import { polarsTypeForField } from '../table/polars-schema.js'

/*
 * Entities ⇄ polars frames, column by column with explicit dtypes (never polars' readRecords/toRecords):
 *   Int → Int64 (JS number)          BigInt → Int64 (JS bigint, exact beyond 2^53)
 *   Float → Float64                  Boolean → Bool
 *   String, Decimal, enum → Utf8     Json → Utf8 holding JSON text
 *   Bytes → Utf8 holding base64 (nodejs-polars 0.24 has no Binary dtype)
 *   DateTime → Datetime('us','UTC') (JS Date, millisecond precision in JS)
 *   Date → Date (JS string 'YYYY-MM-DD')
 *   list of T → List(dtype of T)
 * Values are assumed valid (the zod schema ran before); null and undefined are stored as null.
 */

/** Builds one column of a frame from field values. */
export function seriesForField(field: FieldIR, values: readonly unknown[]): pl.Series {
  const name = field.column
  const dtype = polarsTypeForField(field.type)
  const type = field.type
  if (type.kind === 'enum') return pl.Series(name, values.map(nullish), pl.Utf8)
  if (type.kind === 'list') {
    // nodejs-polars types a column of only empty lists as List(Null) and refuses one of only nulls, whatever
    // dtype it is given: such a column is built with one extra non-empty row, then sliced back.
    const hasItems = values.some((v) => Array.isArray(v) && v.length > 0)
    if (hasItems) return listSeries(name, type.element, values, dtype)
    return listSeries(name, type.element, [...values, [sampleElement(type.element)]], dtype).slice(
      0,
      values.length,
    )
  }
  return scalarSeries(name, type.name, values, dtype)
}

function nullish(v: unknown): unknown {
  return v === undefined ? null : v
}

/** The values with undefined as null (copied only when there is an undefined). */
function withNulls(values: readonly unknown[]): unknown[] {
  for (const v of values) if (v === undefined) return values.map(nullish)
  return values as unknown[]
}

/** Microseconds since the epoch are exact in a double up to 2^53 µs (about ±285 years around 1970). */
const MAX_EXACT_MICROS = 2 ** 53

/** A series from a BigInt64Array (nodejs-polars types it as JS arrays only). */
function int64Series(name: string, values: BigInt64Array): pl.Series {
  return pl.Series(name, values as unknown as number[])
}

/** Numbers (no nulls) as a Float64Array. */
function doubles(values: readonly unknown[]): Float64Array {
  const out = new Float64Array(values.length)
  for (let i = 0; i < values.length; i++) out[i] = values[i] as number
  return out
}

function hasNull(values: readonly unknown[]): boolean {
  for (const v of values) if (v === null || v === undefined) return true
  return false
}

function scalarSeries(
  name: string,
  type: ScalarTypeName,
  values: readonly unknown[],
  dtype: DataType,
): pl.Series {
  // Columns without nulls cross into polars as typed arrays (one copy) instead of JS arrays read value by value.
  switch (type) {
    case 'Int':
      if (hasNull(values)) return pl.Series(name, withNulls(values), pl.Int64)
      // Int values are safe integers (validated): exact as doubles.
      return pl.Series(name, doubles(values) as unknown as number[]).cast(pl.Int64)
    case 'Float':
      if (hasNull(values)) return pl.Series(name, withNulls(values), pl.Float64)
      return pl.Series(name, doubles(values) as unknown as number[])
    case 'Boolean': {
      if (hasNull(values)) return pl.Series(name, withNulls(values), pl.Bool)
      const bytes = new Uint8Array(values.length)
      for (let i = 0; i < values.length; i++) if (values[i] === true) bytes[i] = 1
      return pl.Series(name, bytes as unknown as number[]).cast(pl.Bool)
    }
    case 'String':
    case 'Decimal':
      return pl.Series(name, withNulls(values), pl.Utf8)
    case 'BigInt': {
      if (!hasNull(values)) {
        const out = new BigInt64Array(values.length)
        for (let i = 0; i < values.length; i++) out[i] = BigInt(values[i] as bigint | number)
        return int64Series(name, out)
      }
      return pl.Series(name, values.map(bigintText), pl.Utf8).cast(pl.Int64)
    }
    case 'DateTime': {
      if (!hasNull(values)) {
        const micros = new Float64Array(values.length)
        let exact = true
        for (let i = 0; i < values.length; i++) {
          const us = (values[i] as Date).getTime() * 1000
          micros[i] = us
          if (us >= MAX_EXACT_MICROS || us <= -MAX_EXACT_MICROS) exact = false
        }
        if (exact)
          return pl
            .Series(name, micros as unknown as number[])
            .cast(pl.Int64)
            .cast(dtype)
        const out = new BigInt64Array(values.length)
        for (let i = 0; i < values.length; i++) out[i] = BigInt((values[i] as Date).getTime()) * 1000n
        return int64Series(name, out).cast(dtype)
      }
      return pl.Series(name, values.map(nullish), dtype)
    }
    case 'Date':
      return pl.Series(name, values.map(nullish), pl.Utf8).cast(pl.Date)
    case 'Json':
      return pl.Series(name, values.map(jsonText), pl.Utf8)
    case 'Bytes':
      return pl.Series(name, values.map(base64Text), pl.Utf8)
  }
}

function bigintText(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v)
}

function jsonText(v: unknown): string | null {
  return v === undefined || v === null ? null : JSON.stringify(v)
}

function base64Text(v: unknown): string | null {
  if (v === null || v === undefined) return null
  const bytes = v as Uint8Array
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
}

/** A valid value of an element type (for the sentinel row above). */
function sampleElement(element: FieldType): unknown {
  if (element.kind !== 'scalar') return ''
  switch (element.name) {
    case 'Int':
    case 'Float':
      return 0
    case 'BigInt':
      return 0n
    case 'Boolean':
      return false
    case 'DateTime':
      return new Date(0)
    case 'Date':
      return '1970-01-01'
    case 'Json':
      return null
    case 'Bytes':
      return new Uint8Array()
    default:
      return ''
  }
}

function listSeries(
  name: string,
  element: FieldType,
  values: readonly unknown[],
  dtype: DataType,
): pl.Series {
  if (element.kind === 'enum') return pl.Series(name, values.map(nullish), dtype)
  if (element.kind === 'list') throw new Error(`${name}: lists of lists are not supported`)
  const mapList = (f: (x: unknown) => unknown) =>
    values.map((list) => (list === null || list === undefined ? null : (list as unknown[]).map(f)))
  switch (element.name) {
    case 'Int':
    case 'Float':
    case 'Boolean':
    case 'String':
    case 'Decimal':
      return pl.Series(name, values.map(nullish), dtype)
    case 'BigInt':
    case 'Date':
      return pl.Series(name, mapList(bigintText), pl.List(pl.Utf8)).cast(dtype)
    case 'DateTime':
      // Microseconds as decimal text: beyond 2^53 (about ±285 years around 1970) a double would round them.
      return pl
        .Series(
          name,
          mapList((d) => (d === null ? null : String(BigInt((d as Date).getTime()) * 1000n))),
          pl.List(pl.Utf8),
        )
        .cast(pl.List(pl.Int64))
        .cast(dtype)
    case 'Json':
      return pl.Series(name, mapList(jsonText), dtype)
    case 'Bytes':
      return pl.Series(name, mapList(base64Text), dtype)
  }
}

/** Builds a frame from entities (or plain objects) holding field values, in field order. */
export function frameFromEntities(fields: readonly FieldIR[], rows: readonly object[]): pl.DataFrame {
  const columns = fields.map((f) => {
    const values = new Array<unknown>(rows.length)
    const key = f.name
    for (let i = 0; i < rows.length; i++) values[i] = (rows[i] as Record<string, unknown>)[key]
    return seriesForField(f, values)
  })
  return pl.DataFrame(columns)
}

/**
 * Reads one column of a frame as an indexable list of JS values of the field's type (null where the column is
 * null). Numeric columns without nulls come back as typed arrays (no per-value conversion).
 */
export function valuesFromSeries(field: FieldIR, series: pl.Series): ArrayLike<unknown> {
  const type = field.type
  if (type.kind === 'enum') return textValues(series)
  if (type.kind === 'list') return listValues(type.element, series)
  switch (type.name) {
    case 'Int': {
      if (series.nullCount() > 0) return series.toArray()
      // Values within ±2^30 come back as an Int32Array, whose elements V8 keeps as small integers (no boxed number
      // per entity); other Int values are safe integers, exact as doubles.
      const min = Number(series.min() ?? 0)
      const max = Number(series.max() ?? 0)
      if (min >= -SMI_LIMIT && max < SMI_LIMIT) return series.cast(pl.Int32).toTypedArray() as Int32Array
      return series.cast(pl.Float64).toTypedArray() as Float64Array
    }
    case 'Float':
      if (series.nullCount() > 0) return series.toArray()
      return series.cast(pl.Float64).toTypedArray() as Float64Array
    case 'BigInt': {
      if (series.nullCount() > 0) return (series.cast(pl.Utf8).toArray() as (string | null)[]).map(toBigInt)
      return series.cast(pl.Int64).toTypedArray() as BigInt64Array
    }
    case 'Boolean':
      return booleanValues(series)
    case 'String':
    case 'Decimal':
      return textValues(series)
    case 'DateTime':
      return microsToDates(series.cast(pl.Datetime('us', 'UTC')).cast(pl.Int64))
    case 'Date':
      return series.cast(pl.Utf8).toArray()
    case 'Json':
      return (series.toArray() as (string | null)[]).map((s) => (s === null ? null : JSON.parse(s)))
    case 'Bytes':
      return (series.toArray() as (string | null)[]).map(fromBase64)
  }
}

/** Small integers V8 stores unboxed (31-bit Smis with pointer compression). */
const SMI_LIMIT = 2 ** 30

/**
 * A text column as JS strings. A column with few distinct values (enums, categories, repeated names) goes through
 * a dictionary (`textDictionary`): one JS string per distinct value, shared by the entities. Nearly all distinct
 * (> 99% of a sample) means up to ~n distinct values, so no dictionary.
 */
function textValues(series: pl.Series): unknown[] {
  const dictionary = series.nullCount() > 0 ? undefined : textDictionary(series, 0.99)
  if (!dictionary) return series.toArray()
  const { codes, values } = dictionary
  const n = codes.length
  const out = new Array<unknown>(n)
  for (let i = 0; i < n; i++) out[i] = values[codes[i] as number]
  return out
}

/** A Bool column as JS booleans (through UInt8 codes when it has no nulls: no per-value boxing across N-API). */
function booleanValues(series: pl.Series): unknown[] {
  if (series.nullCount() > 0) return series.toArray()
  const bytes = series.cast(pl.UInt8).toTypedArray() as Uint8Array
  const out = new Array<unknown>(bytes.length)
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i] === 1
  return out
}

function toBigInt(s: string | null): bigint | null {
  return s === null ? null : BigInt(s)
}

function fromBase64(s: string | null): Uint8Array | null {
  if (s === null) return null
  const buf = Buffer.from(s, 'base64')
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)
}

/** A Date from microseconds as decimal text (exact at any magnitude), floored to milliseconds. */
function microsTextToDate(text: string): Date {
  const us = BigInt(text)
  return new Date(Number(us / 1000n - (us % 1000n < 0n ? 1n : 0n)))
}

function microsToDates(int64: pl.Series): unknown[] {
  const n = int64.length
  const out = new Array<unknown>(n)
  const nulls = int64.nullCount() > 0 ? (int64.isNull().toArray() as boolean[]) : undefined
  const min = Number(int64.min() ?? 0)
  const max = Number(int64.max() ?? 0)
  if (Math.abs(min) < MAX_EXACT_MICROS && Math.abs(max) < MAX_EXACT_MICROS) {
    const micros = int64.fillNull('zero').cast(pl.Float64).toTypedArray() as Float64Array
    for (let i = 0; i < n; i++)
      out[i] = nulls?.[i] ? null : new Date(Math.floor((micros[i] as number) / 1000))
    return out
  }
  const micros = int64.fillNull('zero').toTypedArray() as BigInt64Array
  for (let i = 0; i < n; i++) {
    const us = micros[i] as bigint
    out[i] = nulls?.[i] ? null : new Date(Number(us / 1000n - (us % 1000n < 0n ? 1n : 0n)))
  }
  return out
}

function listValues(element: FieldType, series: pl.Series): unknown[] {
  if (element.kind !== 'scalar') return series.toArray()
  const mapLists = (s: pl.Series, f: (x: never) => unknown) =>
    (s.toArray() as unknown as (unknown[] | null)[]).map((list) =>
      list === null ? null : list.map((x) => (x === null ? null : f(x as never))),
    )
  switch (element.name) {
    case 'BigInt':
      return mapLists(series.cast(pl.List(pl.Utf8)), (s: string) => BigInt(s))
    case 'Date':
      return mapLists(series.cast(pl.List(pl.Utf8)), (s: string) => s)
    case 'DateTime':
      return mapLists(
        series
          .cast(pl.List(pl.Datetime('us', 'UTC')))
          .cast(pl.List(pl.Int64))
          .cast(pl.List(pl.Utf8)),
        microsTextToDate,
      )
    case 'Json':
      return mapLists(series, (s: string) => JSON.parse(s))
    case 'Bytes':
      return mapLists(series, fromBase64)
    default:
      return series.toArray()
  }
}

/** A function that builds `height` entities from column values without running the class constructor. */
export type RowsBuilder = (columns: readonly ArrayLike<unknown>[], height: number) => object[]

const builders = new WeakMap<object, Map<string, RowsBuilder>>()

/**
 * Compiles (once per prototype and field list) a builder: a plain constructor function whose prototype is the
 * entity's, taking one argument per field and assigning them in a fixed order (V8's fastest object
 * construction), called in a loop over locals holding the columns. The class constructor never runs.
 */
export function rowsBuilder(prototype: object, fieldNames: readonly string[]): RowsBuilder {
  const key = JSON.stringify(fieldNames)
  let byFields = builders.get(prototype)
  if (!byFields) {
    byFields = new Map()
    builders.set(prototype, byFields)
  }
  const cached = byFields.get(key)
  if (cached) return cached
  const args = fieldNames.map((_, k) => `v${k}`)
  const body = [
    `function Loaded(${args.join(', ')}) {`,
    ...fieldNames.map((n, k) => `  this[${JSON.stringify(n)}] = v${k}`),
    '}',
    'Loaded.prototype = proto',
    'return (c, n) => {',
    ...fieldNames.map((_, k) => `  const c${k} = c[${k}]`),
    '  const out = new Array(n)',
    `  for (let i = 0; i < n; i++) out[i] = new Loaded(${fieldNames.map((_, k) => `c${k}[i]`).join(', ')})`,
    '  return out',
    '}',
  ].join('\n')
  const built = new Function('proto', body)(prototype) as RowsBuilder
  byFields.set(key, built)
  return built
}

/**
 * Frames up to this many rows are read with one `toRecords()` call: nodejs-polars builds a JS wrapper of a few
 * hundred closures for every Series it hands out (about a millisecond each), which dominates small reads.
 */
const SMALL_FRAME = 1024

/** Materialises entities from a frame holding (a subset of) the fields' columns. */
export function entitiesFromFrame<T extends object>(
  fields: readonly FieldIR[],
  df: pl.DataFrame,
  prototype: object,
): T[] {
  const present = new Set(df.columns)
  const used = fields.filter((f) => present.has(f.column))
  const height = df.height
  const columns =
    (height <= SMALL_FRAME ? columnsFromRecords(used, df, height) : undefined) ??
    used.map((f) => valuesFromSeries(f, df.getColumn(f.column)))
  const build = rowsBuilder(
    prototype,
    used.map((f) => f.name),
  )
  return build(columns, height) as T[]
}

/**
 * Materialises one entity from one row's values (as `df.row` hands them out, in `columns` order) with the same
 * conversions as the small-frame path of `entitiesFromFrame`: no polars frame or series is created. Undefined when
 * a value may be inexact that way (a BigInt or DateTime beyond 2^53): the caller materialises from the frame.
 */
export function entityFromRow<T extends object>(
  fields: readonly FieldIR[],
  columns: readonly string[],
  values: readonly unknown[],
  prototype: object,
): T | undefined {
  const used: FieldIR[] = []
  const out: unknown[][] = []
  for (const f of fields) {
    const at = columns.indexOf(f.column)
    if (at < 0) continue
    const v = values[at]
    const convert = recordConverter(f.type)
    const value = v === null || v === undefined ? null : convert ? convert(v) : v
    if (unsafeValue(f.type, value)) return undefined
    used.push(f)
    out.push([value])
  }
  const build = rowsBuilder(
    prototype,
    used.map((f) => f.name),
  )
  return build(out, 1)[0] as T
}

/** Whether a converted record value of a field may have lost precision on its way out of polars. */
function unsafeValue(type: FieldType, value: unknown): boolean {
  const element = type.kind === 'list' ? type.element : type
  if (element.kind !== 'scalar') return false
  if (element.name === 'BigInt') return unsafeBigInt(value)
  if (element.name === 'DateTime') return unsafeDate(value)
  return false
}

/**
 * The columns of a small frame from its records, converted to the fields' JS types; undefined when a BigInt value
 * or a DateTime's microseconds lie beyond 2^53 (records carry them as doubles: such frames take the exact column
 * path).
 */
function columnsFromRecords(
  fields: readonly FieldIR[],
  df: pl.DataFrame,
  height: number,
): unknown[][] | undefined {
  const records = df.toRecords() as Record<string, unknown>[]
  const columns: unknown[][] = []
  for (const f of fields) {
    const convert = recordConverter(f.type)
    const out = new Array<unknown>(height)
    const column = f.column
    for (let i = 0; i < height; i++) {
      const v = (records[i] as Record<string, unknown>)[column]
      out[i] = v === null || v === undefined ? null : convert ? convert(v) : v
    }
    if (convert === bigintFromRecord || (f.type.kind === 'list' && hasBigIntElement(f.type.element))) {
      if (out.some(unsafeBigInt)) return undefined
    }
    if (isDateTime(f.type) || (f.type.kind === 'list' && isDateTime(f.type.element))) {
      if (out.some(unsafeDate)) return undefined
    }
    columns.push(out)
  }
  return columns
}

const UNSAFE = BigInt(Number.MAX_SAFE_INTEGER)

function unsafeBigInt(v: unknown): boolean {
  if (typeof v === 'bigint') return v > UNSAFE || v < -UNSAFE
  return Array.isArray(v) && v.some(unsafeBigInt)
}

/** Records carry a DateTime as a double of microseconds: inexact from 2^53 µs (about ±285 years around 1970). */
const UNSAFE_MS = MAX_EXACT_MICROS / 1000 - 1

function unsafeDate(v: unknown): boolean {
  if (v instanceof Date) return Math.abs(v.getTime()) >= UNSAFE_MS
  return Array.isArray(v) && v.some(unsafeDate)
}

function isDateTime(t: FieldType): boolean {
  return t.kind === 'scalar' && t.name === 'DateTime'
}

function hasBigIntElement(t: FieldType): boolean {
  return t.kind === 'scalar' && t.name === 'BigInt'
}

function bigintFromRecord(v: unknown): unknown {
  return BigInt(v as number)
}

function dayFromRecord(v: unknown): unknown {
  return (v as Date).toISOString().slice(0, 10)
}

function jsonFromRecord(v: unknown): unknown {
  return JSON.parse(v as string)
}

function bytesFromRecord(v: unknown): unknown {
  return fromBase64(v as string)
}

/** How a record value (as `toRecords` gives it, never null) becomes the field's JS value; undefined: as is. */
function recordConverter(type: FieldType): ((v: unknown) => unknown) | undefined {
  if (type.kind === 'enum') return undefined
  if (type.kind === 'list') {
    const element = recordConverter(type.element)
    if (!element) return undefined
    return (v) => (v as unknown[]).map((x) => (x === null ? null : element(x)))
  }
  switch (type.name) {
    case 'BigInt':
      return bigintFromRecord
    case 'Date':
      return dayFromRecord
    case 'Json':
      return jsonFromRecord
    case 'Bytes':
      return bytesFromRecord
    default:
      // Int, Float, Boolean, String, Decimal as is; DateTime: records hold Dates (milliseconds, floored).
      return undefined
  }
}
