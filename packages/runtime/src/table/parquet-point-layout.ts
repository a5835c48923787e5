import {
  ThriftCompactReader,
  type ThriftShape,
  type ThriftStruct,
  type ThriftValue,
} from '../format/thrift-compact-reader.js'

/*
 * What a point read takes from a Parquet file's metadata, as plain facts: each flat column's schema element, each
 * row group's row count and column chunks (where they lie, their codec, their offset index and its page
 * locations). The row decoder (parquet-row-decoder.ts) takes them from the footer it reads, for the row's group,
 * or from the data file's key index, which holds them for every row group (`parquetPointLayout`, built once from the
 * file's checked bytes; key-position-file.ts stores them), so that a cold point read decodes no footer and no
 * offset index. Facts only, absent fields kept absent: what a point read accepts (a column's type, codec, spans)
 * is decided by the decoder, once, the same whichever way the facts came.
 */

/** A flat column's SchemaElement: the fields a point read types it by (parquet.thrift ids), undefined if absent. */
export interface LeafElement {
  /** name (4). */
  readonly name: string
  /** type (1): the physical type. */
  readonly type: number | undefined
  /** type_length (2). */
  readonly typeLength: number | undefined
  /** repetition_type (3). */
  readonly repetition: number | undefined
  /** converted_type (6). */
  readonly converted: number | undefined
  /** scale (7). */
  readonly scale: number | undefined
  /** precision (8). */
  readonly precision: number | undefined
  /** logicalType (10): the union's member (its field id). */
  readonly logical: number | undefined
  /**
   * The logical type's fields 1 and 2 (DECIMAL: scale, precision; INTEGER: bitWidth, isSigned; TIMESTAMP:
   * isAdjustedToUTC, unit), a boolean as 1 or 0, a union as its member's field id.
   */
  readonly logical1: number | undefined
  readonly logical2: number | undefined
}

/**
 * A chunk's data pages, as an OffsetIndex's page locations: per page its offset in the file (its header first), its
 * compressed size with its header, and the group's row it starts with — three numbers a page, -1 for a field it
 * lacks (typed: a key index's are one copy of its bytes, no object a page).
 */
export type PageLocations = Float64Array

/** Numbers a page takes in PageLocations. */
export const PAGE_FIELDS = 3

/** A ColumnChunk's fields a point read uses (its ColumnMetaData's and its offset index's), undefined if absent. */
export interface ChunkFacts {
  /** ColumnMetaData.type (1). */
  readonly type: number | undefined
  /** ColumnMetaData.codec (4). */
  readonly codec: number | undefined
  /** ColumnMetaData.total_compressed_size (7). */
  readonly size: number | undefined
  /** ColumnMetaData.data_page_offset (9). */
  readonly dataOffset: number | undefined
  /** ColumnMetaData.dictionary_page_offset (11). */
  readonly dictionaryOffset: number | undefined
  /** ColumnChunk.offset_index_offset (4). */
  readonly indexOffset: number | undefined
  /** ColumnChunk.offset_index_length (5). */
  readonly indexLength: number | undefined
  /** The offset index's page locations, when known already (a key index holds them): not read from the file then. */
  readonly pages?: PageLocations
}

/** The row group holding a row, as a point read locates the row in it. */
export interface RowGroupFacts {
  /** The file row the group starts with. */
  readonly first: number
  /** The file's flat columns by name. */
  readonly leaves: ReadonlyMap<string, LeafElement>
  /** The group's column chunks by column name. */
  readonly chunks: ReadonlyMap<string, ChunkFacts>
}

/** A flat Parquet file's point-read facts: its columns and, per row group, its rows and chunks. */
export interface ParquetPointLayout {
  readonly leaves: readonly LeafElement[]
  /** Rows of each row group, in file order. */
  readonly groupRows: readonly number[]
  /**
   * Each row group's chunks, by leaf (in `leaves` order; undefined where the group has no chunk of that name);
   * undefined for a group not read (a key lookup reads only its row's).
   */
  readonly groups: readonly (readonly (ChunkFacts | undefined)[] | undefined)[]
}

/**
 * The FileMetaData fields a point read uses: the schema; each row group's row count and, kept undecoded, columns
 * (POINT_READ_CHUNK of the row's group only). Statistics, encodings, key-value metadata and the rest are skipped
 * (a footer's bulk: decoding all of it cost a cold find ~2 ms).
 */
export const POINT_READ_FOOTER: ThriftShape = { 2: true, 4: { 1: 'later', 3: true } }

