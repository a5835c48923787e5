import { endianness } from 'node:os'
import { crc32 } from 'node:zlib'
import { type FileIdentity, sameFileIdentity } from '../secondary-index/file-index.js'
import { IndexFileDamagedError } from '../secondary-index/index-errors.js'
import { indexFilePath } from '../secondary-index/index-files.js'
import type { FileSystem } from './file-system.js'
import { KeyPositionIndex, keyHash } from './key-position-index.js'
import {
  type ChunkFacts,
  type LeafElement,
  layoutGroupOf,
  MAX_LISTED_PAGES,
  PAGE_FIELDS,
  type ParquetPointLayout,
} from './parquet-point-layout.js'
import { MAX_BLOCKS, type ParquetRangeChecksums, rangesCoverFile } from './parquet-range-checksums.js'

/*
 * The persisted form of a KeyPositionIndex, beside the secondary indexes (same folder, naming, atomic write and
 * vacuum sweep: index-files.ts), little-endian, laid out so that one key is found with three small reads. Header:
 * magic `PFKX`, format version (u16), reserved (u16), the header's length with its CRC and padding (u32), the data
 * file's identity (path, size as f64, checksum, rows), the key columns, the entry count, the bucket bits b, the data
 * file's range checksums (u32 row group count, 0 when none; per group its rows u32, start and end f64; then the
 * tail's start f64, the block size u32, the block count u32 and each block's CRC u32: see
 * parquet-range-checksums.ts), the data file's point-read layout's head (u32 column count, 0 when none; per column
 * its name and schema element: a u32 presence mask and 9 i32 fields, see LEAF_FIELDS; then the u32 row group count
 * and per group its rows, its section's end and its section's CRC, u32 each), then the header's own CRC-32 and
 * zeros up to a multiple of 8 bytes. Directory: for each of the 2^b buckets (the top b bits of a key's hash), its
 * first entry (u32) and the CRC-32 of its first/end entry numbers and entries; then the entry count (u32) and the
 * CRC-32 of all entries (u32: a whole-file load checks it in one call, not 2^b bucket CRCs). Entries: (hash, row position) u32 pairs sorted by hash, positions ascending within a hash. Then the
 * layout's sections, one per row group, one after another (the head gives where each ends): per column its chunk
 * (a u32 mask: present, pages listed; a u32 page count; 7 f64 facts, see CHUNK_FIELDS, NaN when absent; per page
 * its offset, length and first row, f64 each) — a cold point read reads its row's group's section after the key's
 * bucket instead of the data file's footer (parquet-point-layout.ts). Strings are u32 length + UTF-8. Unlike a
 * secondary index (sorted values and keys as text, decoded whole) it holds no text.
 */
const MAGIC = 0x584b4650 // 'PFKX' read as a little-endian u32
/** Bumped when the layout changes: a key index file of another version is rebuilt. */
export const KEY_INDEX_FORMAT_VERSION = 6
/** Marks the primary key's index among a data file's index files (`%40key+<columns>`: never a group's name). */
const KEY_MARK = '@key'
/** Most row group ranges a header holds (a file of more row groups is indexed without them). */
const MAX_RANGE_GROUPS = 1 << 16
/** The longest header a reader accepts: 4 MiB (range checksums take at most about 2.5 MiB). */
const MAX_HEADER = 1 << 22
/** Bytes read first for the header (a longer one is read again, to the length it states). */
const HEAD_READ = 4096
/** Most columns a layout holds (a file of more is indexed without one: its point reads decode its footer). */
const MAX_LAYOUT_LEAVES = 1 << 12
/** Most bytes of layout sections (a file of more is indexed without a layout). */
const MAX_LAYOUT_BYTES = 1 << 28
/** A column's schema element fields, stored as i32 (a presence bit each). */
const LEAF_FIELDS = [
  'type',
  'typeLength',
  'repetition',
  'converted',
  'scale',
  'precision',
  'logical',
  'logical1',
  'logical2',
] as const satisfies readonly (keyof LeafElement)[]
/** A column chunk's facts, stored as f64 (NaN when absent). */
const CHUNK_FIELDS = [
  'type',
  'codec',
  'size',
  'dataOffset',
  'dictionaryOffset',
  'indexOffset',
  'indexLength',
] as const satisfies readonly (keyof ChunkFacts)[]
/** Whether typed arrays are little-endian here (the file's numbers are then copied, not read one by one). */
const LITTLE_ENDIAN = endianness() === 'LE'
/** A chunk's mask: the group has it; its page locations are listed. */
const CHUNK_PRESENT = 1
const CHUNK_PAGES = 2
/** A chunk's bytes before its pages: mask, page count, facts. */
const CHUNK_BYTES = 8 + 8 * CHUNK_FIELDS.length

