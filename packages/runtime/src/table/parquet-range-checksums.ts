import { crc32 } from 'node:zlib'
import { ThriftCompactReader, type ThriftStruct, type ThriftValue } from '../format/thrift-compact-reader.js'

/** One byte range of a data file and the CRC-32 of its bytes. */
export interface CheckedRange {
  readonly start: number
  readonly end: number
  readonly crc: number
}

/** A byte span [start, end) of a file. */
export interface ByteSpan {
  readonly start: number
  readonly end: number
}

/**
 * A Parquet file's layout and checksums, taken from bytes that matched the log's checksum: its row groups' spans
 * (contiguous from 0; the first also holds the leading magic) and the tail (page indexes, footer, magic), and the
 * CRC-32 of every fixed-size block of the file. A point read checks only the blocks it reads — the pages of its
 * row and the footer — instead of the whole file; a polars read of one row checks its row group's blocks.
 */
export interface ParquetRangeChecksums {
  /** Rows of each row group, in file order. */
  readonly groupRows: readonly number[]
  /** The row groups' spans, in file order, covering the file from 0 to the tail without gaps. */
  readonly groups: readonly ByteSpan[]
  /** From the end of the last row group to the end of the file. */
  readonly tail: ByteSpan
  /** Bytes of a block (a power of two, see `blockSizeFor`): block i is [i * blockSize, (i + 1) * blockSize). */
  readonly blockSize: number
  /** The CRC-32 of each block, in file order (the last block ends at the end of the file). */
  readonly blockCrcs: readonly number[]
}

/** Smallest block: about one small data page's compressed bytes, so a page read checks little more than itself. */
export const MIN_BLOCK_SIZE = 16 * 1024
/** Most blocks a file is cut into (larger files get larger blocks): 16 KiB of CRCs in a key index header. */
export const MAX_BLOCKS = 4096

/** The block size of a file of `size` bytes: 16 KiB, doubled until the file has at most 4,096 blocks. */
export function blockSizeFor(size: number): number {
  let block = MIN_BLOCK_SIZE
  while (Math.ceil(size / block) > MAX_BLOCKS) block *= 2
  return block
}

function list(value: ThriftValue | undefined): ThriftValue[] {
  return Array.isArray(value) ? value : []
}

function struct(value: ThriftValue | undefined): ThriftStruct | undefined {
  return value instanceof Map ? (value as ThriftStruct) : undefined
}

function int(value: ThriftValue | undefined): number | undefined {
  return typeof value === 'bigint' || typeof value === 'number' ? Number(value) : undefined
}

/** The byte span [start, end) of a row group's column chunks (from their page offsets and compressed sizes). */
function groupSpan(group: ThriftStruct): ByteSpan | undefined {
  let start = Number.POSITIVE_INFINITY
  let end = 0
  const chunks = list(group.get(1))
  if (chunks.length === 0) return undefined
  for (const chunk of chunks) {
    const meta = struct(struct(chunk)?.get(3))
    // ColumnMetaData: data_page_offset (9), dictionary_page_offset (11), total_compressed_size (7).
    const data = int(meta?.get(9))
    const dictionary = int(meta?.get(11))
    const size = int(meta?.get(7))
    if (data === undefined || size === undefined || size < 0) return undefined
    const first = dictionary !== undefined && dictionary > 0 && dictionary < data ? dictionary : data
    start = Math.min(start, first)
    end = Math.max(end, first + size)
  }
  return { start, end }
}

/**
 * The range checksums of a whole Parquet file held in memory; undefined when it is no Parquet file or its row
 * groups do not lie one after another (then readers check the whole file).
 */
export function parquetRangeChecksums(bytes: Uint8Array): ParquetRangeChecksums | undefined {
  const n = bytes.length
  if (n < 12) return undefined
  const view = new DataView(bytes.buffer, bytes.byteOffset, n)
  // 'PAR1' little-endian, at both ends.
  if (view.getUint32(0, true) !== 0x31524150 || view.getUint32(n - 4, true) !== 0x31524150) return undefined
  const footerLength = view.getUint32(n - 8, true)
  if (footerLength + 12 > n) return undefined
  let meta: ThriftStruct
  try {
    meta = new ThriftCompactReader(bytes.subarray(n - 8 - footerLength, n - 8)).readStruct()
  } catch {
    return undefined
  }
  const groupRows: number[] = []
  const spans: ByteSpan[] = []
  for (const value of list(meta.get(4))) {
    const group = struct(value)
    const rows = int(group?.get(3))
    const span = group && groupSpan(group)
    if (rows === undefined || rows < 0 || !span) return undefined
    const previous = spans[spans.length - 1]?.end ?? 4
    if (span.start < previous || span.end > n - 8 - footerLength) return undefined
    groupRows.push(rows)
    spans.push(span)
  }
  if (spans.length === 0) return undefined
  // Spans cover the file without gaps: each group's runs to the next group's start.
  const groups = spans.map((span, i) => ({
    start: i === 0 ? 0 : span.start,
    end: spans[i + 1]?.start ?? span.end,
  }))
  const tailStart = (spans[spans.length - 1] as ByteSpan).end
  const blockSize = blockSizeFor(n)
  const blockCrcs: number[] = []
  for (let at = 0; at < n; at += blockSize)
    blockCrcs.push(crc32(bytes.subarray(at, Math.min(at + blockSize, n))))
  return { groupRows, groups, tail: { start: tailStart, end: n }, blockSize, blockCrcs }
}

