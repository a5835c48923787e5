import { ThriftCompactWriter } from '../format/thrift-compact-writer.js'
import type { DecimalSpec } from '../schema/decimal-spec.js'
import { ENGINE_INFO } from './engine-info.js'

/*
 * Parquet for a few rows written from JS values, without polars: one row group, one uncompressed PLAIN data page
 * (v1) per column, every column optional, lists as the standard 3-level LIST (repetition and definition levels in
 * the RLE/bit-packed hybrid), footer statistics (null count, min, max). Column types and schema conventions are
 * those of the writer of the table's other files (`SmallParquetLayout`: polars, or arrow-rs for tables with
 * Decimal/Bytes fields), so the file reads back as the same frame; with `arrowSchema` (the ARROW:schema that
 * writer puts in a file of the table's schema) Arrow readers restore the exact types from it, as for its own files.
 */

/**
 * How a value is stored: Int64, Datetime('us','UTC') as INT64 µs, Date as INT32 days, Float64, Bool, UTF-8 text,
 * bytes (BYTE_ARRAY, no annotation), decimal(p,s) (unscaled; INT32, INT64 or FIXED_LEN_BYTE_ARRAY by precision).
 */
export type SmallColumnKind =
  | 'int64'
  | 'timestamp'
  | 'date'
  | 'double'
  | 'boolean'
  | 'string'
  | 'binary'
  | 'decimal'

/** One stored value: bigint (int64, timestamp µs, decimal unscaled), number (date days, double), boolean, bytes. */
export type SmallScalarValue = bigint | number | boolean | Uint8Array

/** One row's value of a column: a scalar, a list of scalars (null elements where the type allows them), or null. */
export type SmallColumnValue = SmallScalarValue | readonly (SmallScalarValue | null)[] | null

/** Whose schema conventions a file follows: polars' (list element `element`) or arrow-rs' (`item`, root `arrow_schema`). */
export type SmallParquetLayout = 'polars' | 'arrow-rs'

/** How a column is stored: the kind of its values, a decimal's precision and scale, whether rows hold lists. */
export interface SmallColumnType {
  readonly kind: SmallColumnKind
  /** Precision and scale of a `decimal` column. */
  readonly decimal?: DecimalSpec
  /** Each row holds a list of `kind` values (or null). Default false. */
  readonly list?: boolean
}

export interface SmallColumn extends SmallColumnType {
  readonly name: string
  readonly values: readonly SmallColumnValue[]
}

/**
 * A column's null count (rows whose value is null) and the bounds of its values (of a list column: of its
 * elements); NaN never is a bound; no bounds when there is no other value.
 */
export interface SmallColumnRange {
  readonly nullCount: number
  readonly min?: SmallScalarValue
  readonly max?: SmallScalarValue
}

// parquet.thrift enums.
const BOOLEAN = 0
const INT32 = 1
const INT64 = 2
const DOUBLE = 5
const BYTE_ARRAY = 6
const FIXED_LEN_BYTE_ARRAY = 7
const PLAIN = 0
const RLE = 3
const OPTIONAL = 1
const REPEATED = 2
const UTF8_CONVERTED = 0
const LIST_CONVERTED = 3
const DECIMAL_CONVERTED = 5
const DATE_CONVERTED = 6
const TIMESTAMP_MICROS_CONVERTED = 10
const DATA_PAGE = 0
const UNCOMPRESSED = 0

/** Bytes of a FIXED_LEN_BYTE_ARRAY decimal of `precision` digits: the fewest holding ±(10^p - 1), as arrow-rs sizes them. */
function decimalLength(precision: number): number {
  const largest = 10n ** BigInt(precision) - 1n
  let bytes = 1
  while (largest >= 2n ** BigInt(8 * bytes - 1)) bytes++
  return bytes
}

