import type { DataType } from 'nodejs-polars'
import pl from 'nodejs-polars'
import { FormatError } from '../errors/pf-error.js'
import type { DecimalSpec } from '../schema/decimal-spec.js'
import { unscaledDecimal } from '../table/arrow-parquet-encoder.js'
import { arrowColumnValues, binaryColumnNames } from './arrow-values.js'
import type { AvroCodec } from './avro-codecs.js'
import { type ColumnWriter, columnWriters } from './avro-column-writers.js'
import { AvroContainerWriter } from './avro-container.js'
import { twosComplementBytes } from './avro-decimal.js'
import { collectNamedTypes, derefAvroType } from './avro-named-types.js'
import { unwrapNullable } from './avro-polars-types.js'
import type { AvroRecordSchema, AvroType } from './avro-schema-types.js'
import { compileAvroType } from './avro-types.js'

/** Uncompressed bytes per block before it is flushed. Default 1 MiB. */
export const AVRO_BLOCK_BYTES = 1 << 20

const TIME_UNIT = { millis: 'ms', micros: 'us', nanos: 'ns' } as const

interface ColumnValues {
  readonly values: unknown[]
  /** True when some value is a bigint (a long beyond 2^53). */
  readonly exact: boolean
}

function innerOf(dtype: DataType): DataType | undefined {
  return (dtype as DataType & { inner?: DataType[] }).inner?.[0]
}

/** The largest magnitude avsc's own long type accepts (2^53 - 2); beyond it longs cross as bigints. */
const AVSC_SAFE_LONG = 9_007_199_254_740_990

/** Whether an Int64 series' min and max both fit avsc's long type as numbers (a series of nulls does). */
function avscSafe(int64: pl.Series): boolean {
  const fits = (v: unknown) => v === null || v === undefined || Math.abs(Number(v)) <= AVSC_SAFE_LONG
  return fits(int64.min()) && fits(int64.max())
}

function toBigInt(v: unknown): bigint | null {
  return v === null ? null : BigInt(v as string)
}

/** Int64 values as numbers, or as bigints when some value is beyond what avsc's long takes as a number. */
function longValues(series: pl.Series): ColumnValues {
  if (avscSafe(series)) return { values: series.toArray(), exact: false }
  return { values: series.cast(pl.Utf8).toArray().map(toBigInt), exact: true }
}

/** Lists of Int64 values, as `longValues` shapes them (each element exact). */
function longListValues(lists: pl.Series): ColumnValues {
  if (avscSafe(lists.explode())) return { values: lists.toArray(), exact: false }
  const text = lists.cast(pl.List(pl.Utf8)).toArray() as unknown as (unknown[] | null)[]
  return { values: text.map((list) => (list === null ? null : list.map(toBigInt))), exact: true }
}

/** The logical type of an Avro type ('' for none). */
function logicalOf(type: AvroType): string {
  return typeof type === 'object' && !Array.isArray(type) && 'logicalType' in type
    ? String(type.logicalType)
    : ''
}

/**
 * One value for an Avro `bytes` type: Uint8Array/byte arrays as they are; text as decimal text for the `decimal`
 * logical type (exact, DecimalRangeError when it does not fit), base64 when `base64`, else its UTF-8 bytes.
 */
function bytesValue(v: unknown, decimal: DecimalSpec | undefined, base64: boolean, column: string): unknown {
  if (v === null || v === undefined) return null
  if (typeof v !== 'string') return Buffer.from(v as number[])
  if (decimal) return twosComplementBytes(unscaledDecimal(v, decimal, column))
  return Buffer.from(v, base64 ? 'base64' : 'utf8')
}

/** The precision and scale of an Avro `decimal` logical type, or undefined for any other type. */
function decimalOf(type: AvroType): DecimalSpec | undefined {
  if (logicalOf(type) !== 'decimal') return undefined
  const { precision, scale } = type as { precision?: unknown; scale?: unknown }
  return { precision: Number(precision), scale: typeof scale === 'number' ? scale : 0 }
}

