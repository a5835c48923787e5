import { decimalText } from '../format/arrow-values.js'
import { fromTwosComplement } from '../format/avro-decimal.js'
import {
  ThriftCompactReader,
  type ThriftShape,
  type ThriftStruct,
  type ThriftValue,
} from '../format/thrift-compact-reader.js'
import { decimalSpecOf } from '../schema/decimal-spec.js'
import type { FieldType } from '../schema/schema-ir.js'
import { canDecompress, decompressPage } from './parquet-page-codecs.js'
import {
  footerRowGroup,
  type LeafElement,
  layoutRowGroup,
  PAGE_FIELDS,
  type PageLocations,
  type ParquetPointLayout,
  POINT_READ_FOOTER,
  pageLocations,
  type RowGroupFacts,
} from './parquet-point-layout.js'
import { hybridAt } from './parquet-rle-hybrid.js'

/*
 * One row of a Parquet file decoded in JS from checked bytes it reads on demand: the footer, the row group's offset
 * indexes (where the file has them: polars and arrow-rs write them) and then only the page holding the row (and its
 * dictionary page) of each column — read and decompressed, no page before it touched. A file without offset
 * indexes has its row's column chunks read whole (pages located from their headers, only the row's decompressed).
 * Flat columns of the types pf writes (polars, arrow-rs and the small writer), DATA_PAGE v1 and v2, PLAIN and
 * dictionary encodings. Anything else is no answer (undefined): the caller reads the row through polars. The
 * footer and offset indexes are read only when the caller has not got their facts already (a key index holds them:
 * parquet-point-layout.ts); the rules applied to the facts are the same either way.
 */

/** How a decoded value is held: what the column's table dtype is made of. */
export type RowColumnKind =
  | 'int64'
  | 'double'
  | 'boolean'
  | 'string'
  | 'bytes'
  | 'date'
  | 'timestamp'
  | 'decimal'

/** int64, timestamp (µs): bigint; double, date (days): number; boolean; string, bytes (base64), decimal (text). */
export type RowValue = bigint | number | boolean | string | null

/** A stored column to decode and the type of its field. */
export interface RowColumn {
  readonly name: string
  readonly type: FieldType
}

/** A file's checked bytes, read on demand: `read` gives exactly the bytes [start, end) or throws. */
export interface ByteSource {
  /** The file's size in bytes. */
  readonly size: number
  read(start: number, end: number): Promise<Uint8Array>
}

/** The decoded row: each column's kind and value, in the order asked. */
export interface DecodedRow {
  readonly kinds: readonly RowColumnKind[]
  readonly values: readonly RowValue[]
  /** Bytes decompressed to decode it (pages after their codec): what a point read costs beyond its reads. */
  readonly decompressedBytes: number
}

// parquet.thrift enums.
const BOOLEAN = 0
const INT32 = 1
const INT64 = 2
const FLOAT = 4
const DOUBLE = 5
const BYTE_ARRAY = 6
const FIXED_LEN_BYTE_ARRAY = 7
const REQUIRED = 0
const OPTIONAL = 1
const UTF8 = 0
const CONVERTED_DECIMAL = 5
const CONVERTED_DATE = 6
const INT_8 = 15
const INT_16 = 16
const INT_32 = 17
const INT_64 = 18
const UNCOMPRESSED = 0
const PLAIN = 0
const PLAIN_DICTIONARY = 2
const RLE = 3
const RLE_DICTIONARY = 8
const DATA_PAGE = 0
const DICTIONARY_PAGE = 2
const DATA_PAGE_V2 = 3

