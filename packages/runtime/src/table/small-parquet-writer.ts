import { ThriftCompactWriter } from '../format/thrift-compact-writer.js'
import { ENGINE_INFO } from './engine-info.js'

/*
 * Parquet for a few rows written from JS values, without polars: one row group, one uncompressed PLAIN data page
 * (v1) per column, every column optional (definition levels, bit width 1), footer statistics (null count, min,
 * max). Column types are those polars writes for the table dtypes (see the `kind`s), so the file reads back as the
 * same frame; with `arrowSchema` (the ARROW:schema polars writes for the table's schema) polars restores the exact
 * dtypes from it, as it does for its own files.
 */

/** How a column is stored, as polars stores the dtype: Int64, Datetime('us','UTC'), Date, Float64, Bool, Utf8. */
export type SmallColumnKind = 'int64' | 'timestamp' | 'date' | 'double' | 'boolean' | 'string'

/** One column's values: bigint (int64, timestamp µs), number (date days, double), boolean, UTF-8 bytes; null. */
export type SmallColumnValue = bigint | number | boolean | Uint8Array | null

export interface SmallColumn {
  readonly name: string
  readonly kind: SmallColumnKind
  readonly values: readonly SmallColumnValue[]
}

/** A column's null count and bounds (NaN never is a bound; none when every value is null or NaN). */
export interface SmallColumnRange {
  readonly nullCount: number
  readonly min?: bigint | number | boolean | Uint8Array
  readonly max?: bigint | number | boolean | Uint8Array
}

// parquet.thrift enums.
const BOOLEAN = 0
const INT32 = 1
const INT64 = 2
const DOUBLE = 5
const BYTE_ARRAY = 6
const PLAIN = 0
const RLE = 3
const OPTIONAL = 1
const UTF8_CONVERTED = 0
const DATE_CONVERTED = 6
const DATA_PAGE = 0
const UNCOMPRESSED = 0

function physicalOf(kind: SmallColumnKind): number {
  switch (kind) {
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
      return BYTE_ARRAY
  }
}

/** The writer's name in the footer, in the `<app> version <v>` form parquet-mr and arrow-rs parse. */
const CREATED_BY = `${ENGINE_INFO.replace('/', ' version ')}`

function less(a: SmallColumnValue, b: SmallColumnValue): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b) < 0
  return (a as number | bigint | boolean) < (b as number | bigint | boolean)
}

/** Null count, min and max of a column (strings by bytes, as Parquet and polars order them). */
export function smallColumnRange(column: SmallColumn): SmallColumnRange {
  let nullCount = 0
  let min: SmallColumnValue = null
  let max: SmallColumnValue = null
  for (const v of column.values) {
    if (v === null) {
      nullCount++
      continue
    }
    if (typeof v === 'number' && Number.isNaN(v)) continue
    if (min === null || less(v, min)) min = v
    if (max === null || less(max, v)) max = v
  }
  if (min === null || max === null) return { nullCount }
  // Parquet's rule for float statistics: a zero min is written -0 and a zero max +0, so a reader that compares
  // with either zero keeps the row group.
  if (min === 0) min = -0
  if (max === 0) max = 0
  return { nullCount, min, max }
}

/** A value PLAIN-encoded on its own (statistics bytes). */
function plainBytes(kind: SmallColumnKind, v: SmallColumnValue): Uint8Array {
  const out = Buffer.alloc(kind === 'string' ? 0 : kind === 'date' ? 4 : kind === 'boolean' ? 1 : 8)
  switch (kind) {
    case 'int64':
    case 'timestamp':
      out.writeBigInt64LE(v as bigint)
      return out
    case 'date':
      out.writeInt32LE(v as number)
      return out
    case 'double':
      out.writeDoubleLE(v as number)
      return out
    case 'boolean':
      out[0] = v === true ? 1 : 0
      return out
    case 'string':
      return v as Uint8Array
  }
}

/** Definition levels (1: present) as one bit-packed run of the RLE/bit-packed hybrid, with its 4-byte length. */
function definitionLevels(values: readonly SmallColumnValue[]): Buffer {
  const groups = Math.ceil(values.length / 8)
  const header: number[] = []
  let h = (groups << 1) | 1
  while (h >= 0x80) {
    header.push((h & 0x7f) | 0x80)
    h >>>= 7
  }
  header.push(h)
  const out = Buffer.alloc(4 + header.length + groups)
  out.writeUInt32LE(header.length + groups, 0)
  out.set(header, 4)
  const at = 4 + header.length
  for (let i = 0; i < values.length; i++)
    if (values[i] !== null) out[at + (i >> 3)] = (out[at + (i >> 3)] as number) | (1 << (i & 7))
  return out
}

