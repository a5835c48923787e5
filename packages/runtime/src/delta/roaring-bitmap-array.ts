import { ParquetFrameError } from '../errors/pf-error.js'

/** First 4 bytes (little-endian) of Delta's RoaringBitmapArray in the spec's "portable" 64-bit layout. */
export const PORTABLE_MAGIC = 1681511377
/** First 4 bytes (little-endian) of Delta's "native" layout, which delta-spark also reads; pf never writes it. */
export const NATIVE_MAGIC = 1681511376
/** The largest row index a bitmap holds: 2^53-1 (row positions of one Parquet file are numbers, not bigints). */
export const MAX_ROW_INDEX = Number.MAX_SAFE_INTEGER

/** Serialized bytes that are not a RoaringBitmapArray (truncated, wrong magic, unsorted keys, bad counts...). */
export class RoaringBitmapFormatError extends ParquetFrameError {
  constructor(
    /** Byte offset in the serialized bitmap where the problem was found. */
    readonly at: number,
    detail: string,
  ) {
    super('PF_DV_BITMAP', `Invalid RoaringBitmapArray at byte ${at}: ${detail}`)
  }
}

/** A row index that is not an integer in [0, 2^53-1]. */
export class RowIndexError extends ParquetFrameError {
  constructor(readonly value: unknown) {
    super('PF_DV_ROW_INDEX', `Row index ${String(value)} is not an integer between 0 and 2^53-1`)
  }
}

/** Values 0..65535 of one 16-bit chunk: a sorted array when at most 4096 are set, else 2^16 bits. */
type Container = Uint16Array | BitmapContainer

/** 65536 bits as 2048 32-bit words, with its cardinality. */
interface BitmapContainer {
  readonly words: Uint32Array
  readonly cardinality: number
}

/** Roaring's threshold: at most this many values are kept (and serialized) as a sorted array. */
const ARRAY_MAX = 4096
const BITMAP_BYTES = 8192
const COOKIE_NO_RUNS = 12346
const COOKIE_RUNS = 12347
/** With run containers, the offset header is only written from this many containers on. */
const NO_OFFSET_THRESHOLD = 4
const TWO_16 = 0x10000
const TWO_32 = 0x100000000

/**
 * A set of row indexes (0..2^53-1) of one data file: the deletion vector's content. Immutable; serializes to the
 * Delta protocol's RoaringBitmapArray (magic number, then Roaring's portable 64-bit format).
 */
export class RoaringBitmapArray {
  /** Chunk key (row index >>> 16, as a number) → its container; keys ascending. */
  private readonly keys: readonly number[]
  private readonly containers: readonly Container[]
  /** Number of row indexes held. */
  readonly size: number

  private constructor(keys: readonly number[], containers: readonly Container[]) {
    this.keys = keys
    this.containers = containers
    let size = 0
    for (const c of containers) size += cardinalityOf(c)
    this.size = size
  }

  /** The empty set. */
  static empty(): RoaringBitmapArray {
    return new RoaringBitmapArray([], [])
  }

  /** The set of `positions` (any order, duplicates allowed); each must be an integer in [0, 2^53-1]. */
  static fromPositions(positions: Iterable<number>): RoaringBitmapArray {
    // An array is copied by index (no iterator call per value); input already ascending skips the sort.
    const list: readonly number[] | undefined = Array.isArray(positions) ? positions : undefined
    const values = list ? new Float64Array(list.length) : Float64Array.from(positions)
    let ascending = true
    for (let k = 0; k < values.length; k++) {
      const v = list ? (list[k] as number) : (values[k] as number)
      if (!Number.isSafeInteger(v) || v < 0) throw new RowIndexError(v)
      values[k] = v
      if (k > 0 && v < (values[k - 1] as number)) ascending = false
    }
    if (!ascending) values.sort()
    const keys: number[] = []
    const containers: Container[] = []
    let i = 0
    while (i < values.length) {
      const key = Math.floor((values[i] as number) / TWO_16)
      const base = key * TWO_16
      let end = i
      let distinct = 0
      for (let previous = -1; end < values.length && (values[end] as number) < base + TWO_16; end++) {
        const v = (values[end] as number) - base
        if (v !== previous) distinct++
        previous = v
      }
      keys.push(key)
      if (distinct <= ARRAY_MAX) {
        const low = new Uint16Array(distinct)
        for (let k = i, n = 0, previous = -1; k < end; k++) {
          const v = (values[k] as number) - base
          if (v !== previous) low[n++] = v
          previous = v
        }
        containers.push(low)
      } else {
        const words = new Uint32Array(2048)
        for (let k = i; k < end; k++) {
          const v = (values[k] as number) - base
          words[v >>> 5] = (words[v >>> 5] as number) | (1 << (v & 31))
        }
        containers.push({ words, cardinality: distinct })
      }
      i = end
    }
    return new RoaringBitmapArray(keys, containers)
  }

