import type avsc from 'avsc'
import type { DataType } from 'nodejs-polars'
import pl from 'nodejs-polars'
import { FormatError } from '../errors/pf-error.js'
import { avroArrowColumn } from './avro-arrow-column.js'
import { countContainerRecords, readContainerBlocks, readContainerHeader } from './avro-container.js'
import { jsColumn } from './avro-js-columns.js'
import { collectNamedTypes, derefAvroType } from './avro-named-types.js'
import {
  type AvroColumnMapping,
  avroColumnMapping,
  buildAvroColumn,
  unwrapNullable,
} from './avro-polars-types.js'
import type { AvroField, AvroType } from './avro-schema-types.js'
import { compileAvroReaderType, isPrecisionLoss, sanitizeForDecoding } from './avro-types.js'
import { sameDtype } from './same-dtype.js'
import type { ReadOptions } from './storage-format.js'

/** A container's parsed header and the offset of its first block. */
type ContainerStart = ReturnType<typeof readContainerHeader>

interface RecordSchemaLike {
  readonly type: 'record'
  readonly name?: string
  readonly fields: readonly AvroField[]
}

function isRecordSchema(schema: unknown): schema is RecordSchemaLike {
  const s = schema as { type?: unknown; fields?: unknown } | null
  return typeof s === 'object' && s !== null && s.type === 'record' && Array.isArray(s.fields)
}

/** Decodes every record into one array per field, in the file's field order. */
function decodeColumns(
  bytes: Buffer,
  { header, offset }: ContainerStart,
  schema: unknown,
  width: number,
  limit: number,
  exact: boolean,
): { columns: unknown[][]; rows: number; types: avsc.Type[] } {
  const sanitized = sanitizeForDecoding(schema) as { fields: { name: string }[] }
  const type = compileAvroReaderType(sanitized, exact) as avsc.types.RecordType
  const keys = sanitized.fields.slice(0, width).map((f) => f.name)
  const columns: unknown[][] = keys.map(() => [])
  let rows = 0
  for (const block of readContainerBlocks(bytes, header, offset)) {
    const data = Buffer.from(block.data.buffer, block.data.byteOffset, block.data.byteLength)
    let pos = 0
    for (let i = 0; i < block.count && rows < limit; i++, rows++) {
      const decoded = type.decode(data, pos)
      if (decoded.offset < 0) throw new Error('truncated block (a record ends past its block)')
      pos = decoded.offset
      const record = decoded.value as Record<string, unknown>
      for (let j = 0; j < width; j++) columns[j]!.push(record[keys[j]!] ?? null)
    }
    if (rows >= limit) break
  }
  return { columns, rows, types: type.fields.slice(0, width).map((f: avsc.types.Field) => f.type) }
}

const POLARS_LOGICAL = new Set(['timestamp-millis', 'timestamp-micros', 'local-timestamp-micros', 'date'])

/**
 * Types polars 0.24's reader is known to read exactly (checked by the tests): primitives but bytes, enums,
 * timestamps (millis, micros, local micros), dates, and arrays of those but enums. Bytes come back Binary,
 * which nodejs-polars cannot even describe, and arrays of enums and nullable enums make it panic: those files
 * go to the decoder.
 */
function polarsReads(type: AvroType, named: ReadonlyMap<string, AvroType>, top: boolean): boolean {
  const inner = unwrapNullable(type)
  if (inner === undefined) return false
  const t = derefAvroType(inner, named)
  if (typeof t === 'string') return ['boolean', 'int', 'long', 'float', 'double', 'string'].includes(t)
  if (Array.isArray(t)) return false
  const complex = t as { type: unknown; logicalType?: unknown; items?: AvroType }
  // A nullable enum makes polars 0.24's reader panic (it recovers, but prints a Rust backtrace on stderr).
  if (complex.type === 'enum') return top && !Array.isArray(type)
  if (complex.type === 'array')
    return top && complex.items !== undefined && polarsReads(complex.items, named, false)
  if (typeof complex.logicalType === 'string') return POLARS_LOGICAL.has(complex.logicalType)
  return typeof complex.type === 'string' && polarsReads(complex.type as AvroType, named, top)
}

/** The cast turning a column polars' reader made into the mapping's dtype, when it is exact; else undefined. */
function conversion(from: DataType, to: DataType): DataType | undefined {
  if (sameDtype(from, to)) return to
  // Enums come back Categorical; timestamps in their own unit (ms → us is exact; ns → us truncates, as the
  // decoder does).
  if (from.variant === 'Categorical' && sameDtype(to, pl.Utf8)) return to
  if (from.variant === 'Datetime' && to.variant === 'Datetime') {
    const [fromZone, toZone] = [
      (from as DataType & { timeZone?: string }).timeZone,
      (to as DataType & { timeZone?: string }).timeZone,
    ]
    return (fromZone ?? toZone) === toZone ? to : undefined
  }
  if (from.variant === 'List' && to.variant === 'List') {
    const inner = (d: DataType) => (d as DataType & { inner: DataType[] }).inner[0] as DataType
    return conversion(inner(from), inner(to)) ? to : undefined
  }
  return undefined
}