/** The physical type of a column's values (decimals by precision, as arrow-rs stores them). */
function physicalOf(column: SmallColumn): number {
  switch (column.kind) {
    case 'int64':
    case 'timestamp':
      return INT64
    case 'date':
      return INT32
    case 'double':
      return DOUBLE
    case 'boolean':
      return BOOLEAN
    case 'string':
    case 'binary':
      return BYTE_ARRAY
    case 'decimal': {
      // arrow-rs' rule, precision 1 included: INT32 for 2-9 digits, INT64 up to 18, then fixed-length bytes.
      const { precision } = decimalOf(column)
      return precision >= 2 && precision <= 9 ? INT32 : precision <= 18 ? INT64 : FIXED_LEN_BYTE_ARRAY
    }
  }
}

function decimalOf(column: SmallColumn): DecimalSpec {
  if (column.decimal === undefined) throw new TypeError(`decimal column ${column.name} has no precision`)
  return column.decimal
}

/** The writer's name in the footer, in the `<app> version <v>` form parquet-mr and arrow-rs parse. */
const CREATED_BY = `${ENGINE_INFO.replace('/', ' version ')}`

function less(a: SmallScalarValue, b: SmallScalarValue): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b) < 0
  return (a as number | bigint | boolean) < (b as number | bigint | boolean)
}

/** Null count (null rows), min and max of a column's values or list elements (bytes unsigned, numbers signed). */
export function smallColumnRange(column: SmallColumn): SmallColumnRange {
  let nullCount = 0
  let min: SmallScalarValue | undefined
  let max: SmallScalarValue | undefined
  const see = (v: SmallScalarValue | null): void => {
    if (v === null || (typeof v === 'number' && Number.isNaN(v))) return
    if (min === undefined || less(v, min)) min = v
    if (max === undefined || less(max, v)) max = v
  }
  for (const v of column.values) {
    if (v === null) nullCount++
    else if (Array.isArray(v)) for (const e of v as readonly (SmallScalarValue | null)[]) see(e)
    else see(v as SmallScalarValue)
  }
  if (min === undefined || max === undefined) return { nullCount }
  // Parquet's rule for float statistics: a zero min is written -0 and a zero max +0, so a reader that compares
  // with either zero keeps the row group.
  if (min === 0) min = -0
  if (max === 0) max = 0
  return { nullCount, min, max }
}

/** A decimal's unscaled value as `length` big-endian two's-complement bytes (FIXED_LEN_BYTE_ARRAY). */
function bigEndian(value: bigint, length: number): Buffer {
  const out = Buffer.alloc(length)
  let v = BigInt.asUintN(8 * length, value)
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn)
    v >>= 8n
  }
  return out
}

/** A value PLAIN-encoded on its own, without a length prefix (statistics bytes). */
function plainBytes(column: SmallColumn, physical: number, v: SmallScalarValue): Uint8Array {
  switch (physical) {
    case INT64: {
      const out = Buffer.alloc(8)
      out.writeBigInt64LE(v as bigint)
      return out
    }
    case INT32: {
      const out = Buffer.alloc(4)
      out.writeInt32LE(typeof v === 'bigint' ? Number(v) : (v as number))
      return out
    }
    case DOUBLE: {
      const out = Buffer.alloc(8)
      out.writeDoubleLE(v as number)
      return out
    }
    case BOOLEAN:
      return Uint8Array.of(v === true ? 1 : 0)
    case FIXED_LEN_BYTE_ARRAY:
      return bigEndian(v as bigint, decimalLength(decimalOf(column).precision))
    default:
      return v as Uint8Array
  }
}

