import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import pl from 'nodejs-polars'
import { FormatError } from '../errors/pf-error.js'
import { arrowColumnValues } from './arrow-values.js'
import { readParquetWithArrowRs } from './parquet-arrow-rs-reader.js'
import { legacyRepetition } from './parquet-repetition.js'
import {
  binaryOf,
  encodeThriftStruct,
  fieldOf,
  intNode,
  intOf,
  parseThriftStruct,
  structFields,
  type TField,
  type TNode,
} from './thrift-compact-tree.js'

/** A Parquet footer rewritten so that polars reads the file, with what was changed and why. */
export interface ParquetFooterPatch {
  /** The new FileMetaData (Thrift compact). */
  readonly footer: Uint8Array
  /** One line per change, naming the column. */
  readonly changes: readonly string[]
  /** Top-level columns stored as INT96 timestamps, now read as their raw 12 bytes (see `int96Column`). */
  readonly int96Columns: readonly string[]
  /** Top-level FLOAT16 columns, now read as their raw 2 bytes (see `float16Column`). */
  readonly float16Columns: readonly string[]
  /** Who decodes the pages: polars, or arrow-rs for repeated layouts polars misreads (see parquet-repetition.ts). */
  readonly decoder: 'polars' | 'arrow-rs'
}

/** LogicalType union members polars 0.24 decodes (1-8, 10-15); others (geometry, geography...) fail its footer parse. */
const KNOWN_LOGICAL_TYPES = new Set([1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15])
const CONVERTED_MAP = 1
const CONVERTED_MAP_KEY_VALUE = 2
const CONVERTED_LIST = 3
const LOGICAL_MAP = 2
const LOGICAL_LIST = 3
const LOGICAL_FLOAT16 = 15

/**
 * The footer edits polars needs (pure): MAP columns re-annotated as LIST — polars 0.24 panics on maps with required
 * keys, the form Spark, Impala and DuckDB write, but reads the same layout as a list of `{key, value}` structs, its
 * own representation of a map —; logical types it does not know dropped (the column reads as its physical type,
 * e.g. geometry as WKB binary); top-level FLOAT16 read as its 2 bytes (converted by `float16Column`); column orders
 * other than TypeDefinedOrder dropped (only statistics use them); a wrong file row count, dictionary page offsets
 * inside the magic and chunk fields of the wrong type fixed. Files with legacy repeated layouts go to arrow-rs
 * (`decoder`). Undefined when the footer needs none: the common path reads with polars' lazy scan, untouched.
 */
export function patchFileMetaData(bytes: Uint8Array): ParquetFooterPatch | undefined {
  const root = parseThriftStruct(bytes)
  const changes: string[] = []
  const schema = fieldOf(root, 2)
  const elements = schema?.kind === 'list' ? schema.items : []
  const legacy = legacyRepetition(elements)
  if (legacy !== undefined)
    changes.push(
      `column ${legacy}: a legacy repeated layout (2-level list or unannotated repeated field) read by arrow-rs`,
    )
  const topLevel = topLevelIndexes(elements)
  const float16Columns: string[] = []
  elements.forEach((element, index) => {
    const fields = structFields(element)
    const name = Buffer.from(binaryOf(fieldOf(element, 4)) ?? []).toString('utf8')
    const converted = fields.find((f) => f.id === 6)
    if (converted && intOf(converted.value) === CONVERTED_MAP) {
      converted.value = intNode(CONVERTED_LIST)
      changes.push(`column ${name}: MAP read as a list of {key, value} structs`)
    } else if (converted && intOf(converted.value) === CONVERTED_MAP_KEY_VALUE) {
      fields.splice(fields.indexOf(converted), 1)
    }
    const logical = fields.find((f) => f.id === 10)
    const member = structFields(logical?.value)[0]
    if (logical && member) {
      if (member.id === LOGICAL_MAP) {
        member.id = LOGICAL_LIST
        if (!converted) changes.push(`column ${name}: MAP read as a list of {key, value} structs`)
      } else if (member.id === LOGICAL_FLOAT16 && topLevel.has(index)) {
        // polars 0.24 reads FLOAT16 as 2-byte binary; the raw bytes are converted by `float16Column`.
        fields.splice(fields.indexOf(logical as TField), 1)
        float16Columns.push(name)
        changes.push(`column ${name}: FLOAT16 decoded as Float32 (exact)`)
      } else if (!KNOWN_LOGICAL_TYPES.has(member.id)) {
        fields.splice(fields.indexOf(logical as TField), 1)
        changes.push(`column ${name}: logical type ${logicalTypeName(member.id)} read as its physical type`)
      }
    }
  })
  const int96Columns = retypeInt96(root, topLevel, changes)
  const rootFields = structFields(root)
  const metadata = rootFields.find((f) => f.id === 5)?.value
  if (changes.some((c) => c.includes('logical type')) && metadata?.kind === 'list') {
    // The Arrow schema stored by Arrow writers would bring the dropped type back (e.g. as a geoarrow extension).
    const before = metadata.items.length
    metadata.items = metadata.items.filter(
      (kv) => Buffer.from(binaryOf(fieldOf(kv, 1)) ?? []).toString('latin1') !== 'ARROW:schema',
    )
    if (metadata.items.length < before) changes.push('the stored Arrow schema ignored')
  }
  const orders = rootFields.find((f) => f.id === 7)
  if (orders?.value.kind === 'list' && orders.value.items.some((o) => structFields(o)[0]?.id !== 1)) {
    rootFields.splice(rootFields.indexOf(orders), 1)
    changes.push('column orders other than TypeDefinedOrder ignored')
  }
  fixRowCount(root, changes)
  dropMalformedChunkFields(root, changes)
  if (changes.length === 0) return undefined
  const decoder = legacy === undefined ? 'polars' : 'arrow-rs'
  return { footer: encodeThriftStruct(root), changes, int96Columns, float16Columns, decoder }
}