/** Where the primary key index of a data file (table-relative, `/`-separated) lives. */
export function keyIndexFilePath(tablePath: string, dataPath: string, columns: readonly string[]): string {
  return indexFilePath(tablePath, dataPath, [KEY_MARK, ...columns])
}

/** Bucket bits for n entries: about 8 entries a bucket, at most 2^16 buckets. */
function bucketBits(n: number): number {
  return n <= 16 ? 0 : Math.min(16, Math.ceil(Math.log2(n / 8)))
}

/** The bucket of a hash. */
function bucketOf(hash: number, bits: number): number {
  return bits === 0 ? 0 : hash >>> (32 - bits)
}

/** CRC-32 (zlib's) of each byte value, for the 8 bytes of a bucket's bounds. */
const CRC_TABLE = (() => {
  const table = new Uint32Array(256)
  for (let i = 0; i < 256; i++) {
    let c = i
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[i] = c >>> 0
  }
  return table
})()

/** zlib's CRC-32 of two u32s written little-endian, computed here (a call into zlib costs more than these 8 bytes). */
function boundsCrc(start: number, end: number): number {
  let c = 0xffffffff
  for (const word of [start, end])
    for (let shift = 0; shift < 32; shift += 8)
      c = (CRC_TABLE[(c ^ (word >>> shift)) & 0xff] as number) ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

/** The CRC of a bucket: its first and end entry numbers, then its entry bytes. */
function bucketCrc(start: number, end: number, entries: Uint8Array): number {
  return crc32(entries, boundsCrc(start, end))
}

function str(s: string): Buffer {
  const bytes = Buffer.from(s, 'utf8')
  const len = Buffer.allocUnsafe(4)
  len.writeUInt32LE(bytes.length)
  return Buffer.concat([len, bytes])
}

function u32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4)
  b.writeUInt32LE(n)
  return b
}

function f64(n: number): Buffer {
  const b = Buffer.allocUnsafe(8)
  b.writeDoubleLE(n)
  return b
}

/**
 * `count` little-endian u32 values from `at`, copied at once where the platform is little-endian: a cold process
 * ran a loop of reads at ~2 µs a value (a 1M-row file's 213 block CRCs ~0.45 ms, against ~0.1 ms copied).
 */
function u32s(buf: Buffer, at: number, count: number): number[] {
  return Array.from(u32Array(buf, at, count))
}

/** `count` little-endian u32 values from `at` as a typed array: a view of the bytes when aligned, else a copy. */
function u32Array(buf: Buffer, at: number, count: number): Uint32Array {
  if (LITTLE_ENDIAN && (buf.byteOffset + at) % 4 === 0)
    return new Uint32Array(buf.buffer, buf.byteOffset + at, count)
  const out = new Uint32Array(count)
  if (!LITTLE_ENDIAN) for (let i = 0; i < count; i++) out[i] = buf.readUInt32LE(at + 4 * i)
  else new Uint8Array(out.buffer).set(buf.subarray(at, at + 4 * count))
  return out
}