  /** Reads a serialized RoaringBitmapArray (portable, or Delta's native layout); the bytes must hold nothing else. */
  static deserialize(bytes: Uint8Array): RoaringBitmapArray {
    const reader = new ByteReader(bytes)
    if (bytes.length < 4)
      throw new RoaringBitmapFormatError(0, `${bytes.length} bytes, too short for a magic number`)
    const magicLittle = reader.view.getUint32(0, true)
    const magicBig = reader.view.getUint32(0, false)
    const chunks = new ChunkCollector()
    if (magicLittle === PORTABLE_MAGIC) {
      reader.pos = 4
      readPortable(reader, chunks)
    } else if (magicLittle === NATIVE_MAGIC || magicBig === NATIVE_MAGIC) {
      // Delta's native layout: little-endian as delta-spark writes it, or big-endian framing as in PROTOCOL.md's
      // inline example (JSON Example 3), whose bytes delta-spark itself refuses.
      reader.pos = 4
      readNative(reader, chunks, magicLittle === NATIVE_MAGIC)
    } else {
      throw new RoaringBitmapFormatError(
        0,
        `magic number ${magicLittle} is not ${PORTABLE_MAGIC} (portable) or ${NATIVE_MAGIC} (native)`,
      )
    }
    if (reader.pos !== bytes.length)
      throw new RoaringBitmapFormatError(reader.pos, `${bytes.length - reader.pos} bytes after the bitmap`)
    return new RoaringBitmapArray(chunks.keys, chunks.containers)
  }

  /** True when `position` is in the set. */
  has(position: number): boolean {
    if (!Number.isSafeInteger(position) || position < 0) return false
    const key = Math.floor(position / TWO_16)
    const at = binarySearch(this.keys, key)
    if (at < 0) return false
    return containerHas(this.containers[at] as Container, position - key * TWO_16)
  }

  /** The largest row index held, or undefined when empty (a descriptor's `maxRowIndex`). */
  max(): number | undefined {
    const last = this.containers.length - 1
    if (last < 0) return undefined
    const c = this.containers[last] as Container
    const low = c instanceof Uint16Array ? (c[c.length - 1] as number) : lastBit(c.words)
    return (this.keys[last] as number) * TWO_16 + low
  }

  /** The set of row indexes in this one or in `other`. */
  union(other: RoaringBitmapArray): RoaringBitmapArray {
    const keys: number[] = []
    const containers: Container[] = []
    let i = 0
    let j = 0
    while (i < this.keys.length || j < other.keys.length) {
      const a = this.keys[i]
      const b = other.keys[j]
      if (b === undefined || (a !== undefined && a < b)) {
        keys.push(a as number)
        containers.push(this.containers[i++] as Container)
      } else if (a === undefined || b < a) {
        keys.push(b)
        containers.push(other.containers[j++] as Container)
      } else {
        keys.push(a)
        containers.push(unionOf(this.containers[i++] as Container, other.containers[j++] as Container))
      }
    }
    return new RoaringBitmapArray(keys, containers)
  }

  /** The row indexes, ascending. */
  toSortedArray(): number[] {
    const out = new Array<number>(this.size)
    let n = 0
    for (const [i, c] of this.containers.entries()) {
      const base = (this.keys[i] as number) * TWO_16
      if (c instanceof Uint16Array) {
        for (const v of c) out[n++] = base + v
        continue
      }
      for (let k = 0; k < 2048; k++) {
        let w = c.words[k] as number
        while (w !== 0) {
          out[n++] = base + k * 32 + 31 - Math.clz32(w & -w)
          w &= w - 1
        }
      }
    }
    return out
  }