/** Exact: invalid UTF-8 is no answer (polars then reads the file), and a leading U+FEFF is part of the value. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

function struct(value: ThriftValue | undefined): ThriftStruct | undefined {
  return value instanceof Map ? (value as ThriftStruct) : undefined
}

function int(value: ThriftValue | undefined): number | undefined {
  return typeof value === 'bigint' || typeof value === 'number' ? Number(value) : undefined
}

// LogicalType union members, and TimeUnit's MICROS.
const LOGICAL_STRING = 1
const LOGICAL_DECIMAL = 5
const LOGICAL_DATE = 6
const LOGICAL_TIMESTAMP = 8
const LOGICAL_INTEGER = 10
const MICROS = 2

/** Whether an element carries no logical or converted type (or only `allowed` ones). */
function plainAnnotated(element: LeafElement, converted?: number, logicalId?: number): boolean {
  const c = element.converted
  const l = element.logical
  return (c === undefined || c === converted) && (l === undefined || l === logicalId)
}

function isUtf8(element: LeafElement): boolean {
  const l = element.logical
  return element.converted === UTF8
    ? l === undefined || l === LOGICAL_STRING
    : l === LOGICAL_STRING && element.converted === undefined
}

/** How a file column of this element holds a field of this type; undefined where polars must read it. */
function kindOf(type: FieldType, element: LeafElement): RowColumnKind | undefined {
  const physical = element.type
  const l = element.logical
  if (type.kind === 'list') return undefined
  if (type.kind === 'enum') return physical === BYTE_ARRAY && isUtf8(element) ? 'string' : undefined
  switch (type.name) {
    case 'String':
    case 'Json':
      return physical === BYTE_ARRAY && isUtf8(element) ? 'string' : undefined
    case 'Bytes':
      if (physical !== BYTE_ARRAY) return undefined
      return isUtf8(element) ? 'string' : plainAnnotated(element) ? 'bytes' : undefined
    case 'Int':
    case 'BigInt': {
      // INT64, or INT32 signed integers of 32, 16 or 8 bits (an adopted table's narrow columns: narrow-columns.ts).
      const bits = physical === INT64 ? 64 : physical === INT32 ? 32 : 0
      // IntType { bitWidth, isSigned }.
      const width = l === LOGICAL_INTEGER && element.logical2 === 1 ? element.logical1 : undefined
      const converted = element.converted
      const signed =
        converted === undefined ||
        (bits === 64 ? converted === INT_64 : [INT_32, INT_16, INT_8].includes(converted))
      const fits = l === undefined || (width !== undefined && (bits === 64 ? width === 64 : width <= 32))
      return bits > 0 && fits && signed ? 'int64' : undefined
    }
    case 'Float':
      // DOUBLE, or FLOAT (a narrow column: every float is exactly a double).
      return (physical === DOUBLE || physical === FLOAT) && plainAnnotated(element) ? 'double' : undefined
    case 'Boolean':
      return physical === BOOLEAN && plainAnnotated(element) ? 'boolean' : undefined
    case 'Date':
      return physical === INT32 &&
        (element.converted === CONVERTED_DATE || l === LOGICAL_DATE) &&
        plainAnnotated(element, CONVERTED_DATE, LOGICAL_DATE)
        ? 'date'
        : undefined
    case 'DateTime': {
      // TIMESTAMP(isAdjustedToUTC = true, unit = MICROS): polars' Datetime('us', 'UTC').
      const micros = l === LOGICAL_TIMESTAMP && element.logical1 === 1 && element.logical2 === MICROS
      return physical === INT64 && micros ? 'timestamp' : undefined
    }
    case 'Decimal': {
      const spec = decimalSpecOf(type)
      // DecimalType { scale, precision }, else the element's own scale and precision.
      const precision = l === LOGICAL_DECIMAL ? element.logical2 : element.precision
      const scale = l === LOGICAL_DECIMAL ? element.logical1 : element.scale
      const annotated = l === LOGICAL_DECIMAL || (l === undefined && element.converted === CONVERTED_DECIMAL)
      const stored = [INT32, INT64, FIXED_LEN_BYTE_ARRAY, BYTE_ARRAY].includes(physical ?? -1)
      return annotated && stored && precision === spec.precision && (scale ?? 0) === spec.scale
        ? 'decimal'
        : undefined
    }
  }
}