/**
 * The file's row count set to the sum of its row groups' when they disagree (the row groups are what the pages
 * hold; a writer left 0 in repeated_no_annotation.parquet, and both polars and arrow-rs then return no rows).
 */
function fixRowCount(root: TNode, changes: string[]): void {
  const groups = listItems(fieldOf(root, 4))
  const sum = groups.reduce((n, group) => n + (intOf(fieldOf(group, 3)) ?? 0), 0)
  const numRows = structFields(root).find((f) => f.id === 3)
  if (!numRows || groups.length === 0 || intOf(numRows.value) === sum) return
  changes.push(
    `row count ${intOf(numRows.value)} in the footer corrected to ${sum}, the sum of its row groups`,
  )
  numRows.value = intNode(sum)
}

/**
 * Optional ColumnMetaData fields readers may follow, with their Thrift wire type (index page, dictionary page and
 * bloom filter offsets: i64; bloom filter length: i32). A writer put a list in field 15, which polars and
 * arrow-rs then fail to parse; DuckDB skips it.
 */
const OPTIONAL_OFFSETS: ReadonlyMap<number, number> = new Map([
  [10, 6],
  [11, 6],
  [14, 6],
  [15, 5],
])

/**
 * Optional chunk fields of the wrong type dropped (see OPTIONAL_OFFSETS), and dictionary page offsets below 4
 * dropped: they point into the leading `PAR1` magic, where no page can start (a writer put 0 there for a chunk
 * without a dictionary page); polars and arrow-rs read a page header there, DuckDB ignores it. The pages are then
 * read from the data page offset.
 */
function dropMalformedChunkFields(root: TNode, changes: string[]): void {
  for (const group of listItems(fieldOf(root, 4))) {
    for (const chunk of listItems(fieldOf(group, 1))) {
      const meta = structFields(fieldOf(chunk, 3))
      const path = listItems(meta.find((f) => f.id === 3)?.value)
        .map((p) => Buffer.from(binaryOf(p) ?? []).toString('utf8'))
        .join('.')
      for (const field of meta.filter(
        (f) => OPTIONAL_OFFSETS.has(f.id) && f.type !== OPTIONAL_OFFSETS.get(f.id),
      )) {
        meta.splice(meta.indexOf(field), 1)
        changes.push(`column ${path}: column metadata field ${field.id} of the wrong Thrift type ignored`)
      }
      const offset = meta.find((f) => f.id === 11)
      if (!offset || (intOf(offset.value) ?? 0) >= 4) continue
      meta.splice(meta.indexOf(offset), 1)
      changes.push(
        `column ${path}: dictionary page offset ${intOf(offset.value)} (inside the file's magic) ignored`,
      )
    }
  }
}