/** The JS values of one column, shaped for the Avro type it is written as; `base64`: its text is base64 bytes. */
function columnValues(
  series: pl.Series,
  target: AvroType,
  named: ReadonlyMap<string, AvroType>,
  base64 = false,
): ColumnValues {
  const type = derefAvroType(unwrapNullable(target) ?? target, named)
  const base =
    typeof type === 'string' ? type : Array.isArray(type) ? 'union' : (type as { type: string }).type
  const logical = logicalOf(type)
  const variant = series.dtype.variant
  if (base === 'long') {
    const unit = /timestamp-(millis|micros|nanos)$/.exec(logical)?.[1] as keyof typeof TIME_UNIT | undefined
    if (variant === 'Datetime')
      return longValues(series.cast(pl.Datetime(TIME_UNIT[unit ?? 'micros'])).cast(pl.Int64))
    if (variant === 'Date') return longValues(series.cast(pl.Int32).cast(pl.Int64))
    if (variant === 'Int64' || variant === 'UInt64') return longValues(series)
    return { values: series.toArray(), exact: false }
  }
  if (base === 'int') {
    if (variant === 'Datetime' && logical === 'date')
      return { values: series.cast(pl.Date).cast(pl.Int32).toArray(), exact: false }
    if (variant === 'Date') return { values: series.cast(pl.Int32).toArray(), exact: false }
    return { values: series.toArray(), exact: false }
  }
  if (base === 'string' || base === 'enum') {
    const text =
      variant === 'Utf8' || variant === 'String' || variant === 'Categorical' ? series : series.cast(pl.Utf8)
    return { values: text.toArray(), exact: false }
  }
  if (base === 'bytes') {
    const decimal = decimalOf(type)
    return { values: series.toArray().map((v) => bytesValue(v, decimal, base64, series.name)), exact: false }
  }
  if (base === 'array' && variant === 'List') {
    const inner = innerOf(series.dtype)
    const items = (type as { items: AvroType }).items
    const itemType = derefAvroType(unwrapNullable(items) ?? items, named)
    const itemUnit = /timestamp-(millis|micros|nanos)$/.exec(logicalOf(itemType))?.[1] as
      | keyof typeof TIME_UNIT
      | undefined
    if (inner?.variant === 'Datetime') {
      return longListValues(
        series.cast(pl.List(pl.Datetime(TIME_UNIT[itemUnit ?? 'micros']))).cast(pl.List(pl.Int64)),
      )
    }
    if (inner?.variant === 'Int64' || inner?.variant === 'UInt64') return longListValues(series)
    if (inner?.variant === 'Date') return { values: series.cast(pl.List(pl.Int32)).toArray(), exact: false }
    const itemBase = typeof itemType === 'string' ? itemType : (itemType as { type?: unknown }).type
    if (itemBase === 'bytes') {
      const decimal = decimalOf(itemType)
      const lists = series.toArray() as unknown as (unknown[] | null)[]
      const values = lists.map(
        (list) => list?.map((v) => bytesValue(v, decimal, base64, series.name)) ?? null,
      )
      return { values, exact: false }
    }
  }
  return { values: series.toArray(), exact: false }
}

/**
 * The schema with logical longs (`{ type: 'long', logicalType: 'timestamp-micros' }`) as plain `'long'`, for
 * encoding only: avsc builds its own long type for the object form, ignoring the bigint-capable one of
 * `compileAvroType`, and a logical long is encoded as its long. The file's header keeps the real schema.
 */
function plainLongs<T>(schema: T): T {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk)
    if (typeof node !== 'object' || node === null) return node
    const record = node as Record<string, unknown>
    if (record.type === 'long' && 'logicalType' in record) return 'long'
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, walk(v)]))
  }
  return walk(schema) as T
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  if (typeof value === 'bigint') return `${value}n`
  if (Array.isArray(value)) return `[${value.length} items]`
  return String(value)
}

/** Records encoded into a reusable buffer and handed to the container as blocks of about `AVRO_BLOCK_BYTES`. */
class BlockBuffer {
  buf = Buffer.allocUnsafe(AVRO_BLOCK_BYTES * 2)
  /** Where the next record goes. */
  pos = 0
  private count = 0

  constructor(private readonly writer: AvroContainerWriter) {}

  /** Makes room for a record of up to `bytes` at `pos`: flushes the block, grows for a record larger than it. */
  reserve(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return
    this.flush()
    if (bytes > this.buf.length) this.buf = Buffer.allocUnsafe(bytes * 2)
  }

  /** A record was written up to `end`. */
  recordEnd(end: number): void {
    this.pos = end
    this.count++
    if (end >= AVRO_BLOCK_BYTES) this.flush()
  }

  /** The container file, with the last block. */
  finish(): Buffer {
    this.flush()
    return this.writer.bytes()
  }

  private flush(): void {
    if (this.count > 0) this.writer.block(this.count, Buffer.from(this.buf.subarray(0, this.pos)))
    this.count = 0
    this.pos = 0
  }
}