/** The PageHeader fields locating a row: type, sizes, the (v1, v2, dictionary) page header's counts and encodings. */
const PAGE_HEADER: ThriftShape = {
  1: true,
  2: true,
  3: true,
  5: { 1: true, 2: true, 3: true },
  7: { 1: true },
  8: { 3: true, 4: true, 5: true, 6: true, 7: true },
}

/** The file's FileMetaData (the footer, before its length and the magic at the end), the point read's fields. */
async function footer(source: ByteSource): Promise<ThriftStruct> {
  const { size } = source
  if (size < 12) throw new RangeError('no Parquet file')
  const end = await source.read(size - 8, size)
  const view = new DataView(end.buffer, end.byteOffset, 8)
  if (view.getUint32(4, true) !== 0x31524150) throw new RangeError('no Parquet magic')
  const length = view.getUint32(0, true)
  if (length + 12 > size) throw new RangeError('footer longer than the file')
  return new ThriftCompactReader(await source.read(size - 8 - length, size - 8)).readShaped(POINT_READ_FOOTER)
}

/** The `k`th PLAIN-encoded value of a physical type (dictionary pages are PLAIN too). */
function plainAt(
  data: Uint8Array,
  physical: number,
  typeLength: number,
  k: number,
): bigint | number | boolean | Uint8Array {
  const view = new DataView(data.buffer, data.byteOffset, data.length)
  switch (physical) {
    case BOOLEAN: {
      const b = data[k >>> 3]
      if (b === undefined) throw new RangeError('boolean past the page end')
      return ((b >>> (k & 7)) & 1) === 1
    }
    case INT32:
      return view.getInt32(k * 4, true)
    case INT64:
      return view.getBigInt64(k * 8, true)
    case FLOAT:
      return view.getFloat32(k * 4, true)
    case DOUBLE:
      return view.getFloat64(k * 8, true)
    case FIXED_LEN_BYTE_ARRAY: {
      if (typeLength <= 0 || (k + 1) * typeLength > data.length)
        throw new RangeError('value past the page end')
      return data.subarray(k * typeLength, (k + 1) * typeLength)
    }
    case BYTE_ARRAY: {
      let pos = 0
      for (let i = 0; i < k; i++) pos += 4 + view.getUint32(pos, true)
      const length = view.getUint32(pos, true)
      if (pos + 4 + length > data.length) throw new RangeError('value past the page end')
      return data.subarray(pos + 4, pos + 4 + length)
    }
    default:
      throw new RangeError(`physical type ${physical}`)
  }
}

/** A physical value as its kind holds it. */
function kindValue(
  kind: RowColumnKind,
  raw: bigint | number | boolean | Uint8Array,
  scale: number,
): RowValue {
  switch (kind) {
    case 'string':
      return utf8.decode(raw as Uint8Array)
    case 'bytes':
      return Buffer.from(
        (raw as Uint8Array).buffer,
        (raw as Uint8Array).byteOffset,
        (raw as Uint8Array).length,
      ).toString('base64')
    case 'decimal': {
      const unscaled = raw instanceof Uint8Array ? fromTwosComplement(raw) : BigInt(raw as bigint | number)
      return decimalText(String(unscaled), scale)
    }
    case 'int64':
      // A narrow (INT32) column reads as the table's Int64.
      return typeof raw === 'number' ? BigInt(raw) : (raw as bigint)
    default:
      return raw as bigint | number | boolean
  }
}

/** One column chunk's way to the row: its metadata, where it lies in the file and its offset index if any. */
interface Chunk {
  readonly physical: number
  readonly typeLength: number
  readonly optional: boolean
  readonly codec: number
  readonly begin: number
  readonly end: number
  readonly offsetIndex?: { readonly start: number; readonly end: number }
  /** The offset index's page locations, when known without reading it (from a key index). */
  readonly pages?: PageLocations
}