/**
 * The file read by polars' own (native, 8-10x faster) reader and cast to the mapping's dtypes, or undefined
 * when that is not exact: a dtype it reads differently, a reader error, or a row count that differs
 * from the blocks' (the decoder then reads the file, and reports a damaged one by name).
 */
function readWithPolars(
  bytes: Buffer,
  container: ContainerStart,
  fields: readonly AvroField[],
  named: ReadonlyMap<string, AvroType>,
  names: readonly string[],
  mappings: readonly AvroColumnMapping[],
  wanted: readonly string[],
): pl.DataFrame | undefined {
  if (!fields.every((f) => polarsReads(f.type, named, true))) return undefined
  let df: pl.DataFrame
  let records: number
  try {
    records = countContainerRecords(bytes, container.header, container.offset)
    df = pl.readAvro(bytes)
  } catch {
    return undefined
  }
  if (df.height !== records || df.columns.join('\u0000') !== names.join('\u0000')) return undefined
  const series: pl.Series[] = []
  for (const name of wanted) {
    const mapping = mappings[names.indexOf(name)] as AvroColumnMapping
    const column = df.getColumn(name)
    const cast = conversion(column.dtype, mapping.dtype)
    if (!cast) return undefined
    series.push(sameDtype(column.dtype, mapping.dtype) ? column : column.cast(cast))
  }
  return series.length === 0 ? df.select() : pl.DataFrame(series)
}

/** A frame of `rows` rows and no columns (polars keeps a height without columns; `toRecords()` gives `{}`s). */
function rowsOnly(rows: number): pl.DataFrame {
  return pl.DataFrame([pl.Series('_', new Array<null>(rows).fill(null))]).drop('_')
}

/** avsc decodes records into instances of generated classes and maps into plain objects. */
const isAvscMap = (o: object): boolean => Object.getPrototypeOf(o) === Object.prototype

/**
 * Reads an Avro object container file into a frame with dtypes derived from the writer's schema, columns
 * in the file's order. A top-level schema that is not a record (int, string, array, a union...) reads as one
 * column named `value`. Types without a typed mapping (nested records, maps, fixed, unions of several types)
 * are decoded with avsc and shaped by `jsColumn`. Throws plain errors; callers name the file.
 */
export function decodeAvroFrame(
  bytes: Buffer,
  options: ReadOptions = {},
  /** 'auto': polars' reader when its result is exact, else the decoder; or only one of them (tests). */
  engine: 'auto' | 'decoder' | 'polars' = 'auto',
): pl.DataFrame {
  const container = readContainerHeader(bytes)
  const written = JSON.parse(container.header.schemaJson) as unknown
  // The binary encoding of a one-field record is its field's value: a non-record schema reads as that record.
  const schema: RecordSchemaLike = isRecordSchema(written)
    ? written
    : { type: 'record', fields: [{ name: 'value', type: written as AvroType }] }
  const named = collectNamedTypes(written as AvroType)
  const mappings = schema.fields.map((field) => avroColumnMapping(field.type, named))
  const names = schema.fields.map((f) => f.name)
  if (options.columns) {
    const missing = options.columns.filter((c) => !names.includes(c))
    if (missing.length > 0) {
      throw new FormatError(
        `No column ${missing.map((c) => `"${c}"`).join(', ')} in the file (columns: ${names.join(', ')})`,
      )
    }
  }
  const limit = options.nRows ?? Number.POSITIVE_INFINITY
  const wanted = options.columns ?? names
  const typed = isRecordSchema(written) && mappings.every((m) => m !== null)
  const fast =
    engine === 'decoder' || !typed
      ? undefined
      : readWithPolars(bytes, container, schema.fields, named, names, mappings as AvroColumnMapping[], wanted)
  if (fast) return limit < fast.height ? fast.slice(0, limit) : fast
  if (engine === 'polars') throw new FormatError("polars' reader does not read this file exactly")
  const avscSchema = isRecordSchema(written)
    ? written
    : { type: 'record', name: 'PfValue', fields: schema.fields }
  let exact = false
  let decoded: { columns: unknown[][]; rows: number; types: avsc.Type[] }
  try {
    decoded = decodeColumns(bytes, container, avscSchema, names.length, limit, false)
  } catch (error) {
    if (!isPrecisionLoss(error)) throw error
    exact = true
    decoded = decodeColumns(bytes, container, avscSchema, names.length, limit, true)
  }
  // No column wanted (a record without fields): a frame with the row count and no columns, as polars' own reader.
  if (wanted.length === 0) return rowsOnly(decoded.rows)
  const series = wanted.map((name) => {
    const j = names.indexOf(name)
    const mapping = mappings[j]
    const values = decoded.columns[j] as unknown[]
    if (mapping) return buildAvroColumn(mapping, name, values, exact)
    return avroArrowColumn(name, decoded.types[j] as avsc.Type, values) ?? jsColumn(name, values, isAvscMap)
  })
  return pl.DataFrame(series)
}