/** `count` little-endian f64 values from `at`, copied at once where the platform is little-endian (see `u32s`). */
function f64s(buf: Buffer, at: number, count: number): Float64Array {
  const out = new Float64Array(count)
  if (!LITTLE_ENDIAN) for (let i = 0; i < count; i++) out[i] = buf.readDoubleLE(at + 8 * i)
  else new Uint8Array(out.buffer).set(buf.subarray(at, at + 8 * count))
  return out
}

/** The header's range checksums section (a zero count when there are none). */
function encodeRanges(ranges: ParquetRangeChecksums | undefined): Buffer[] {
  if (!ranges || ranges.groups.length > MAX_RANGE_GROUPS) return [u32(0)]
  const out = [u32(ranges.groups.length)]
  ranges.groups.forEach((g, i) => {
    out.push(u32(ranges.groupRows[i] as number), f64(g.start), f64(g.end))
  })
  out.push(f64(ranges.tail.start), u32(ranges.blockSize), u32(ranges.blockCrcs.length))
  const crcs = Buffer.allocUnsafe(4 * ranges.blockCrcs.length)
  ranges.blockCrcs.forEach((crc, i) => {
    crcs.writeUInt32LE(crc, 4 * i)
  })
  out.push(crcs)
  return out
}

function i32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4)
  b.writeInt32LE(n)
  return b
}

/** A layout's encoding: its head (in the header) and its row groups' sections (after the entries). */
interface EncodedLayout {
  readonly head: Buffer[]
  readonly sections: Buffer[]
}

/** One row group's section: its chunks in column order. */
function encodeSection(chunks: readonly (ChunkFacts | undefined)[]): Buffer {
  let length = 0
  for (const chunk of chunks) length += CHUNK_BYTES + 8 * (chunk?.pages?.length ?? 0)
  const out = Buffer.alloc(length)
  let at = 0
  for (const chunk of chunks) {
    const pages = chunk?.pages ?? new Float64Array(0)
    out.writeUInt32LE(chunk ? CHUNK_PRESENT | (chunk.pages ? CHUNK_PAGES : 0) : 0, at)
    out.writeUInt32LE(pages.length / PAGE_FIELDS, at + 4)
    at += 8
    for (const value of [...CHUNK_FIELDS.map((field) => chunk?.[field] ?? Number.NaN), ...pages]) {
      out.writeDoubleLE(value, at)
      at += 8
    }
  }
  return out
}

/** A layout's head and sections; undefined when it does not fit the format (then the file is indexed without). */
function encodeLayout(layout: ParquetPointLayout): EncodedLayout | undefined {
  const { leaves, groupRows, groups } = layout
  if (leaves.length === 0 || leaves.length > MAX_LAYOUT_LEAVES || groupRows.length > MAX_RANGE_GROUPS)
    return undefined
  if (groups.length !== groupRows.length) return undefined
  const head = [u32(leaves.length)]
  for (const leaf of leaves) {
    let mask = 0
    const values = LEAF_FIELDS.map((field, i) => {
      const value = leaf[field]
      if (value === undefined) return 0
      if (!Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 31) return undefined
      mask |= 1 << i
      return value
    })
    if (values.includes(undefined)) return undefined
    head.push(str(leaf.name), u32(mask), ...values.map((v) => i32(v as number)))
  }
  head.push(u32(groupRows.length))
  const sections: Buffer[] = []
  let end = 0
  for (let g = 0; g < groupRows.length; g++) {
    const chunks = groups[g]
    const rows = groupRows[g] as number
    if (!chunks || chunks.length !== leaves.length || !(rows >= 0 && rows <= 0xffffffff)) return undefined
    const section = encodeSection(chunks)
    end += section.length
    if (end > MAX_LAYOUT_BYTES) return undefined
    sections.push(section)
    head.push(u32(rows), u32(end), u32(crc32(section)))
  }
  return { head, sections }
}