/** A compressed page body to decompress: the codec, the bytes and the size they decompress to. */
interface Compressed {
  readonly codec: number
  readonly data: Uint8Array
  readonly size: number
}

/** The page of a chunk holding a row, found from page headers alone (nothing decompressed yet). */
interface LocatedPage {
  /** Index of the row among the page's rows. */
  readonly index: number
  readonly encoding: ThriftValue | undefined
  /** Definition levels: inside the v1 page body, outside the compressed part in v2, none for a required column. */
  readonly levels: 'none' | 'v1' | Uint8Array
  /** The page's (v1) or its values' (v2) bytes. */
  readonly body: Compressed
  /** The dictionary page, for a dictionary-encoded page. */
  readonly dictionary?: { readonly count: number; readonly body: Compressed }
}

/**
 * The page holding the group's `row`th row among the pages in `bytes` (whole pages; the first of them holds the
 * group's row `first`), from their headers; `dictionary`: the chunk's dictionary page when it is not among them.
 */
function locatePage(
  bytes: Uint8Array,
  chunk: Chunk,
  row: number,
  first = 0,
  dictionary?: LocatedPage['dictionary'],
): LocatedPage {
  let pos = 0
  const end = bytes.length
  while (pos < end) {
    const reader = new ThriftCompactReader(bytes.subarray(pos, end))
    const header = reader.readShaped(PAGE_HEADER)
    const type = header.get(1)
    const size = int(header.get(2)) ?? -1
    const compressed = int(header.get(3)) ?? -1
    const bodyStart = pos + reader.offset
    if (compressed < 0 || size < 0 || bodyStart + compressed > end)
      throw new RangeError('page past its chunk')
    const data = bytes.subarray(bodyStart, bodyStart + compressed)
    pos = bodyStart + compressed
    if (type === DICTIONARY_PAGE) {
      const count = int(struct(header.get(7))?.get(1)) ?? 0
      dictionary = { count, body: { codec: chunk.codec, data, size } }
      continue
    }
    if (type !== DATA_PAGE && type !== DATA_PAGE_V2) continue
    const v2 = type === DATA_PAGE_V2
    const page = struct(header.get(v2 ? 8 : 5))
    if (!page) throw new RangeError('data page without its header')
    // Flat columns: a page's values are its rows.
    const rows = int(page.get(v2 ? 3 : 1)) ?? 0
    if (row >= first + rows) {
      first += rows
      continue
    }
    const encoding = page.get(v2 ? 4 : 2)
    const dictionaryEncoded = encoding === PLAIN_DICTIONARY || encoding === RLE_DICTIONARY
    if (dictionaryEncoded && !dictionary)
      throw new RangeError('dictionary-encoded page without a dictionary page')
    const located = {
      index: row - first,
      encoding,
      ...(dictionaryEncoded && dictionary ? { dictionary } : {}),
    }
    if (!v2) {
      if (chunk.optional && page.get(3) !== RLE) throw new RangeError('definition levels not RLE')
      return { ...located, levels: chunk.optional ? 'v1' : 'none', body: { codec: chunk.codec, data, size } }
    }
    const defLength = int(page.get(5)) ?? 0
    const repLength = int(page.get(6)) ?? 0
    if (repLength !== 0 || defLength < 0 || defLength > compressed) throw new RangeError('unexpected levels')
    const values = data.subarray(defLength)
    return {
      ...located,
      levels: chunk.optional ? data.subarray(0, defLength) : 'none',
      body:
        page.get(7) === false
          ? { codec: UNCOMPRESSED, data: values, size: values.length }
          : { codec: chunk.codec, data: values, size: size - defLength },
    }
  }
  throw new RangeError(`row ${row} past the chunk`)
}