/** A row group's ColumnChunk fields a point read uses, decoded for the row's group only (its columns kept 'later'). */
export const POINT_READ_CHUNK: ThriftShape = {
  3: { 1: true, 3: true, 4: true, 7: true, 9: true, 11: true },
  4: true,
  5: true,
}

/** An OffsetIndex's page locations (not its byte-array sizes). */
const OFFSET_INDEX: ThriftShape = { 1: true }

/** Most page locations of one chunk a key index lists (a chunk of more has its offset index read). */
export const MAX_LISTED_PAGES = 1 << 16

/** Exact: an invalid UTF-8 name is no answer (polars then reads the file). */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

function struct(value: ThriftValue | undefined): ThriftStruct | undefined {
  return value instanceof Map ? (value as ThriftStruct) : undefined
}

function list(value: ThriftValue | undefined): ThriftValue[] {
  return Array.isArray(value) ? value : []
}

function int(value: ThriftValue | undefined): number | undefined {
  return typeof value === 'bigint' || typeof value === 'number' ? Number(value) : undefined
}

/** A logical type's parameter as a number: a boolean 1 or 0, a union its member's field id. */
function parameter(value: ThriftValue | undefined): number | undefined {
  if (typeof value === 'boolean') return value ? 1 : 0
  const union = struct(value)
  if (union) return union.keys().next().value
  return int(value)
}

/** A schema element's fields a point read types its column by. */
function leafElement(name: string, element: ThriftStruct): LeafElement {
  const union = struct(element.get(10))
  const [entry] = union ? [...union] : []
  const logical = entry && (struct(entry[1]) ?? new Map<number, ThriftValue>())
  return {
    name,
    type: int(element.get(1)),
    typeLength: int(element.get(2)),
    repetition: int(element.get(3)),
    converted: int(element.get(6)),
    scale: int(element.get(7)),
    precision: int(element.get(8)),
    logical: entry?.[0],
    logical1: logical && parameter(logical.get(1)),
    logical2: logical && parameter(logical.get(2)),
  }
}

/**
 * A footer's flat columns by name (FileMetaData.schema: every element under the root a leaf); undefined for a
 * nested file or one with a nameless or repeated column name. Throws on a name that is not UTF-8.
 */
function leavesOf(meta: ThriftStruct): Map<string, LeafElement> | undefined {
  const elements = list(meta.get(2)).map((e) => struct(e) ?? new Map<number, ThriftValue>())
  const root = elements[0]
  if (!root || int(root.get(5)) !== elements.length - 1 || elements.slice(1).some((e) => e.has(5)))
    return undefined
  const leaves = new Map<string, LeafElement>()
  for (const e of elements.slice(1)) {
    const name = e.get(4)
    if (!(name instanceof Uint8Array)) return undefined
    const text = utf8.decode(name)
    if (leaves.has(text)) return undefined
    leaves.set(text, leafElement(text, e))
  }
  return leaves
}

/** A row group's column chunks (its `columns`, decoded by POINT_READ_CHUNK) by their one-name path. */
function chunksOf(columns: ThriftValue | undefined): Map<string, ChunkFacts> {
  const chunks = new Map<string, ChunkFacts>()
  for (const value of list(columns)) {
    const column = struct(value)
    const meta = struct(column?.get(3))
    const path = list(meta?.get(3))
    if (column && meta && path.length === 1 && path[0] instanceof Uint8Array)
      chunks.set(utf8.decode(path[0]), {
        type: int(meta.get(1)),
        codec: int(meta.get(4)),
        size: int(meta.get(7)),
        dataOffset: int(meta.get(9)),
        dictionaryOffset: int(meta.get(11)),
        indexOffset: int(column.get(4)),
        indexLength: int(column.get(5)),
      })
  }
  return chunks
}

/** An OffsetIndex's page locations, from its bytes. RangeError on malformed bytes. */
export function pageLocations(bytes: Uint8Array): PageLocations {
  const index = new ThriftCompactReader(bytes).readShaped(OFFSET_INDEX)
  // OffsetIndex.page_locations: PageLocation { offset, compressed_page_size (header included), first_row_index }.
  const locations = list(index.get(1))
  const out = new Float64Array(PAGE_FIELDS * locations.length)
  locations.forEach((l, i) => {
    const at = struct(l)
    out[PAGE_FIELDS * i] = int(at?.get(1)) ?? -1
    out[PAGE_FIELDS * i + 1] = int(at?.get(2)) ?? -1
    out[PAGE_FIELDS * i + 2] = int(at?.get(3)) ?? -1
  })
  return out
}