/** The bytes of a key index file. */
export function encodeKeyPositionIndex(index: KeyPositionIndex): Uint8Array {
  const n = index.hashes.length
  const bits = bucketBits(n)
  const buckets = 2 ** bits
  const entries = Buffer.allocUnsafe(8 * n)
  for (let i = 0; i < n; i++) {
    entries.writeUInt32LE(index.hashes[i] as number, 8 * i)
    entries.writeUInt32LE(index.positions[i] as number, 8 * i + 4)
  }
  const starts = new Uint32Array(buckets + 1)
  for (let i = 0; i < n; i++) (starts[bucketOf(index.hashes[i] as number, bits) + 1] as number)++
  for (let b = 1; b <= buckets; b++) starts[b] = (starts[b] as number) + (starts[b - 1] as number)
  const directory = Buffer.alloc(8 * buckets + 8)
  for (let b = 0; b < buckets; b++) {
    const start = starts[b] as number
    const end = starts[b + 1] as number
    directory.writeUInt32LE(start, 8 * b)
    directory.writeUInt32LE(bucketCrc(start, end, entries.subarray(8 * start, 8 * end)), 8 * b + 4)
  }
  directory.writeUInt32LE(n, 8 * buckets)
  directory.writeUInt32LE(crc32(entries), 8 * buckets + 4)
  const layout = index.layout && encodeLayout(index.layout)
  const { path, size, checksum, rows } = index.identity
  const sizeBytes = Buffer.allocUnsafe(8)
  sizeBytes.writeDoubleLE(size)
  const small = Buffer.allocUnsafe(2)
  small.writeUInt16LE(index.columns.length)
  const bitsBytes = Buffer.alloc(4)
  bitsBytes.writeUInt16LE(bits)
  const rest = Buffer.concat([
    str(path),
    sizeBytes,
    str(checksum),
    u32(rows),
    small,
    ...index.columns.map(str),
    u32(n),
    bitsBytes,
    ...encodeRanges(index.ranges),
    ...(layout?.head ?? [u32(0)]),
  ])
  // Magic, version and length (12 bytes), the rest, the CRC (4), padding to a multiple of 8.
  const padding = Buffer.alloc((8 - ((12 + rest.length + 4) % 8)) % 8)
  const head = Buffer.concat([
    u32(MAGIC),
    Buffer.from([KEY_INDEX_FORMAT_VERSION & 0xff, KEY_INDEX_FORMAT_VERSION >> 8, 0, 0]),
    u32(12 + rest.length + 4 + padding.length),
    rest,
  ])
  return Buffer.concat([head, u32(crc32(head)), padding, directory, entries, ...(layout?.sections ?? [])])
}

/** A parsed header: what the file describes, and where its directory and entries are. */
interface KeyFileHeader {
  readonly identity: FileIdentity
  readonly columns: readonly string[]
  readonly n: number
  readonly bits: number
  readonly directory: number
  readonly entries: number
  readonly ranges: ParquetRangeChecksums | undefined
  readonly layout: LayoutHead | undefined
}

/** A layout's head: its columns, its row groups' rows and where each group's section ends (after the entries). */
interface LayoutHead {
  readonly leaves: readonly LeafElement[]
  readonly groupRows: readonly number[]
  /** End of each group's section, counted from the end of the entries. */
  readonly ends: readonly number[]
  readonly crcs: readonly number[]
}