/** The dictionary page that `bytes` begin with (those before a chunk's first data page). */
function dictionaryPage(bytes: Uint8Array, chunk: Chunk): LocatedPage['dictionary'] {
  const reader = new ThriftCompactReader(bytes)
  const header = reader.readShaped(PAGE_HEADER)
  const size = int(header.get(2)) ?? -1
  const compressed = int(header.get(3)) ?? -1
  if (
    header.get(1) !== DICTIONARY_PAGE ||
    size < 0 ||
    compressed < 0 ||
    reader.offset + compressed > bytes.length
  )
    throw new RangeError('no dictionary page before the first data page')
  const count = int(struct(header.get(7))?.get(1)) ?? 0
  return {
    count,
    body: { codec: chunk.codec, data: bytes.subarray(reader.offset, reader.offset + compressed), size },
  }
}

/**
 * The page of a chunk holding the group's `row`th row, reading only it (and the dictionary page) when the chunk
 * has an offset index, else the whole chunk.
 */
async function findPage(source: ByteSource, chunk: Chunk, row: number): Promise<LocatedPage> {
  if (!chunk.offsetIndex) return locatePage(await source.read(chunk.begin, chunk.end), chunk, row)
  const locations =
    chunk.pages ?? pageLocations(await source.read(chunk.offsetIndex.start, chunk.offsetIndex.end))
  // The last page starting at or before the row (the pages in order up to there).
  let k = -1
  for (let i = 0; PAGE_FIELDS * i < locations.length; i++) {
    if ((locations[PAGE_FIELDS * i + 2] as number) > row) break
    k = i
  }
  const offset = locations[PAGE_FIELDS * k] ?? -1
  const length = locations[PAGE_FIELDS * k + 1] ?? -1
  const first = locations[PAGE_FIELDS * k + 2] ?? -1
  const firstOffset = locations[0] ?? -1
  if (k < 0 || offset < chunk.begin || length <= 0 || offset + length > chunk.end)
    throw new RangeError('offset index does not locate the row in its chunk')
  const [dictionary, bytes] = await Promise.all([
    firstOffset > chunk.begin ? source.read(chunk.begin, firstOffset) : undefined,
    source.read(offset, offset + length),
  ])
  return locatePage(bytes, chunk, row, first, dictionary && dictionaryPage(dictionary, chunk))
}

/** The physical value of a located page's row (or null), from its decompressed body and dictionary. */
function pageValue(
  chunk: Chunk,
  page: LocatedPage,
  body: Uint8Array,
  dictionary: Uint8Array | undefined,
): bigint | number | boolean | Uint8Array | null {
  let levels: Uint8Array | undefined
  let values = body
  if (page.levels === 'v1') {
    const length = new DataView(body.buffer, body.byteOffset, body.length).getUint32(0, true)
    levels = body.subarray(4, 4 + length)
    values = body.subarray(4 + length)
  } else if (page.levels !== 'none') levels = page.levels
  let k = page.index
  if (levels) {
    const { value, before } = hybridAt(levels, 1, page.index, 1)
    if (value === 0) return null
    k = before
  }
  const { encoding } = page
  if (encoding === PLAIN) return plainAt(values, chunk.physical, chunk.typeLength, k)
  if (encoding === RLE && chunk.physical === BOOLEAN) {
    // RLE-encoded values are prefixed with their length.
    const length = new DataView(values.buffer, values.byteOffset, values.length).getUint32(0, true)
    return hybridAt(values.subarray(4, 4 + length), 1, k).value === 1
  }
  if (dictionary && page.dictionary && (encoding === PLAIN_DICTIONARY || encoding === RLE_DICTIONARY)) {
    const width = values[0] ?? 0
    const at = hybridAt(values.subarray(1), width, k).value
    if (at >= page.dictionary.count)
      throw new RangeError(`dictionary index ${at} of ${page.dictionary.count}`)
    return plainAt(dictionary, chunk.physical, chunk.typeLength, at)
  }
  throw new RangeError(`encoding ${String(encoding)}`)
}

