import { crc32 } from 'node:zlib'
import { type FileIdentity, FileIndex } from './file-index.js'
import { IndexFileDamagedError } from './index-errors.js'
import { PackedStrings } from './packed-strings.js'

/**
 * The binary form of a FileIndex (little-endian). Header: magic `PFIX`, format version (u16), reserved (u16), the
 * data file's identity (path, size as f64, checksum, rows), the columns, the counts (distinct values, entries), the
 * body's length and CRC-32, then the header's own CRC-32. Body: each distinct value (ascending) with its entry
 * count, every entry's row position (u32), every entry's encoded primary key. Strings are u32 length + UTF-8.
 */
const MAGIC = 0x58494650 // 'PFIX' read as a little-endian u32
/** Bumped when the layout changes: an index file of another version is rebuilt. */
export const INDEX_FORMAT_VERSION = 1

/** A growable little-endian buffer (one allocation per doubling, strings encoded in place). */
class Writer {
  private buf = Buffer.allocUnsafe(1024)
  private at = 0
  private room(n: number): void {
    if (this.at + n <= this.buf.length) return
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n))
    this.buf.copy(next, 0, 0, this.at)
    this.buf = next
  }
  u16(n: number): void {
    this.room(2)
    this.at = this.buf.writeUInt16LE(n, this.at)
  }
  u32(n: number): void {
    this.room(4)
    this.at = this.buf.writeUInt32LE(n, this.at)
  }
  f64(n: number): void {
    this.room(8)
    this.at = this.buf.writeDoubleLE(n, this.at)
  }
  str(s: string): void {
    const n = Buffer.byteLength(s, 'utf8')
    this.room(4 + n)
    this.at = this.buf.writeUInt32LE(n, this.at)
    this.at += this.buf.write(s, this.at, n, 'utf8')
  }
  raw(bytes: Uint8Array): void {
    this.room(bytes.length)
    this.buf.set(bytes, this.at)
    this.at += bytes.length
  }
  bytes(): Uint8Array {
    return new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.at)
  }
}

class Reader {
  private at = 0
  private readonly buf: Buffer
  constructor(
    bytes: Uint8Array,
    private readonly fail: (detail: string) => Error,
  ) {
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }
  get offset(): number {
    return this.at
  }
  private need(n: number): void {
    if (this.at + n > this.buf.length) throw this.fail(`truncated at byte ${this.at}`)
  }
  u16(): number {
    this.need(2)
    const v = this.buf.readUInt16LE(this.at)
    this.at += 2
    return v
  }
  u32(): number {
    this.need(4)
    const v = this.buf.readUInt32LE(this.at)
    this.at += 4
    return v
  }
  f64(): number {
    this.need(8)
    const v = this.buf.readDoubleLE(this.at)
    this.at += 8
    return v
  }
  /** Where the next string's bytes start and end, skipping them (they are read later, from the same bytes). */
  span(): [number, number] {
    const n = this.u32()
    this.need(n)
    this.at += n
    return [this.at - n, this.at]
  }
  /** A string (its bytes are covered by a CRC checked before any is read). */
  str(): string {
    const n = this.u32()
    this.need(n)
    const s = this.buf.toString('utf8', this.at, this.at + n)
    this.at += n
    return s
  }
}

/** The bytes of an index file. */
export function encodeFileIndex(index: FileIndex): Uint8Array {
  const body = new Writer()
  for (let i = 0; i < index.values.length; i++) {
    body.str(index.values.at(i))
    body.u32((index.starts[i + 1] as number) - (index.starts[i] as number))
  }
  for (let i = 0; i < index.positions.length; i++) body.u32(index.positions[i] as number)
  for (let i = 0; i < index.keys.length; i++) body.str(index.keys.at(i))
  const bodyBytes = body.bytes()
  const head = new Writer()
  head.u32(MAGIC)
  head.u16(INDEX_FORMAT_VERSION)
  head.u16(0)
  const { path, size, checksum, rows } = index.identity
  head.str(path)
  head.f64(size)
  head.str(checksum)
  head.u32(rows)
  head.u16(index.columns.length)
  for (const c of index.columns) head.str(c)
  head.u32(index.values.length)
  head.u32(index.entries)
  head.u32(bodyBytes.length)
  head.u32(crc32(bodyBytes))
  const headBytes = head.bytes()
  const out = new Writer()
  out.raw(headBytes)
  out.u32(crc32(headBytes))
  out.raw(bodyBytes)
  return out.bytes()
}

/**
 * Parses an index file, checking everything: magic, version, both CRCs, lengths, ascending values, positions
 * within the file's rows. Throws IndexFileDamagedError (naming `path`) for anything else.
 */
export function decodeFileIndex(bytes: Uint8Array, path: string): FileIndex {
  const fail = (detail: string) => new IndexFileDamagedError(path, detail)
  const r = new Reader(bytes, fail)
  if (r.u32() !== MAGIC) throw fail('not an index file (bad magic)')
  const version = r.u16()
  if (version !== INDEX_FORMAT_VERSION)
    throw fail(`format version ${version}, expected ${INDEX_FORMAT_VERSION}`)
  r.u16()
  const identity: FileIdentity = { path: r.str(), size: r.f64(), checksum: r.str(), rows: r.u32() }
  const columns: string[] = []
  for (let n = r.u16(); n > 0; n--) columns.push(r.str())
  const distinct = r.u32()
  const entries = r.u32()
  const bodyLength = r.u32()
  const bodyCrc = r.u32()
  const headEnd = r.offset
  if (r.u32() !== crc32(bytes.subarray(0, headEnd))) throw fail('header checksum mismatch')
  const bodyStart = r.offset
  if (bytes.length !== bodyStart + bodyLength)
    throw fail(`${bytes.length} bytes, the header says ${bodyStart + bodyLength}`)
  if (crc32(bytes.subarray(bodyStart)) !== bodyCrc) throw fail('body checksum mismatch')
  if (entries > identity.rows || distinct > entries) throw fail('counts exceed the data file rows')
  // Values and keys stay in the file's bytes (packed strings); only the order check decodes each value once.
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const valueStarts = new Uint32Array(distinct)
  const valueEnds = new Uint32Array(distinct)
  const starts = new Uint32Array(distinct + 1)
  let total = 0
  let previous = ''
  for (let i = 0; i < distinct; i++) {
    const [from, to] = r.span()
    const value = text.toString('utf8', from, to)
    if (i > 0 && !(previous < value)) throw fail('values are not strictly ascending')
    previous = value
    valueStarts[i] = from
    valueEnds[i] = to
    starts[i] = total
    const n = r.u32()
    if (n === 0) throw fail('a value without entries')
    total += n
  }
  starts[distinct] = total
  if (total !== entries) throw fail(`entries add up to ${total}, the header says ${entries}`)
  const positions = new Uint32Array(entries)
  for (let i = 0; i < entries; i++) {
    const p = r.u32()
    if (p >= identity.rows) throw fail(`row position ${p} past the data file's ${identity.rows} rows`)
    positions[i] = p
  }
  const keyStarts = new Uint32Array(entries)
  const keyEnds = new Uint32Array(entries)
  for (let i = 0; i < entries; i++) {
    const [from, to] = r.span()
    keyStarts[i] = from
    keyEnds[i] = to
  }
  if (r.offset !== bytes.length) throw fail('trailing bytes after the body')
  return new FileIndex(
    identity,
    columns,
    new PackedStrings(bytes, valueStarts, valueEnds),
    starts,
    positions,
    new PackedStrings(bytes, keyStarts, keyEnds),
  )
}