/** Parses the header at the start of `bytes`; undefined when `bytes` holds less than the header needs. */
function parseHeader(buf: Buffer, fail: (detail: string) => Error): KeyFileHeader | undefined {
  let at = 0
  class Short extends Error {}
  const need = (n: number) => {
    if (at + n > buf.length) throw new Short()
  }
  const readU32 = () => {
    need(4)
    at += 4
    return buf.readUInt32LE(at - 4)
  }
  const readStr = () => {
    const n = readU32()
    if (n > 1 << 20) throw fail('header string too long')
    need(n)
    at += n
    return buf.toString('utf8', at - n, at)
  }
  try {
    if (readU32() !== MAGIC) throw fail('not a key index file (bad magic)')
    need(4)
    const version = buf.readUInt16LE(at)
    at += 4
    if (version !== KEY_INDEX_FORMAT_VERSION)
      throw fail(`format version ${version}, expected ${KEY_INDEX_FORMAT_VERSION}`)
    const headerLength = readU32()
    const filePath = readStr()
    need(8)
    const size = buf.readDoubleLE(at)
    at += 8
    const identity: FileIdentity = { path: filePath, size, checksum: readStr(), rows: readU32() }
    need(2)
    const columnCount = buf.readUInt16LE(at)
    at += 2
    const columns: string[] = []
    for (let i = 0; i < columnCount; i++) columns.push(readStr())
    const n = readU32()
    need(4)
    const bits = buf.readUInt16LE(at)
    at += 4
    const readF64 = () => {
      need(8)
      at += 8
      return buf.readDoubleLE(at - 8)
    }
    const groupCount = readU32()
    if (groupCount > MAX_RANGE_GROUPS) throw fail(`${groupCount} row group ranges`)
    let ranges: ParquetRangeChecksums | undefined
    if (groupCount > 0) {
      const groupRows: number[] = []
      const groups: { start: number; end: number }[] = []
      for (let i = 0; i < groupCount; i++) {
        groupRows.push(readU32())
        groups.push({ start: readF64(), end: readF64() })
      }
      const tailStart = readF64()
      const blockSize = readU32()
      const blockCount = readU32()
      if (blockCount > MAX_BLOCKS) throw fail(`${blockCount} block checksums`)
      need(4 * blockCount)
      const blockCrcs = u32s(buf, at, blockCount)
      at += 4 * blockCount
      ranges = { groupRows, groups, tail: { start: tailStart, end: size }, blockSize, blockCrcs }
    }
    const leafCount = readU32()
    if (leafCount > MAX_LAYOUT_LEAVES) throw fail(`a layout of ${leafCount} columns`)
    let layout: LayoutHead | undefined
    if (leafCount > 0) {
      const leaves: LeafElement[] = []
      for (let i = 0; i < leafCount; i++) {
        const name = readStr()
        const mask = readU32()
        need(4 * LEAF_FIELDS.length)
        const base = at
        at += 4 * LEAF_FIELDS.length
        const value = (field: (typeof LEAF_FIELDS)[number]) => {
          const f = LEAF_FIELDS.indexOf(field)
          return mask & (1 << f) ? buf.readInt32LE(base + 4 * f) : undefined
        }
        if (mask >>> LEAF_FIELDS.length !== 0) throw fail(`column ${name}: bad presence mask`)
        leaves.push({
          name,
          type: value('type'),
          typeLength: value('typeLength'),
          repetition: value('repetition'),
          converted: value('converted'),
          scale: value('scale'),
          precision: value('precision'),
          logical: value('logical'),
          logical1: value('logical1'),
          logical2: value('logical2'),
        })
      }
      const layoutGroups = readU32()
      if (layoutGroups > MAX_RANGE_GROUPS) throw fail(`a layout of ${layoutGroups} row groups`)
      const groupRows: number[] = []
      const ends: number[] = []
      const crcs: number[] = []
      for (let g = 0; g < layoutGroups; g++) {
        groupRows.push(readU32())
        ends.push(readU32())
        crcs.push(readU32())
      }
      layout = { leaves, groupRows, ends, crcs }
    }
    const headEnd = at
    if (readU32() !== crc32(buf.subarray(0, headEnd))) throw fail('header checksum mismatch')
    for (const end = at + ((8 - (at % 8)) % 8); at < end; at++) {
      need(1)
      if (buf[at] !== 0) throw fail('bad header padding')
    }
    if (at !== headerLength) throw fail(`header of ${at} bytes, it says ${headerLength}`)
    if (n !== identity.rows) throw fail(`${n} entries for a data file of ${identity.rows} rows`)
    if (bits !== bucketBits(n)) throw fail(`${bits} bucket bits for ${n} entries`)
    if (ranges && !rangesCoverFile(ranges, size, identity.rows))
      throw fail('range checksums do not cover the data file')
    if (layout) checkLayoutHead(layout, identity.rows, ranges, fail)
    return { identity, columns, n, bits, directory: at, entries: at + 8 * 2 ** bits + 8, ranges, layout }
  } catch (error) {
    if (error instanceof Short) return undefined
    throw error
  }
}