/** The indexes of the top-level elements in a footer's depth-first schema list (each subtree skipped). */
export function topLevelIndexes(elements: readonly TNode[]): Set<number> {
  const rootChildren = intOf(fieldOf(elements[0], 5)) ?? 0
  const topLevel = new Set<number>()
  let i = 1
  for (let c = 0; c < rootChildren && i < elements.length; c++) {
    topLevel.add(i)
    let pending = intOf(fieldOf(elements[i], 5)) ?? 0
    i++
    while (pending > 0 && i < elements.length) {
      pending += (intOf(fieldOf(elements[i], 5)) ?? 0) - 1
      i++
    }
  }
  return topLevel
}

const INT96 = 3
const FIXED_LEN_BYTE_ARRAY = 7

/**
 * INT96 columns retyped as FIXED_LEN_BYTE_ARRAY(12) (same plain and dictionary encodings): polars converts INT96
 * to Datetime(ns), which wraps around beyond 2262 (Spark's 9999-12-31 became 1816-03-29); the raw bytes are
 * converted exactly by `int96Column`. Returns the top-level names of those columns.
 */
function retypeInt96(root: TNode, topLevel: ReadonlySet<number>, changes: string[]): string[] {
  const names: string[] = []
  const schema = fieldOf(root, 2)
  const elements = schema?.kind === 'list' ? schema.items : []
  elements.forEach((element, index) => {
    const fields = structFields(element)
    const type = fields.find((f) => f.id === 1)
    if (!type || intOf(type.value) !== INT96) return
    const name = Buffer.from(binaryOf(fieldOf(element, 4)) ?? []).toString('utf8')
    if (!topLevel.has(index)) return // nested INT96: left to polars
    type.value = intNode(FIXED_LEN_BYTE_ARRAY)
    const length = fields.find((f) => f.id === 2)
    if (length) length.value = intNode(12)
    else fields.push({ id: 2, type: 5, value: intNode(12) })
    names.push(name)
    changes.push(
      `column ${name}: INT96 timestamps decoded exactly (polars' own conversion overflows after 2262)`,
    )
  })
  if (names.length === 0) return names
  for (const group of listItems(fieldOf(root, 4))) {
    for (const chunk of listItems(fieldOf(group, 1))) {
      const meta = fieldOf(chunk, 3)
      const path = listItems(fieldOf(meta, 3)).map((p) => Buffer.from(binaryOf(p) ?? []).toString('utf8'))
      const type = structFields(meta).find((f) => f.id === 1)
      if (type && intOf(type.value) === INT96 && path.length === 1 && names.includes(path[0] as string))
        type.value = intNode(FIXED_LEN_BYTE_ARRAY)
    }
  }
  return names
}

/** A Thrift list node's items (none for any other node). */
export function listItems(node: ReturnType<typeof fieldOf>) {
  return node?.kind === 'list' ? node.items : []
}

/** The Parquet names of the LogicalType union members polars does not know. */
export function logicalTypeName(id: number): string {
  return (
    ({ 9: 'reserved(9)', 16: 'VARIANT', 17: 'GEOMETRY', 18: 'GEOGRAPHY' } as Record<number, string>)[id] ??
    `#${id}`
  )
}

interface CachedPatch {
  readonly key: string
  readonly patch: ParquetFooterPatch | undefined
}

const cache = new Map<string, CachedPatch>()

/**
 * The footer patch of a Parquet file, if it needs one (cached by path, size and mtime: data files do not change
 * in place). Undefined too when the footer cannot be read: polars then reports the file as it is.
 */
export function parquetFooterPatch(path: string): ParquetFooterPatch | undefined {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch {
    return undefined
  }
  try {
    const { size, mtimeMs } = fstatSync(fd)
    const key = `${size}:${mtimeMs}`
    const hit = cache.get(path)
    if (hit?.key === key) return hit.patch
    let patch: ParquetFooterPatch | undefined
    try {
      const footer = readFooter(fd, size)
      patch = footer ? patchFileMetaData(footer) : undefined
    } catch {
      patch = undefined
    }
    cache.set(path, { key, patch })
    return patch
  } finally {
    closeSync(fd)
  }
}