/** The non-null values PLAIN-encoded. */
function plainValues(column: SmallColumn): Buffer {
  const present = column.values.filter((v) => v !== null)
  switch (column.kind) {
    case 'int64':
    case 'timestamp': {
      const out = Buffer.alloc(present.length * 8)
      for (let i = 0; i < present.length; i++) out.writeBigInt64LE(present[i] as bigint, i * 8)
      return out
    }
    case 'date': {
      const out = Buffer.alloc(present.length * 4)
      for (let i = 0; i < present.length; i++) out.writeInt32LE(present[i] as number, i * 4)
      return out
    }
    case 'double': {
      const out = Buffer.alloc(present.length * 8)
      for (let i = 0; i < present.length; i++) out.writeDoubleLE(present[i] as number, i * 8)
      return out
    }
    case 'boolean': {
      const out = Buffer.alloc(Math.ceil(present.length / 8))
      present.forEach((v, i) => {
        if (v === true) out[i >> 3] = (out[i >> 3] as number) | (1 << (i & 7))
      })
      return out
    }
    case 'string': {
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

/** The schema element of a column (types and annotations as polars writes them). */
function schemaElement(w: ThriftCompactWriter, column: SmallColumn): void {
  w.i32(1, physicalOf(column.kind)).i32(3, OPTIONAL).binary(4, column.name)
  switch (column.kind) {
    case 'string':
      w.i32(6, UTF8_CONVERTED).struct(10, (l) => l.struct(1, () => {}))
      break
    case 'date':
      w.i32(6, DATE_CONVERTED).struct(10, (l) => l.struct(6, () => {}))
      break
    case 'timestamp':
      // TIMESTAMP(isAdjustedToUTC = true, MICROS).
      w.struct(10, (l) => l.struct(8, (t) => t.bool(1, true).struct(2, (u) => u.struct(2, () => {}))))
      break
    default:
  }
}

function statistics(w: ThriftCompactWriter, column: SmallColumn, range: SmallColumnRange): void {
  w.i64(3, range.nullCount)
  if (range.min !== undefined && range.max !== undefined) {
    w.binary(5, plainBytes(column.kind, range.max)).binary(6, plainBytes(column.kind, range.min))
  }
}

/** A column's page (header + body) and the ranges of its values. */
interface WrittenChunk {
  readonly column: SmallColumn
  readonly range: SmallColumnRange
  readonly offset: number
  readonly size: number
}

/**
 * The Parquet bytes of `rows` rows held in `columns` (each with `rows` values), and each column's range.
 * `arrowSchema`: the ARROW:schema key-value metadata to carry (base64 text, as polars writes it).
 */
export function encodeSmallParquet(
  columns: readonly SmallColumn[],
  rows: number,
  arrowSchema?: string,
): { bytes: Uint8Array; ranges: Map<string, SmallColumnRange> } {
  const parts: Uint8Array[] = [Buffer.from('PAR1')]
  let offset = 4
  const chunks: WrittenChunk[] = []
  for (const column of columns) {
    if (column.values.length !== rows)
      throw new RangeError(`column ${column.name} has ${column.values.length} values, not ${rows}`)
    const range = smallColumnRange(column)
    const body = Buffer.concat([definitionLevels(column.values), plainValues(column)])
    const header = new ThriftCompactWriter()
      .i32(1, DATA_PAGE)
      .i32(2, body.length)
      .i32(3, body.length)
      .struct(5, (d) =>
        d
          .i32(1, rows)
          .i32(2, PLAIN)
          .i32(3, RLE)
          .i32(4, RLE)
          .struct(5, (s) => statistics(s, column, range)),
      )
      .finish()
    parts.push(header, body)
    const size = header.length + body.length
    chunks.push({ column, range, offset, size })
    offset += size
  }
  const footer = new ThriftCompactWriter()
    .i32(1, 1)
    .structList(2, [undefined, ...columns], (w, column) => {
      if (column === undefined) w.binary(4, 'root').i32(5, columns.length)
      else schemaElement(w, column)
    })
    .i64(3, rows)
    .structList(4, [chunks], (g, list) => {
      g.structList(1, list, (c, chunk) => {
        c.i64(2, chunk.offset + chunk.size).struct(3, (m) =>
          m
            .i32(1, physicalOf(chunk.column.kind))
            .i32List(2, [PLAIN, RLE])
            .binaryList(3, [chunk.column.name])
            .i32(4, UNCOMPRESSED)
            .i64(5, rows)
            .i64(6, chunk.size)
            .i64(7, chunk.size)
            .i64(9, chunk.offset)
            .struct(12, (s) => statistics(s, chunk.column, chunk.range)),
        )
      })
        .i64(2, offset - 4)
        .i64(3, rows)
        .i64(5, 4)
        .i64(6, offset - 4)
    })
  if (arrowSchema !== undefined)
    footer.structList(5, [arrowSchema], (kv, value) => kv.binary(1, 'ARROW:schema').binary(2, value))
  // created_by as `<app> version <v>` (readers parse it to decide which writers' statistics to trust), then
  // column_orders: without them the meaning of min_value/max_value is undefined (parquet.thrift), so every column
  // says TYPE_ORDER (signed numbers, unsigned bytes: the order `less` uses).
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