/** The checked blocks that hold the bytes [start, end) of a file (none for an empty or out-of-file span). */
export function blocksCovering(checksums: ParquetRangeChecksums, start: number, end: number): CheckedRange[] {
  const { blockSize, blockCrcs } = checksums
  const size = checksums.tail.end
  const out: CheckedRange[] = []
  if (start < 0 || end > size || start >= end) return out
  for (let i = Math.floor(start / blockSize); i * blockSize < end; i++)
    out.push({ start: i * blockSize, end: Math.min((i + 1) * blockSize, size), crc: blockCrcs[i] as number })
  return out
}

/**
 * The checked blocks a read of one physical row may touch: its row group's and the tail's (a JS decoder reads only
 * the few of them that hold the row's pages and the footer); undefined for a row past the end.
 */
export function rangesForRow(checksums: ParquetRangeChecksums, row: number): CheckedRange[] | undefined {
  let first = 0
  for (let i = 0; i < checksums.groupRows.length; i++) {
    const rows = checksums.groupRows[i] as number
    const group = checksums.groups[i] as ByteSpan
    if (row < first + rows) {
      const { tail } = checksums
      const blocks = blocksCovering(checksums, group.start, group.end)
      const last = blocks[blocks.length - 1]?.end ?? group.start
      return [...blocks, ...blocksCovering(checksums, Math.max(last, tail.start), tail.end)]
    }
    first += rows
  }
  return undefined
}

/** The ranges among `ranges` (sorted by start) that overlap the span [start, end). */
export function rangesOverlapping(
  ranges: readonly CheckedRange[],
  start: number,
  end: number,
): CheckedRange[] {
  return ranges.filter((r) => r.start < end && r.end > start)
}

/**
 * Whether range checksums describe a file of `size` bytes and `rows` rows: group spans contiguous from 0 to the
 * tail, the tail to `size`, one CRC per block of a block size this version picks for that size.
 */
export function rangesCoverFile(checksums: ParquetRangeChecksums, size: number, rows: number): boolean {
  let at = 0
  for (const range of checksums.groups) {
    if (range.start !== at || range.end < range.start) return false
    at = range.end
  }
  const total = checksums.groupRows.reduce((a, b) => a + b, 0)
  return (
    checksums.groups.length === checksums.groupRows.length &&
    checksums.tail.start === at &&
    checksums.tail.end === size &&
    checksums.blockSize === blockSizeFor(size) &&
    checksums.blockCrcs.length === Math.ceil(size / checksums.blockSize) &&
    (Number.isNaN(rows) || total === rows)
  )
}

/** A range whose bytes do not match their CRC: what was read (a short read is a mismatch). */
export interface RangeMismatch {
  readonly range: CheckedRange
  readonly crc: number
  readonly length: number
}

/**
 * Reads these ranges (`read` reads a range of the file; ranges that follow one another are read at once) and checks
 * each against its CRC: their bytes, and the first mismatch if any (then the bytes are not to be used).
 */
export async function checkRanges(
  read: (offset: number, length: number) => Promise<Uint8Array>,
  ranges: readonly CheckedRange[],
): Promise<{ bytes: Uint8Array[]; mismatch?: RangeMismatch }> {
  // Runs of adjacent ranges, each read with one call.
  const runs: { start: number; end: number; first: number; count: number }[] = []
  ranges.forEach((r, i) => {
    const last = runs[runs.length - 1]
    if (last && last.end === r.start && last.first + last.count === i) {
      last.end = r.end
      last.count++
    } else runs.push({ start: r.start, end: r.end, first: i, count: 1 })
  })
  const reads = await Promise.all(runs.map((run) => read(run.start, run.end - run.start)))
  const bytes: Uint8Array[] = []
  runs.forEach((run, k) => {
    const got = reads[k] as Uint8Array
    for (let i = run.first; i < run.first + run.count; i++) {
      const range = ranges[i] as CheckedRange
      bytes.push(
        got.subarray(
          Math.min(range.start - run.start, got.length),
          Math.min(range.end - run.start, got.length),
        ),
      )
    }
  })
  for (let i = 0; i < ranges.length; i++) {
    const range = ranges[i] as CheckedRange
    const got = bytes[i] as Uint8Array
    const crc = crc32(got)
    if (got.length !== range.end - range.start || crc !== range.crc)
      return { bytes, mismatch: { range, crc, length: got.length } }
  }
  return { bytes }
}

/** The first of these ranges whose bytes do not match their CRC (undefined: all match); see `checkRanges`. */
export async function mismatchedRange(
  read: (offset: number, length: number) => Promise<Uint8Array>,
  ranges: readonly CheckedRange[],
): Promise<RangeMismatch | undefined> {
  return (await checkRanges(read, ranges)).mismatch
}