/** The footer (FileMetaData) bytes of an open Parquet file, or undefined when it has no valid tail. */
export function readFooter(fd: number, size: number): Uint8Array | undefined {
  if (size < 12) return undefined
  const tail = Buffer.alloc(8)
  readSync(fd, tail, 0, 8, size - 8)
  if (tail.toString('latin1', 4, 8) !== 'PAR1') return undefined
  const length = tail.readUInt32LE(0)
  if (length + 12 > size) return undefined
  const footer = Buffer.alloc(length)
  readSync(fd, footer, 0, length, size - 8 - length)
  return footer
}

/** The file's bytes with its footer replaced (the data pages are addressed by absolute offsets, so they stay). */
export function patchedParquetBytes(path: string, patch: ParquetFooterPatch): Buffer {
  const fd = openSync(path, 'r')
  try {
    const { size } = fstatSync(fd)
    const tail = Buffer.alloc(8)
    readSync(fd, tail, 0, 8, size - 8)
    const dataEnd = size - 8 - tail.readUInt32LE(0)
    const out = Buffer.alloc(dataEnd + patch.footer.length + 8)
    readSync(fd, out, 0, dataEnd, 0)
    out.set(patch.footer, dataEnd)
    out.writeUInt32LE(patch.footer.length, dataEnd + patch.footer.length)
    out.write('PAR1', dataEnd + patch.footer.length + 4, 'latin1')
    return out
  } finally {
    closeSync(fd)
  }
}

const JULIAN_UNIX_EPOCH = 2_440_588n
const MICROS_PER_DAY = 86_400_000_000n
const MAX_I64 = 9_223_372_036_854_775_807n

/**
 * An INT96 column read as raw 12-byte values (nanoseconds of the day, little-endian int64, then the Julian
 * day, int32) as Datetime('us'): exact for every instant polars can hold in microseconds (years ±290,000).
 */
export function int96Column(series: pl.Series, path: string): pl.Series {
  const bytes = arrowColumnValues(series) as (Uint8Array | null)[]
  const micros = bytes.map((b, row) => {
    if (b === null || b.length !== 12) return null
    const view = new DataView(b.buffer, b.byteOffset, 12)
    const nanos = view.getBigInt64(0, true)
    const day = BigInt(view.getInt32(8, true))
    const us = (day - JULIAN_UNIX_EPOCH) * MICROS_PER_DAY + nanos / 1000n
    if (us > MAX_I64 || us < -MAX_I64)
      throw new FormatError(
        `Cannot read ${path}: INT96 timestamp in column "${series.name}" (row ${row}) is beyond the range of a microsecond timestamp (Julian day ${day})`,
      )
    return String(us)
  })
  return pl.Series(series.name, micros, pl.Utf8).cast(pl.Int64).cast(pl.Datetime('us'))
}

/** An IEEE 754 half-precision value (its 16 bits) as a number: exact, as every half is a float. */
function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1
  const exponent = (bits >> 10) & 0x1f
  const fraction = bits & 0x3ff
  if (exponent === 0) return sign * fraction * 2 ** -24
  if (exponent === 0x1f) return fraction === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15)
}

/**
 * A FLOAT16 column as Float32, which holds every half exactly: raw 2-byte values (little-endian) decoded, values
 * polars already decoded as Float16 (a file whose stored Arrow schema says so) kept.
 */
export function float16Column(series: pl.Series): pl.Series {
  const raw = arrowColumnValues(series) as (Uint8Array | number | null)[]
  const values = raw.map((v) => {
    if (v === null || typeof v === 'number') return v
    return v.length === 2 ? halfToNumber((v[1] as number) * 256 + (v[0] as number)) : null
  })
  return pl.Series(series.name, values, pl.Float32)
}

/** Reads a file with its patched footer by the patch's decoder, INT96 and FLOAT16 columns converted. */
export function readPatchedParquet(path: string, patch: ParquetFooterPatch): pl.DataFrame {
  const bytes = patchedParquetBytes(path, patch)
  const df = patch.decoder === 'arrow-rs' ? readParquetWithArrowRs(bytes) : pl.readParquet(bytes)
  const converted = [
    ...patch.int96Columns.map((name) => int96Column(df.getColumn(name), path)),
    ...patch.float16Columns.map((name) => float16Column(df.getColumn(name))),
  ]
  return converted.length === 0 ? df : df.withColumns(...converted)
}