/** The non-null values PLAIN-encoded. */
function plainValues(column: SmallColumn, physical: number, present: readonly SmallScalarValue[]): Buffer {
  switch (physical) {
    case INT64: {
      const out = Buffer.alloc(present.length * 8)
      for (let i = 0; i < present.length; i++) out.writeBigInt64LE(present[i] as bigint, i * 8)
      return out
    }
    case INT32: {
      const out = Buffer.alloc(present.length * 4)
      for (let i = 0; i < present.length; i++) {
        const v = present[i] as bigint | number
        out.writeInt32LE(typeof v === 'bigint' ? Number(v) : v, i * 4)
      }
      return out
    }
    case DOUBLE: {
      const out = Buffer.alloc(present.length * 8)
      for (let i = 0; i < present.length; i++) out.writeDoubleLE(present[i] as number, i * 8)
      return out
    }
    case BOOLEAN: {
      const out = Buffer.alloc(Math.ceil(present.length / 8))
      present.forEach((v, i) => {
        if (v === true) out[i >> 3] = (out[i >> 3] as number) | (1 << (i & 7))
      })
      return out
    }
    case FIXED_LEN_BYTE_ARRAY: {
      const length = decimalLength(decimalOf(column).precision)
      return Buffer.concat(
        present.map((v) => bigEndian(v as bigint, length)),
        present.length * length,
      )
    }
    default: {
      let size = 0
      for (const v of present) size += 4 + (v as Uint8Array).length
      const out = Buffer.alloc(size)
      let at = 0
      for (const v of present) {
        const bytes = v as Uint8Array
        out.writeUInt32LE(bytes.length, at)
        out.set(bytes, at + 4)
        at += 4 + bytes.length
      }
      return out
    }
  }
}

/**
 * Levels as one bit-packed run of the RLE/bit-packed hybrid (`bitWidth` bits each, padded to a multiple of 8
 * values with zeros, which readers ignore past the page's value count), with the 4-byte length v1 pages carry.
 */
function hybridLevels(levels: Uint8Array, bitWidth: number): Buffer {
  const groups = Math.ceil(levels.length / 8)
  const header: number[] = []
  let h = groups * 2 + 1
  while (h >= 0x80) {
    header.push((h & 0x7f) | 0x80)
    h = Math.floor(h / 128)
  }
  header.push(h)
  const body = groups * bitWidth
  const out = Buffer.alloc(4 + header.length + body)
  out.writeUInt32LE(header.length + body, 0)
  out.set(header, 4)
  const at = 4 + header.length
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i] as number
    for (let b = 0; b < bitWidth; b++) {
      if ((level & (1 << b)) === 0) continue
      const bit = i * bitWidth + b
      out[at + (bit >> 3)] = (out[at + (bit >> 3)] as number) | (1 << (bit & 7))
    }
  }
  return out
}

/**
 * A column as Parquet levels and values: per entry (a row, or a list element) its repetition level (lists: 0 starts
 * a row) and definition level (scalars: 0 null, 1 present; lists: 0 null list, 1 empty list, 2 null element,
 * 3 element), the present values in order, and the entries below the top definition level (the footer's null
 * count, counted as parquet-mr and arrow-rs count it).
 */
interface ColumnLevels {
  readonly repetition: Uint8Array | undefined
  readonly definition: Uint8Array
  readonly present: SmallScalarValue[]
  readonly nulls: number
}

function levelsOf(column: SmallColumn): ColumnLevels {
  const present: SmallScalarValue[] = []
  if (column.list !== true) {
    const definition = new Uint8Array(column.values.length)
    column.values.forEach((v, i) => {
      if (v === null) return
      definition[i] = 1
      present.push(v as SmallScalarValue)
    })
    return { repetition: undefined, definition, present, nulls: column.values.length - present.length }
  }
  let entries = 0
  for (const v of column.values) entries += v === null ? 1 : Math.max(1, (v as readonly unknown[]).length)
  const repetition = new Uint8Array(entries)
  const definition = new Uint8Array(entries)
  let at = 0
  let nulls = 0
  for (const v of column.values) {
    const list = v as readonly (SmallScalarValue | null)[] | null
    if (list === null || list.length === 0) {
      definition[at++] = list === null ? 0 : 1
      nulls++
      continue
    }
    list.forEach((e, i) => {
      repetition[at] = i === 0 ? 0 : 1
      if (e === null) {
        definition[at] = 2
        nulls++
      } else {
        definition[at] = 3
        present.push(e)
      }
      at++
    })
  }
  return { repetition, definition, present, nulls }
}

