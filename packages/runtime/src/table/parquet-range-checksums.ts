import { crc32 } from 'node:zlib'
import { ThriftCompactReader, type ThriftStruct, type ThriftValue } from '../format/thrift-compact-reader.js'

/** One byte range of a data file and the CRC-32 of its bytes. */
export interface CheckedRange {
  readonly start: number
  readonly end: number
  readonly crc: number
}

/**
 * A Parquet file cut into byte ranges that cover it exactly, each with its CRC-32: one per row group (the first one
 * also holds the leading magic) and the tail (page indexes, footer, magic). A point read checks only the ranges it
 * reads — its row's group and the tail — instead of the whole file.
 */
export interface ParquetRangeChecksums {
  /** Rows of each row group, in file order. */
  readonly groupRows: readonly number[]
  /** The row groups' ranges, in file order. */
  readonly groups: readonly CheckedRange[]
  /** From the end of the last row group to the end of the file. */
  readonly tail: CheckedRange
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
function groupSpan(group: ThriftStruct): { start: number; end: number } | undefined {
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
  const spans: { start: number; end: number }[] = []
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
  // Ranges cover the file without gaps: each group's range runs to the next group's start.
  const groups: CheckedRange[] = spans.map((span, i) => {
    const start = i === 0 ? 0 : span.start
    const end = spans[i + 1]?.start ?? span.end
    return { start, end, crc: crc32(bytes.subarray(start, end)) }
  })
  const tailStart = (spans[spans.length - 1] as { end: number }).end
  return { groupRows, groups, tail: { start: tailStart, end: n, crc: crc32(bytes.subarray(tailStart, n)) } }
}

/** The ranges a read of one physical row touches: its row group's and the tail; undefined for a row past the end. */
export function rangesForRow(checksums: ParquetRangeChecksums, row: number): CheckedRange[] | undefined {
  let first = 0
  for (let i = 0; i < checksums.groupRows.length; i++) {
    const rows = checksums.groupRows[i] as number
    if (row < first + rows) return [checksums.groups[i] as CheckedRange, checksums.tail]
    first += rows
  }
  return undefined
}

/** Whether range checksums describe a file of `size` bytes and `rows` rows (ranges contiguous, from 0 to size). */
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
 * Reads these ranges (`read` reads a range of the file) and checks each against its CRC: their bytes, and the first
 * mismatch if any (then the bytes are not to be used).
 */
export async function checkRanges(
  read: (offset: number, length: number) => Promise<Uint8Array>,
  ranges: readonly CheckedRange[],
): Promise<{ bytes: Uint8Array[]; mismatch?: RangeMismatch }> {
  const bytes = await Promise.all(ranges.map((r) => read(r.start, r.end - r.start)))
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