/**
 * The row group holding file row `row`, from a footer decoded by POINT_READ_FOOTER (only that group's chunks
 * decoded); undefined for a nested file, a group without a row count, or a row past the end.
 */
export function footerRowGroup(meta: ThriftStruct, row: number): RowGroupFacts | undefined {
  const leaves = leavesOf(meta)
  if (!leaves) return undefined
  let first = 0
  for (const value of list(meta.get(4))) {
    const group = struct(value)
    const rows = int(group?.get(3))
    if (!group || rows === undefined) return undefined
    if (row < first + rows) {
      const chunks = chunksOf(ThriftCompactReader.decodeLater(group.get(1), POINT_READ_CHUNK))
      return { first, leaves, chunks }
    }
    first += rows
  }
  return undefined
}

/** The row group holding file row `row` from a layout, if the layout holds that group. */
export function layoutRowGroup(layout: ParquetPointLayout, row: number): RowGroupFacts | undefined {
  let first = 0
  for (let g = 0; g < layout.groupRows.length; g++) {
    const rows = layout.groupRows[g] as number
    if (row < first + rows) {
      const chunks = layout.groups[g]
      if (!chunks) return undefined
      const byName = new Map<string, ChunkFacts>()
      const leaves = new Map<string, LeafElement>()
      layout.leaves.forEach((leaf, i) => {
        leaves.set(leaf.name, leaf)
        const chunk = chunks[i]
        if (chunk) byName.set(leaf.name, chunk)
      })
      return { first, leaves, chunks: byName }
    }
    first += rows
  }
  return undefined
}

/** The row group (its index) holding file row `row`, from the groups' rows; -1 past the end. */
export function layoutGroupOf(groupRows: readonly number[], row: number): number {
  let first = 0
  for (let g = 0; g < groupRows.length; g++) {
    first += groupRows[g] as number
    if (row < first) return g
  }
  return -1
}

/**
 * The point-read facts of a whole Parquet file held in memory (bytes checked against the log's checksum): every
 * row group's chunks with their offset indexes' page locations (a chunk whose offset index lies outside the file,
 * does not decode or lists more than 65,536 pages keeps only its location: a point read reads it as from a
 * footer). Undefined for a file a point read does not decode from its footer anyway (not Parquet, nested columns,
 * a row group without a row count) or whose row groups hold more than 2^32 rows.
 */
export function parquetPointLayout(bytes: Uint8Array): ParquetPointLayout | undefined {
  const n = bytes.length
  if (n < 12) return undefined
  const view = new DataView(bytes.buffer, bytes.byteOffset, n)
  if (view.getUint32(n - 4, true) !== 0x31524150) return undefined
  const footerLength = view.getUint32(n - 8, true)
  if (footerLength + 12 > n) return undefined
  try {
    const meta = new ThriftCompactReader(bytes.subarray(n - 8 - footerLength, n - 8)).readShaped(
      POINT_READ_FOOTER,
    )
    const byName = leavesOf(meta)
    if (!byName) return undefined
    const leaves = [...byName.values()]
    const groupRows: number[] = []
    const groups: (ChunkFacts | undefined)[][] = []
    for (const value of list(meta.get(4))) {
      const group = struct(value)
      const rows = int(group?.get(3))
      if (!group || rows === undefined || !Number.isInteger(rows) || rows < 0 || rows > 0xffffffff)
        return undefined
      const chunks = chunksOf(ThriftCompactReader.decodeLater(group.get(1), POINT_READ_CHUNK))
      groupRows.push(rows)
      groups.push(leaves.map((leaf) => listed(bytes, chunks.get(leaf.name))))
    }
    return { leaves, groupRows, groups }
  } catch {
    return undefined
  }
}

/** A chunk with its offset index's page locations listed, where they read from `bytes`. */
function listed(bytes: Uint8Array, chunk: ChunkFacts | undefined): ChunkFacts | undefined {
  const { indexOffset: at, indexLength: length } = chunk ?? {}
  if (
    !chunk ||
    at === undefined ||
    length === undefined ||
    at < 0 ||
    length <= 0 ||
    at + length > bytes.length
  )
    return chunk
  try {
    const pages = pageLocations(bytes.subarray(at, at + length))
    return pages.length <= PAGE_FIELDS * MAX_LISTED_PAGES ? { ...chunk, pages } : chunk
  } catch {
    return chunk
  }
}