/** The leaf schema element of a column (types and annotations as the table's writer writes them). */
function leafElement(
  w: ThriftCompactWriter,
  column: SmallColumn,
  name: string,
  layout: SmallParquetLayout,
): void {
  const physical = physicalOf(column)
  w.i32(1, physical)
  if (physical === FIXED_LEN_BYTE_ARRAY) w.i32(2, decimalLength(decimalOf(column).precision))
  w.i32(3, OPTIONAL).binary(4, name)
  switch (column.kind) {
    case 'string':
      w.i32(6, UTF8_CONVERTED).struct(10, (l) => l.struct(1, () => {}))
      break
    case 'date':
      w.i32(6, DATE_CONVERTED).struct(10, (l) => l.struct(6, () => {}))
      break
    case 'timestamp':
      // TIMESTAMP(isAdjustedToUTC = true, MICROS); arrow-rs also sets the legacy converted type.
      if (layout === 'arrow-rs') w.i32(6, TIMESTAMP_MICROS_CONVERTED)
      w.struct(10, (l) => l.struct(8, (t) => t.bool(1, true).struct(2, (u) => u.struct(2, () => {}))))
      break
    case 'decimal': {
      const { precision, scale } = decimalOf(column)
      w.i32(6, DECIMAL_CONVERTED)
        .i32(7, scale)
        .i32(8, precision)
        .struct(10, (l) => l.struct(5, (d) => d.i32(1, scale).i32(2, precision)))
      break
    }
    default:
  }
}

/** The footer's schema: the root, then each column's elements depth first. */
type SchemaItem =
  | { readonly root: number }
  | { readonly group: string }
  | { readonly repeated: true }
  | { readonly leaf: SmallColumn; readonly name: string }

function schemaItems(columns: readonly SmallColumn[], layout: SmallParquetLayout): SchemaItem[] {
  const items: SchemaItem[] = [{ root: columns.length }]
  for (const column of columns) {
    if (column.list === true)
      items.push({ group: column.name }, { repeated: true }, { leaf: column, name: leafName(layout) })
    else items.push({ leaf: column, name: column.name })
  }
  return items
}

/** The name of a list's element, as the layout's writer names it. */
function leafName(layout: SmallParquetLayout): string {
  return layout === 'arrow-rs' ? 'item' : 'element'
}

function pathOf(column: SmallColumn, layout: SmallParquetLayout): string[] {
  return column.list === true ? [column.name, 'list', leafName(layout)] : [column.name]
}

function statistics(
  w: ThriftCompactWriter,
  chunk: { column: SmallColumn; physical: number; range: SmallColumnRange; nulls: number },
): void {
  w.i64(3, chunk.nulls)
  const { min, max } = chunk.range
  if (min !== undefined && max !== undefined)
    w.binary(5, plainBytes(chunk.column, chunk.physical, max)).binary(
      6,
      plainBytes(chunk.column, chunk.physical, min),
    )
}

/** A column's page (header + body), where it starts and how long it is, its level count and statistics. */
interface WrittenChunk {
  readonly column: SmallColumn
  readonly physical: number
  readonly range: SmallColumnRange
  readonly nulls: number
  readonly entries: number
  readonly offset: number
  readonly size: number
}

/** How a small file is written. */
export interface SmallParquetOptions {
  /** The ARROW:schema key-value metadata to carry (base64 text, as the table's writer writes it). Default none. */
  readonly arrowSchema?: string | undefined
  /** Whose schema conventions to follow. Default 'polars'. */
  readonly layout?: SmallParquetLayout
}