  /** The Delta RoaringBitmapArray bytes: magic number, then the portable 64-bit format (runs where smaller). */
  serialize(): Uint8Array {
    const buckets = this.buckets()
    let size = 4 + 8
    for (const bucket of buckets) size += 4 + bucketSize(bucket)
    const out = new Uint8Array(size)
    const view = new DataView(out.buffer)
    view.setUint32(0, PORTABLE_MAGIC, true)
    view.setUint32(4, buckets.length, true)
    view.setUint32(8, 0, true)
    let pos = 12
    for (const bucket of buckets) {
      view.setUint32(pos, bucket.key, true)
      pos = writeBucket(view, pos + 4, bucket)
    }
    return out
  }

  /** Containers grouped by their 32-bit bucket, each with the encoding Roaring would choose. */
  private buckets(): Bucket[] {
    const out: Bucket[] = []
    for (const [i, c] of this.containers.entries()) {
      const chunk = this.keys[i] as number
      const key = Math.floor(chunk / TWO_16)
      let bucket = out[out.length - 1]
      if (bucket === undefined || bucket.key !== key) {
        bucket = { key, containers: [] }
        out.push(bucket)
      }
      bucket.containers.push(planContainer(chunk % TWO_16, c))
    }
    return out
  }
}

/** One 32-bit bucket (the high 32 bits of its row indexes) and its planned containers. */
interface Bucket {
  readonly key: number
  readonly containers: PlannedContainer[]
}

/** A container and how it is written: runs, a sorted array or a bitmap. */
type PlannedContainer =
  | { readonly key: number; readonly cardinality: number; readonly kind: 'run'; readonly runs: number[] }
  | {
      readonly key: number
      readonly cardinality: number
      readonly kind: 'array'
      readonly values: Uint16Array
    }
  | {
      readonly key: number
      readonly cardinality: number
      readonly kind: 'bitmap'
      readonly words: Uint32Array
    }

/** Chooses the smallest encoding, as Roaring's runOptimize does: runs when smaller than the array or bitmap. */
function planContainer(key: number, c: Container): PlannedContainer {
  const cardinality = cardinalityOf(c)
  const plainBytes = cardinality <= ARRAY_MAX ? 2 * cardinality : BITMAP_BYTES
  if (2 + 4 * runCount(c) < plainBytes) return { key, cardinality, kind: 'run', runs: runsOf(c) }
  if (c instanceof Uint16Array) return { key, cardinality, kind: 'array', values: c }
  return { key, cardinality, kind: 'bitmap', words: c.words }
}

/** How many runs of consecutive values the container holds. */
function runCount(c: Container): number {
  let runs = 0
  if (c instanceof Uint16Array) {
    for (let k = 0; k < c.length; k++) if (k === 0 || (c[k] as number) !== (c[k - 1] as number) + 1) runs++
    return runs
  }
  let carry = 0
  for (const w of c.words) {
    // A run starts at each set bit whose lower neighbour (the previous word's top bit for bit 0) is clear.
    runs += popcount32((w & ~((w << 1) | carry)) >>> 0)
    carry = w >>> 31
  }
  return runs
}

function containerBytes(c: PlannedContainer): number {
  if (c.kind === 'run') return 2 + 2 * c.runs.length
  if (c.kind === 'array') return 2 * c.cardinality
  return BITMAP_BYTES
}

/** Header size of a bucket's 32-bit Roaring bitmap: cookie, run flags, keys/cardinalities, offsets. */
function headerBytes(bucket: Bucket): number {
  const n = bucket.containers.length
  const hasRuns = bucket.containers.some((c) => c.kind === 'run')
  if (!hasRuns) return 8 + 8 * n
  return 4 + Math.ceil(n / 8) + 4 * n + (n >= NO_OFFSET_THRESHOLD ? 4 * n : 0)
}

function bucketSize(bucket: Bucket): number {
  let size = headerBytes(bucket)
  for (const c of bucket.containers) size += containerBytes(c)
  return size
}