/** A layout head's groups hold the file's rows (as its range checksums' groups do) and their sections follow. */
function checkLayoutHead(
  layout: LayoutHead,
  rows: number,
  ranges: ParquetRangeChecksums | undefined,
  fail: (detail: string) => Error,
): void {
  const { groupRows, ends } = layout
  if (groupRows.reduce((a, b) => a + b, 0) !== rows) throw fail('layout row groups do not hold the data file')
  if (ranges && ranges.groupRows.join() !== groupRows.join())
    throw fail('layout row groups differ from the range checksums')
  let last = 0
  for (const end of ends) {
    if (end < last || end > MAX_LAYOUT_BYTES) throw fail('layout sections out of order')
    last = end
  }
}

/** One row group's section, checked against its CRC: each column's chunk facts and page locations. */
function decodeSection(
  layout: LayoutHead,
  group: number,
  bytes: Buffer,
  fail: (detail: string) => Error,
): (ChunkFacts | undefined)[] {
  const start = group === 0 ? 0 : (layout.ends[group - 1] as number)
  if (bytes.length !== (layout.ends[group] as number) - start)
    throw fail(`layout section ${group} is truncated`)
  if (crc32(bytes) !== layout.crcs[group]) throw fail(`layout section ${group} checksum mismatch`)
  let at = 0
  const chunks: (ChunkFacts | undefined)[] = []
  for (let c = 0; c < layout.leaves.length; c++) {
    if (at + CHUNK_BYTES > bytes.length) throw fail(`layout section ${group} is short`)
    const mask = bytes.readUInt32LE(at)
    const count = bytes.readUInt32LE(at + 4)
    if (mask & ~(CHUNK_PRESENT | CHUNK_PAGES) || (!(mask & CHUNK_PAGES) && count !== 0))
      throw fail(`layout section ${group} is malformed`)
    if (count > MAX_LISTED_PAGES || at + CHUNK_BYTES + 8 * PAGE_FIELDS * count > bytes.length)
      throw fail(`layout section ${group} is short`)
    // The facts and the page locations: one run of f64s, copied at once.
    const numbers = f64s(bytes, at + 8, CHUNK_FIELDS.length + PAGE_FIELDS * count)
    at += CHUNK_BYTES + 8 * PAGE_FIELDS * count
    const value = (field: (typeof CHUNK_FIELDS)[number]) => {
      const v = numbers[CHUNK_FIELDS.indexOf(field)] as number
      return Number.isNaN(v) ? undefined : v
    }
    if (!(mask & CHUNK_PRESENT)) {
      if (mask !== 0) throw fail(`layout section ${group} is malformed`)
      chunks.push(undefined)
      continue
    }
    const facts: ChunkFacts = {
      type: value('type'),
      codec: value('codec'),
      size: value('size'),
      dataOffset: value('dataOffset'),
      dictionaryOffset: value('dictionaryOffset'),
      indexOffset: value('indexOffset'),
      indexLength: value('indexLength'),
    }
    chunks.push(mask & CHUNK_PAGES ? { ...facts, pages: numbers.subarray(CHUNK_FIELDS.length) } : facts)
  }
  if (at !== bytes.length) throw fail(`layout section ${group} is longer than its columns`)
  return chunks
}