/** The Parquet bytes of `rows` rows held in `columns` (each with `rows` values), and each column's range. */
export function encodeSmallParquet(
  columns: readonly SmallColumn[],
  rows: number,
  options: SmallParquetOptions = {},
): { bytes: Uint8Array; ranges: Map<string, SmallColumnRange> } {
  const layout = options.layout ?? 'polars'
  const parts: Uint8Array[] = [Buffer.from('PAR1')]
  let offset = 4
  const chunks: WrittenChunk[] = []
  for (const column of columns) {
    if (column.values.length !== rows)
      throw new RangeError(`column ${column.name} has ${column.values.length} values, not ${rows}`)
    const physical = physicalOf(column)
    const range = smallColumnRange(column)
    const levels = levelsOf(column)
    const entries = levels.definition.length
    const body = Buffer.concat([
      ...(levels.repetition === undefined ? [] : [hybridLevels(levels.repetition, 1)]),
      hybridLevels(levels.definition, column.list === true ? 2 : 1),
      plainValues(column, physical, levels.present),
    ])
    const chunk = { column, physical, range, nulls: levels.nulls, entries }
    const header = new ThriftCompactWriter()
      .i32(1, DATA_PAGE)
      .i32(2, body.length)
      .i32(3, body.length)
      .struct(5, (d) =>
        d
          .i32(1, entries)
          .i32(2, PLAIN)
          .i32(3, RLE)
          .i32(4, RLE)
          .struct(5, (s) => statistics(s, chunk)),
      )
      .finish()
    parts.push(header, body)
    const size = header.length + body.length
    chunks.push({ ...chunk, offset, size })
    offset += size
  }
  const footer = new ThriftCompactWriter()
    .i32(1, 1)
    .structList(2, schemaItems(columns, layout), (w, item) => {
      if ('root' in item) w.binary(4, layout === 'arrow-rs' ? 'arrow_schema' : 'root').i32(5, item.root)
      else if ('group' in item)
        w.i32(3, OPTIONAL)
          .binary(4, item.group)
          .i32(5, 1)
          .i32(6, LIST_CONVERTED)
          .struct(10, (l) => l.struct(3, () => {}))
      else if ('repeated' in item) w.i32(3, REPEATED).binary(4, 'list').i32(5, 1)
      else leafElement(w, item.leaf, item.name, layout)
    })
    .i64(3, rows)
    .structList(4, [chunks], (g, list) => {
      g.structList(1, list, (c, chunk) => {
        c.i64(2, chunk.offset + chunk.size).struct(3, (m) =>
          m
            .i32(1, chunk.physical)
            .i32List(2, [PLAIN, RLE])
            .binaryList(3, pathOf(chunk.column, layout))
            .i32(4, UNCOMPRESSED)
            .i64(5, chunk.entries)
            .i64(6, chunk.size)
            .i64(7, chunk.size)
            .i64(9, chunk.offset)
            .struct(12, (s) => statistics(s, chunk)),
        )
      })
        .i64(2, offset - 4)
        .i64(3, rows)
        .i64(5, 4)
        .i64(6, offset - 4)
    })
  if (options.arrowSchema !== undefined)
    footer.structList(5, [options.arrowSchema], (kv, value) => kv.binary(1, 'ARROW:schema').binary(2, value))
  // created_by as `<app> version <v>` (readers parse it to decide which writers' statistics to trust), then
  // column_orders: without them the meaning of min_value/max_value is undefined (parquet.thrift), so every column
  // says TYPE_ORDER (signed numbers and decimals, unsigned bytes: the order `less` uses).
  const meta = footer
    .binary(6, CREATED_BY)
    .structList(7, columns, (o) => o.struct(1, () => {}))
    .finish()
  const tail = Buffer.alloc(8)
  tail.writeUInt32LE(meta.length, 0)
  tail.write('PAR1', 4, 'latin1')
  parts.push(meta, tail)
  return {
    bytes: new Uint8Array(Buffer.concat(parts)),
    ranges: new Map(chunks.map((c) => [c.column.name, c.range])),
  }
}