/** Each column's chunk and kind in the row's group; undefined when the decoder does not read one of them. */
function plan(
  group: RowGroupFacts,
  columns: readonly RowColumn[],
  fileSize: number,
): { chunk: Chunk; kind: RowColumnKind; type: FieldType }[] | undefined {
  const planned: { chunk: Chunk; kind: RowColumnKind; type: FieldType }[] = []
  for (const column of columns) {
    const element = group.leaves.get(column.name)
    const facts = group.chunks.get(column.name)
    const kind = element && kindOf(column.type, element)
    const repetition = element?.repetition
    if (!element || !facts || !kind || (repetition !== REQUIRED && repetition !== OPTIONAL)) return undefined
    const physical = facts.type ?? -1
    const codec = facts.codec ?? -1
    const { dataOffset: data, dictionaryOffset: dictionary, size } = facts
    if (physical !== element.type || !canDecompress(codec) || data === undefined || size === undefined)
      return undefined
    const begin = dictionary !== undefined && dictionary > 0 && dictionary < data ? dictionary : data
    if (begin < 4 || size < 0 || begin + size > fileSize) return undefined
    const { indexOffset: indexAt, indexLength, pages } = facts
    const indexed = indexAt !== undefined && indexLength !== undefined && indexLength > 0
    const chunk: Chunk = {
      physical,
      typeLength: element.typeLength ?? 0,
      optional: repetition === OPTIONAL,
      codec,
      begin,
      end: begin + size,
      ...(indexed ? { offsetIndex: { start: indexAt, end: indexAt + indexLength } } : {}),
      ...(indexed && pages ? { pages } : {}),
    }
    planned.push({ chunk, kind, type: column.type })
  }
  return planned
}

/**
 * The file row `row` (physical position) of these columns, decoded from its row group's bytes and the file's tail;
 * undefined when a column is nested, missing, of another type than its field, or stored in a way this decoder does
 * not read (codec, encoding): the caller then reads the row through polars. The bytes must be checked ones. With
 * `layout` (the file's point-read facts, from its key index) holding the row's group, neither the footer nor an
 * offset index it lists is read.
 */
export async function decodeParquetRow(
  source: ByteSource,
  row: number,
  columns: readonly RowColumn[],
  layout?: ParquetPointLayout,
): Promise<DecodedRow | undefined> {
  try {
    const group = (layout && layoutRowGroup(layout, row)) ?? footerRowGroup(await footer(source), row)
    if (!group) return undefined
    const planned = plan(group, columns, source.size)
    if (!planned) return undefined
    const { first } = group
    const kinds = planned.map((p) => p.kind)
    // Every column's page located at once: the reads of their offset indexes, then of their pages, run together.
    const pages = await Promise.all(planned.map(({ chunk }) => findPage(source, chunk, row - first)))
    const located = planned.map((p, i) => ({ ...p, page: pages[i] as LocatedPage }))
    const values = located.map(({ chunk, page, kind, type }) => {
      const dictionary = page.dictionary && decompressPage(page.dictionary.body)
      const raw = pageValue(chunk, page, decompressPage(page.body), dictionary)
      const scale = type.kind === 'scalar' && type.name === 'Decimal' ? decimalSpecOf(type).scale : 0
      return raw === null ? null : kindValue(kind, raw, scale)
    })
    const decompressedBytes = located.reduce(
      (sum, { page }) =>
        sum +
        (page.body.codec === UNCOMPRESSED ? 0 : page.body.size) +
        (page.dictionary && page.dictionary.body.codec !== UNCOMPRESSED ? page.dictionary.body.size : 0),
      0,
    )
    return { kinds, values, decompressedBytes }
  } catch {
    // A layout this decoder does not follow (or a read the source refused, which the source reports itself):
    // polars reads the row.
    return undefined
  }
}