/** Writes a bucket's 32-bit Roaring bitmap (RoaringFormatSpec) at `start`; returns the position after it. */
function writeBucket(view: DataView, start: number, bucket: Bucket): number {
  const n = bucket.containers.length
  const hasRuns = bucket.containers.some((c) => c.kind === 'run')
  let pos = start
  if (hasRuns) {
    view.setUint32(pos, COOKIE_RUNS | ((n - 1) << 16), true)
    pos += 4
    for (const [i, c] of bucket.containers.entries()) {
      if (c.kind !== 'run') continue
      const at = pos + (i >> 3)
      view.setUint8(at, view.getUint8(at) | (1 << (i & 7)))
    }
    pos += Math.ceil(n / 8)
  } else {
    view.setUint32(pos, COOKIE_NO_RUNS, true)
    view.setUint32(pos + 4, n, true)
    pos += 8
  }
  for (const c of bucket.containers) {
    view.setUint16(pos, c.key, true)
    view.setUint16(pos + 2, c.cardinality - 1, true)
    pos += 4
  }
  if (!hasRuns || n >= NO_OFFSET_THRESHOLD) {
    let offset = headerBytes(bucket)
    for (const c of bucket.containers) {
      view.setUint32(pos, offset, true)
      pos += 4
      offset += containerBytes(c)
    }
  }
  for (const c of bucket.containers) {
    if (c.kind === 'run') {
      view.setUint16(pos, c.runs.length / 2, true)
      pos += 2
      for (const r of c.runs) {
        view.setUint16(pos, r, true)
        pos += 2
      }
    } else if (c.kind === 'array') {
      for (const v of c.values) {
        view.setUint16(pos, v, true)
        pos += 2
      }
    } else {
      for (const w of c.words) {
        view.setUint32(pos, w, true)
        pos += 4
      }
    }
  }
  return pos
}

/** A cursor over serialized bytes that refuses to read past the end. */
class ByteReader {
  readonly view: DataView
  pos = 0
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }
  need(count: number, what: string): void {
    if (this.pos + count > this.bytes.length)
      throw new RoaringBitmapFormatError(
        this.pos,
        `truncated: ${what} needs ${count} bytes, ${this.bytes.length - this.pos} left`,
      )
  }
  u16(): number {
    this.need(2, 'a 16-bit value')
    const v = this.view.getUint16(this.pos, true)
    this.pos += 2
    return v
  }
  u32(littleEndian = true): number {
    this.need(4, 'a 32-bit value')
    const v = this.view.getUint32(this.pos, littleEndian)
    this.pos += 4
    return v
  }
}

/** Collects decoded containers in ascending chunk order, refusing keys out of order or beyond the bound. */
class ChunkCollector {
  readonly keys: number[] = []
  readonly containers: Container[] = []
  add(bucketKey: number, low16: number, c: Container, at: number): void {
    const chunk = bucketKey * TWO_16 + low16
    if (chunk * TWO_16 > MAX_ROW_INDEX)
      throw new RoaringBitmapFormatError(at, `row indexes from ${chunk * TWO_16} exceed the supported 2^53-1`)
    const last = this.keys[this.keys.length - 1]
    if (last !== undefined && chunk <= last)
      throw new RoaringBitmapFormatError(at, 'container keys are not strictly ascending')
    this.keys.push(chunk)
    this.containers.push(c)
  }
}

/** The spec's portable layout after the magic: u64 bucket count, then per bucket a u32 key and a 32-bit bitmap. */
function readPortable(reader: ByteReader, chunks: ChunkCollector): void {
  const countAt = reader.pos
  const low = reader.u32()
  const high = reader.u32()
  // A bucket takes at least 12 bytes (key, cookie, container count).
  if (high !== 0 || low > (reader.bytes.length - reader.pos) / 12)
    throw new RoaringBitmapFormatError(countAt, `bucket count ${high * TWO_32 + low} does not fit the bytes`)
  let previous = -1
  for (let b = 0; b < low; b++) {
    const keyAt = reader.pos
    const key = reader.u32()
    if (key >= 0x80000000)
      throw new RoaringBitmapFormatError(keyAt, `bucket key ${key} has its most significant bit set`)
    if (key <= previous)
      throw new RoaringBitmapFormatError(keyAt, `bucket key ${key} does not ascend (after ${previous})`)
    previous = key
    readBitmap32(reader, key, chunks)
  }
}