/** The bucket's entries checked against its CRC and the header (see `checkEntries`). */
function checkBucket(
  header: Pick<KeyFileHeader, 'n' | 'bits'>,
  bucket: number,
  start: number,
  end: number,
  crc: number,
  entries: Buffer,
  fail: (detail: string) => Error,
): void {
  if (start > end || end > header.n) throw fail(`bucket ${bucket} spans entries ${start} to ${end}`)
  if (entries.length !== 8 * (end - start)) throw fail(`bucket ${bucket} is truncated`)
  if (bucketCrc(start, end, entries) !== crc) throw fail(`bucket ${bucket} checksum mismatch`)
  checkEntries(header, bucket, start, end, u32Array(entries, 0, 2 * (end - start)), start, fail)
}

/**
 * A bucket's entries `start` to `end` (entry `start` at pair `start - first` of `words`, (hash, position) u32 pairs)
 * checked against the header: hashes ascending and in the bucket, positions within the file's rows. With `into`, the
 * entries are copied there too (entry `i` at index `i`), in the same pass.
 */
function checkEntries(
  header: Pick<KeyFileHeader, 'n' | 'bits'>,
  bucket: number,
  start: number,
  end: number,
  words: Uint32Array,
  first: number,
  fail: (detail: string) => Error,
  into?: { readonly hashes: Uint32Array; readonly positions: Uint32Array },
): void {
  const { n, bits } = header
  let last = 0
  for (let i = start; i < end; i++) {
    const hash = words[2 * (i - first)] as number
    const position = words[2 * (i - first) + 1] as number
    if (hash < last || bucketOf(hash, bits) !== bucket) throw fail(`bucket ${bucket} is out of order`)
    if (position >= n) throw fail(`row position past the file's ${n} rows`)
    if (into) {
      into.hashes[i] = hash
      into.positions[i] = position
    }
    last = hash
  }
}

/**
 * Parses a whole key index file, checking magic, version, the CRCs of the header, of all entries and of each layout
 * section, the length, the directory (each bucket's entries in that bucket, hashes ascending) and positions within
 * the file's rows. Throws IndexFileDamagedError (naming `path`) for anything else. (The buckets' own CRCs are for
 * reading one bucket alone: `readKeyLookup` checks the bucket it reads.)
 */
export function decodeKeyPositionIndex(bytes: Uint8Array, path: string): KeyPositionIndex {
  const fail = (detail: string) => new IndexFileDamagedError(path, detail)
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const header = parseHeader(buf, fail)
  if (!header) throw fail('truncated header')
  const { n, bits, directory, entries, layout } = header
  const area = entries + 8 * n
  const expected = area + (layout?.ends[layout.ends.length - 1] ?? 0)
  if (buf.length !== expected) throw fail(`${buf.length} bytes, the header says ${expected}`)
  const buckets = 2 ** bits
  if (buf.readUInt32LE(directory + 8 * buckets) !== n) throw fail('directory does not end at the entry count')
  if (buf.readUInt32LE(directory) !== 0) throw fail('bucket 0 does not start at entry 0')
  if (buf.readUInt32LE(directory + 8 * buckets + 4) !== crc32(buf.subarray(entries, area)))
    throw fail('entries checksum mismatch')
  const into = { hashes: new Uint32Array(n), positions: new Uint32Array(n) }
  const words = u32Array(buf, entries, 2 * n)
  const starts = u32Array(buf, directory, 2 * buckets + 2)
  for (let b = 0; b < buckets; b++) {
    const start = starts[2 * b] as number
    const end = starts[2 * b + 2] as number
    if (start > end || end > n) throw fail(`bucket ${b} spans entries ${start} to ${end}`)
    checkEntries(header, b, start, end, words, 0, fail, into)
  }
  const { hashes, positions } = into
  const groups = layout?.ends.map((end, g) =>
    decodeSection(layout, g, buf.subarray(area + (layout.ends[g - 1] ?? 0), area + end), fail),
  )
  return new KeyPositionIndex(
    header.identity,
    header.columns,
    hashes,
    positions,
    header.ranges,
    layout && groups && { leaves: layout.leaves, groupRows: layout.groupRows, groups },
  )
}

