import { endianness } from 'node:os'
import { crc32 } from 'node:zlib'
import type { FileIdentity } from '../secondary-index/file-index.js'
import { IndexFileDamagedError } from '../secondary-index/index-errors.js'
import { indexFilePath } from '../secondary-index/index-files.js'
import { KeyPositionIndex } from './key-position-index.js'

/*
 * The persisted form of a KeyPositionIndex, beside the secondary indexes (same folder, naming, atomic write and
 * vacuum sweep: index-files.ts), little-endian. Header: magic `PFKX`, format version (u16), reserved (u16), the
 * data file's identity (path, size as f64, checksum, rows), the key columns, the entry count, the body's CRC-32,
 * then the header's own CRC-32. Body: every hash (u32, ascending), then every row position (u32). Strings are
 * u32 length + UTF-8. Unlike a secondary index (sorted values and keys as text, decoded whole) it holds no text:
 * a process that opens a table to find one key loads it in a few milliseconds at a million rows.
 */
const MAGIC = 0x584b4650 // 'PFKX' read as a little-endian u32
/** Bumped when the layout changes: a key index file of another version is rebuilt. */
export const KEY_INDEX_FORMAT_VERSION = 1
/** Marks the primary key's index among a data file's index files (`%40key+<columns>`: never a group's name). */
const KEY_MARK = '@key'

/** Where the primary key index of a data file (table-relative, `/`-separated) lives. */
export function keyIndexFilePath(tablePath: string, dataPath: string, columns: readonly string[]): string {
  return indexFilePath(tablePath, dataPath, [KEY_MARK, ...columns])
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

/** The bytes of a key index file. */
export function encodeKeyPositionIndex(index: KeyPositionIndex): Uint8Array {
  const n = index.hashes.length
  const body = Buffer.allocUnsafe(8 * n)
  for (let i = 0; i < n; i++) body.writeUInt32LE(index.hashes[i] as number, 4 * i)
  for (let i = 0; i < n; i++) body.writeUInt32LE(index.positions[i] as number, 4 * (n + i))
  const { path, size, checksum, rows } = index.identity
  const sizeBytes = Buffer.allocUnsafe(8)
  sizeBytes.writeDoubleLE(size)
  const counts = Buffer.allocUnsafe(2)
  counts.writeUInt16LE(index.columns.length)
  const head = Buffer.concat([
    u32(MAGIC),
    Buffer.from([KEY_INDEX_FORMAT_VERSION & 0xff, KEY_INDEX_FORMAT_VERSION >> 8, 0, 0]),
    str(path),
    sizeBytes,
    str(checksum),
    u32(rows),
    counts,
    ...index.columns.map(str),
    u32(n),
    u32(crc32(body)),
  ])
  return Buffer.concat([head, u32(crc32(head)), body])
}

/** Reads u32s at a byte offset into an aligned array (a copy: the file's bytes need not be aligned). */
function u32s(bytes: Uint8Array, offset: number, n: number): Uint32Array {
  const out = new Uint32Array(n)
  if (endianness() === 'LE') {
    new Uint8Array(out.buffer).set(bytes.subarray(offset, offset + 4 * n))
    return out
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  for (let i = 0; i < n; i++) out[i] = view.getUint32(offset + 4 * i, true)
  return out
}

/**
 * Parses a key index file, checking magic, version, both CRCs, the length, ascending hashes and positions within
 * the file's rows. Throws IndexFileDamagedError (naming `path`) for anything else.
 */
export function decodeKeyPositionIndex(bytes: Uint8Array, path: string): KeyPositionIndex {
  const fail = (detail: string) => new IndexFileDamagedError(path, detail)
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let at = 0
  const need = (n: number) => {
    if (at + n > buf.length) throw fail(`truncated at byte ${at}`)
  }
  const readU32 = () => {
    need(4)
    at += 4
    return buf.readUInt32LE(at - 4)
  }
  const readStr = () => {
    const n = readU32()
    need(n)
    at += n
    return buf.toString('utf8', at - n, at)
  }
  if (readU32() !== MAGIC) throw fail('not a key index file (bad magic)')
  need(4)
  const version = buf.readUInt16LE(at)
  at += 4
  if (version !== KEY_INDEX_FORMAT_VERSION)
    throw fail(`format version ${version}, expected ${KEY_INDEX_FORMAT_VERSION}`)
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
  const bodyCrc = readU32()
  const headEnd = at
  if (readU32() !== crc32(buf.subarray(0, headEnd))) throw fail('header checksum mismatch')
  if (buf.length !== at + 8 * n) throw fail(`${buf.length} bytes, the header says ${at + 8 * n}`)
  if (crc32(buf.subarray(at)) !== bodyCrc) throw fail('body checksum mismatch')
  if (n !== identity.rows) throw fail(`${n} entries for a data file of ${identity.rows} rows`)
  const hashes = u32s(buf, at, n)
  const positions = u32s(buf, at + 4 * n, n)
  for (let i = 1; i < n; i++)
    if ((hashes[i - 1] as number) > (hashes[i] as number)) throw fail('hashes not ascending')
  for (let i = 0; i < n; i++)
    if ((positions[i] as number) >= n) throw fail(`row position past the file's ${n} rows`)
  return new KeyPositionIndex(identity, columns, hashes, positions)
}