/** Delta's native layout after the magic: u32 bitmap count, then per bitmap its u32 byte size and the bitmap. */
function readNative(reader: ByteReader, chunks: ChunkCollector, littleEndian: boolean): void {
  const countAt = reader.pos
  const count = reader.u32(littleEndian)
  if (count > (reader.bytes.length - reader.pos) / 12)
    throw new RoaringBitmapFormatError(countAt, `bitmap count ${count} does not fit the bytes`)
  for (let key = 0; key < count; key++) {
    const sizeAt = reader.pos
    const size = reader.u32(littleEndian)
    const start = reader.pos
    readBitmap32(reader, key, chunks)
    if (reader.pos - start !== size)
      throw new RoaringBitmapFormatError(
        sizeAt,
        `bitmap ${key} is ${reader.pos - start} bytes, its header says ${size}`,
      )
  }
}

/** Reads one standard 32-bit Roaring bitmap (array, bitmap and run containers) at the reader's position. */
function readBitmap32(reader: ByteReader, bucketKey: number, chunks: ChunkCollector): void {
  const start = reader.pos
  const cookie = reader.u32()
  let n: number
  let runFlags: Uint8Array | undefined
  if ((cookie & 0xffff) === COOKIE_RUNS) {
    n = (cookie >>> 16) + 1
    reader.need(Math.ceil(n / 8), 'the run container flags')
    runFlags = reader.bytes.subarray(reader.pos, reader.pos + Math.ceil(n / 8))
    reader.pos += Math.ceil(n / 8)
  } else if (cookie === COOKIE_NO_RUNS) {
    n = reader.u32()
    if (n > TWO_16) throw new RoaringBitmapFormatError(start + 4, `${n} containers, at most 65536 fit`)
  } else {
    throw new RoaringBitmapFormatError(start, `unknown 32-bit Roaring cookie ${cookie}`)
  }
  reader.need(4 * n, 'the container headers')
  const keys: number[] = []
  const cardinalities: number[] = []
  for (let i = 0; i < n; i++) {
    keys.push(reader.u16())
    cardinalities.push(reader.u16() + 1)
  }
  let offsets: number[] | undefined
  if (runFlags === undefined || n >= NO_OFFSET_THRESHOLD) {
    reader.need(4 * n, 'the container offsets')
    offsets = []
    for (let i = 0; i < n; i++) offsets.push(reader.u32())
  }
  for (let i = 0; i < n; i++) {
    const at = reader.pos
    if (offsets !== undefined && offsets[i] !== at - start)
      throw new RoaringBitmapFormatError(
        at,
        `container ${i} starts at ${at - start}, its offset says ${offsets[i]}`,
      )
    const cardinality = cardinalities[i] as number
    const isRun = runFlags !== undefined && ((runFlags[i >> 3] as number) & (1 << (i & 7))) !== 0
    let container: Container
    if (isRun) container = readRunContainer(reader)
    else if (cardinality <= ARRAY_MAX) container = readArrayContainer(reader, cardinality)
    else container = readBitmapContainer(reader)
    if (cardinalityOf(container) !== cardinality)
      throw new RoaringBitmapFormatError(
        at,
        `container ${i} holds ${cardinalityOf(container)} values, its header says ${cardinality}`,
      )
    chunks.add(bucketKey, keys[i] as number, container, at)
  }
}

function readArrayContainer(reader: ByteReader, cardinality: number): Container {
  reader.need(2 * cardinality, 'an array container')
  const values = new Uint16Array(cardinality)
  for (let k = 0; k < cardinality; k++) {
    const v = reader.u16()
    if (k > 0 && v <= (values[k - 1] as number))
      throw new RoaringBitmapFormatError(reader.pos - 2, 'array container values are not strictly ascending')
    values[k] = v
  }
  return values
}

function readBitmapContainer(reader: ByteReader): Container {
  reader.need(BITMAP_BYTES, 'a bitmap container')
  const words = new Uint32Array(2048)
  for (let k = 0; k < 2048; k++) words[k] = reader.u32()
  return { words, cardinality: popcount(words) }
}

function readRunContainer(reader: ByteReader): Container {
  const count = reader.u16()
  reader.need(4 * count, 'a run container')
  const words = new Uint32Array(2048)
  let next = 0
  for (let r = 0; r < count; r++) {
    const at = reader.pos
    const begin = reader.u16()
    const end = begin + reader.u16()
    if (begin < next || end > 0xffff)
      throw new RoaringBitmapFormatError(
        at,
        `run ${r} (${begin}..${end}) overlaps, is out of order or passes 65535`,
      )
    setRange(words, begin, end)
    next = end + 1
  }
  return normalized({ words, cardinality: popcount(words) })
}