/**
 * What a key index file says of one key: its candidate rows, and the data file's range checksums and point-read
 * layout (of the candidates' row groups) if it has them.
 */
export interface KeyLookup {
  readonly positions: number[]
  readonly ranges: ParquetRangeChecksums | undefined
  readonly layout?: ParquetPointLayout
}

/** The row positions of an encoded key from a key index file: see `readKeyLookup`. */
export async function readKeyPositions(
  fs: FileSystem,
  path: string,
  identity: FileIdentity,
  columns: readonly string[],
  key: string,
): Promise<number[] | undefined> {
  return (await readKeyLookup(fs, path, identity, columns, key))?.positions
}

/**
 * The row positions of an encoded key from a key index file, reading only its header, the key's directory slot
 * and bucket (three reads; the whole file when the seam has no `readRange`), with the data file's range checksums
 * from the header. Undefined when there is no file or it describes another data file or key;
 * IndexFileDamagedError when its bytes are damaged.
 */
export async function readKeyLookup(
  fs: FileSystem,
  path: string,
  identity: FileIdentity,
  columns: readonly string[],
  key: string,
): Promise<KeyLookup | undefined> {
  const fail = (detail: string) => new IndexFileDamagedError(path, detail)
  const range = async (offset: number, length: number): Promise<Buffer | undefined> => {
    try {
      const bytes = fs.readRange
        ? await fs.readRange(path, offset, length)
        : (await fs.readFile(path)).subarray(offset, offset + length)
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    } catch {
      return undefined
    }
  }
  const head = await range(0, HEAD_READ)
  if (!head) return undefined
  let header = parseHeader(head, fail)
  if (!header && head.length === HEAD_READ) {
    // A longer header (range checksums of a large file): read again to the length it states, if plausible.
    const length = head.readUInt32LE(8)
    const whole = length > HEAD_READ && length <= MAX_HEADER ? await range(0, length) : undefined
    header = whole ? parseHeader(whole, fail) : undefined
  }
  if (!header) throw fail('truncated header')
  if (
    !sameFileIdentity(header.identity, identity) ||
    header.columns.join('\u0000') !== columns.join('\u0000')
  )
    return undefined
  const h = keyHash(key)
  const bucket = bucketOf(h, header.bits)
  const slot = await range(header.directory + 8 * bucket, 12)
  if (slot?.length !== 12) throw fail('truncated directory')
  const start = slot.readUInt32LE(0)
  const crc = slot.readUInt32LE(4)
  const end = slot.readUInt32LE(8)
  const entries =
    start < end && end <= header.n
      ? await range(header.entries + 8 * start, 8 * (end - start))
      : Buffer.alloc(0)
  if (!entries) throw fail('unreadable entries')
  checkBucket(header, bucket, start, end, crc, entries, fail)
  const out: number[] = []
  for (let i = 0; i < end - start; i++)
    if (entries.readUInt32LE(8 * i) === h) out.push(entries.readUInt32LE(8 * i + 4))
  const positions = out.sort((a, b) => a - b)
  const { layout } = header
  if (!layout || positions.length === 0) return { positions, ranges: header.ranges }
  // The candidates' row groups' sections (one, but for a hash shared across groups).
  const area = header.entries + 8 * header.n
  const groups: (ChunkFacts | undefined)[][] = []
  for (const p of positions) {
    const g = layoutGroupOf(layout.groupRows, p)
    if (g < 0 || groups[g]) continue
    const from = layout.ends[g - 1] ?? 0
    const section = await range(area + from, (layout.ends[g] as number) - from)
    if (!section) throw fail('unreadable layout')
    groups[g] = decodeSection(layout, g, section, fail)
  }
  return {
    positions,
    ranges: header.ranges,
    layout: { leaves: layout.leaves, groupRows: layout.groupRows, groups },
  }
}