/** Encodes rows with column writers (the fast path of `encodeAvroFrame`). */
function encodeColumns(height: number, writers: readonly ColumnWriter[], blocks: BlockBuffer): Buffer {
  let fixed = 0
  const variable: ((row: number) => number)[] = []
  for (const w of writers) {
    if (typeof w.bound === 'number') fixed += w.bound
    else variable.push(w.bound)
  }
  const write = writers.map((w) => w.write)
  for (let row = 0; row < height; row++) {
    let need = fixed
    for (const bound of variable) need += bound(row)
    blocks.reserve(need)
    const buf = blocks.buf
    let pos = blocks.pos
    for (const w of write) pos = w(buf, pos, row)
    blocks.recordEnd(pos)
  }
  return blocks.finish()
}

/**
 * Encodes a frame as an Avro object container file with `schema` (fields matched to columns by name).
 * Frames whose fields are all primitives, enums, logical ints/longs or nullable unions of those are encoded
 * by column writers from typed arrays (`avro-column-writers.ts`, ~6x faster); others move across as arrays
 * (`toArray`, never `toRecords`) and are encoded by avsc record by record.
 */
export function encodeAvroFrame(
  df: pl.DataFrame,
  schema: AvroRecordSchema,
  codec: AvroCodec,
  /** Text columns holding base64 written to `bytes` fields as the bytes it encodes (a table's Bytes fields). */
  base64Columns: ReadonlySet<string> = new Set(),
): Buffer {
  const fields = schema.fields
  const fieldNames = new Set(fields.map((f) => f.name))
  const extra = df.columns.filter((c) => !fieldNames.has(c))
  if (extra.length > 0) {
    throw new FormatError(
      `Column ${extra.map((c) => `"${c}"`).join(', ')} is not in the Avro schema "${schema.name}"`,
    )
  }
  const named = collectNamedTypes(schema)
  // Binary columns (Avro bytes and fixed read back) cross as Uint8Array through Arrow, on the avsc path.
  const binary = binaryColumnNames(df)
  const writers = binary.size === 0 ? columnWriters(df, schema, named) : undefined
  const blocks = new BlockBuffer(new AvroContainerWriter(JSON.stringify(schema), codec))
  if (writers) return encodeColumns(df.height, writers, blocks)
  const height = df.height
  const columns: unknown[][] = []
  let exact = false
  for (const field of fields) {
    if (binary.has(field.name)) {
      const bytes = arrowColumnValues(df.getColumn(field.name)) as (Uint8Array | null)[]
      columns.push(bytes.map((b) => (b === null ? null : Buffer.from(b.buffer, b.byteOffset, b.byteLength))))
    } else if (df.columns.includes(field.name)) {
      const col = columnValues(df.getColumn(field.name), field.type, named, base64Columns.has(field.name))
      exact ||= col.exact
      columns.push(col.values)
    } else if (field.default !== undefined) {
      columns.push(new Array(height).fill(field.default))
    } else {
      throw new FormatError(
        `The frame has no column "${field.name}", which the Avro schema "${schema.name}" requires`,
      )
    }
  }
  let type: ReturnType<typeof compileAvroType>
  try {
    type = compileAvroType(exact ? plainLongs(schema) : schema, exact)
  } catch (cause) {
    throw new FormatError(`Invalid Avro schema "${schema.name}": ${(cause as Error).message}`, { cause })
  }
  const fieldTypes = (type as unknown as { fields: { type: { isValid(v: unknown): boolean } }[] }).fields.map(
    (f) => f.type,
  )
  const record: Record<string, unknown> = {}
  const keys = fields.map((f) => f.name)
  const width = keys.length
  for (let row = 0; row < height; row++) {
    for (let j = 0; j < width; j++) record[keys[j]!] = columns[j]![row]
    let next: number
    try {
      next = type.encode(record, blocks.buf, blocks.pos)
    } catch (cause) {
      const j = fieldTypes.findIndex((t, k) => !t.isValid(columns[k]![row]))
      const where =
        j >= 0
          ? `column "${keys[j]}", row ${row}: value ${describe(columns[j]![row])} does not fit its Avro type`
          : `row ${row}`
      throw new FormatError(`Cannot encode ${where} (${(cause as Error).message})`, { cause })
    }
    if (next < 0 || next > blocks.buf.length) {
      // The record did not fit what is left of the buffer: a new block (larger, for a record larger than it).
      blocks.reserve(type.toBuffer(record).length)
      next = type.encode(record, blocks.buf, blocks.pos)
    }
    blocks.recordEnd(next)
  }
  return blocks.finish()
}