function cardinalityOf(c: Container): number {
  return c instanceof Uint16Array ? c.length : c.cardinality
}

/** An array for at most 4096 values, else a bitmap: Roaring's rule, which the serialized form relies on. */
function normalized(c: Container): Container {
  if (c instanceof Uint16Array) {
    if (c.length <= ARRAY_MAX) return c
    const words = new Uint32Array(2048)
    for (const v of c) words[v >>> 5] = (words[v >>> 5] as number) | (1 << (v & 31))
    return { words, cardinality: c.length }
  }
  if (c.cardinality > ARRAY_MAX) return c
  const values = new Uint16Array(c.cardinality)
  let k = 0
  forEachLow(c, (v) => {
    values[k++] = v
  })
  return values
}

function unionOf(a: Container, b: Container): Container {
  if (a instanceof Uint16Array && b instanceof Uint16Array) {
    const out = new Uint16Array(a.length + b.length)
    let i = 0
    let j = 0
    let k = 0
    while (i < a.length || j < b.length) {
      const x = a[i]
      const y = b[j]
      if (y === undefined || (x !== undefined && x < y)) out[k++] = a[i++] as number
      else if (x === undefined || y < x) out[k++] = b[j++] as number
      else {
        out[k++] = x
        i++
        j++
      }
    }
    return normalized(out.subarray(0, k).slice())
  }
  const words = new Uint32Array(2048)
  for (const c of [a, b]) {
    if (c instanceof Uint16Array)
      for (const v of c) words[v >>> 5] = (words[v >>> 5] as number) | (1 << (v & 31))
    else for (let k = 0; k < 2048; k++) words[k] = (words[k] as number) | (c.words[k] as number)
  }
  return normalized({ words, cardinality: popcount(words) })
}

function containerHas(c: Container, low: number): boolean {
  if (c instanceof Uint16Array) return binarySearch(c, low) >= 0
  return (((c.words[low >>> 5] as number) >>> (low & 31)) & 1) === 1
}

/** Calls `fn` with each value of the container, ascending. */
function forEachLow(c: Container, fn: (low: number) => void): void {
  if (c instanceof Uint16Array) {
    for (const v of c) fn(v)
    return
  }
  for (let k = 0; k < 2048; k++) {
    let w = c.words[k] as number
    while (w !== 0) {
      const bit = 31 - Math.clz32(w & -w)
      fn(k * 32 + bit)
      w &= w - 1
    }
  }
}

/** The container's runs as flat [start, length - 1, ...] pairs, as run containers store them. */
function runsOf(c: Container): number[] {
  const runs: number[] = []
  let begin = -1
  let previous = -2
  forEachLow(c, (v) => {
    if (v !== previous + 1) {
      if (begin >= 0) runs.push(begin, previous - begin)
      begin = v
    }
    previous = v
  })
  if (begin >= 0) runs.push(begin, previous - begin)
  return runs
}

function setRange(words: Uint32Array, begin: number, end: number): void {
  for (let v = begin; v <= end; v++) words[v >>> 5] = (words[v >>> 5] as number) | (1 << (v & 31))
}

function lastBit(words: Uint32Array): number {
  for (let k = 2047; k >= 0; k--) {
    const w = words[k] as number
    if (w !== 0) return k * 32 + 31 - Math.clz32(w)
  }
  return -1
}

function popcount(words: Uint32Array): number {
  let count = 0
  for (const w of words) count += popcount32(w)
  return count
}

function popcount32(word: number): number {
  let w = word - ((word >>> 1) & 0x55555555)
  w = (w & 0x33333333) + ((w >>> 2) & 0x33333333)
  return (((w + (w >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24
}

/** Index of `value` in the ascending `sorted`, or -1. */
function binarySearch(sorted: ArrayLike<number>, value: number): number {
  let lo = 0
  let hi = sorted.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    const v = sorted[mid] as number
    if (v === value) return mid
    if (v < value) lo = mid + 1
    else hi = mid - 1
  }
  return -1
}
