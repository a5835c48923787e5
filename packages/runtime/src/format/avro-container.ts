import { randomBytes } from 'node:crypto'
import type { AvroCodec } from './avro-codecs.js'
import { compressBlock, decompressBlock } from './avro-codecs.js'

/**
 * Avro object container files (spec "Object Container Files"): a header (magic, metadata map with the
 * schema and codec, 16-byte sync marker) followed by blocks of (record count, byte size, data, sync).
 * Framing only: record encoding is someone else's job.
 */

const MAGIC = Buffer.from([0x4f, 0x62, 0x6a, 0x01]) // "Obj" 1
const SYNC_SIZE = 16

/** Thrown when the bytes are not a well-formed container file (callers add the file name). */
export class AvroContainerError extends Error {}

export interface AvroContainerHeader {
  /** The writer's schema, as JSON text. */
  readonly schemaJson: string
  readonly codec: string
  readonly sync: Buffer
  readonly meta: ReadonlyMap<string, Buffer>
}

export interface AvroBlock {
  readonly count: number
  /** Uncompressed record bytes. */
  readonly data: Uint8Array
}

/** Zig-zag varint encoding of an Avro long (safe integers only). */
function encodeLong(n: number): Buffer {
  const bytes: number[] = []
  let z = n >= 0 ? n * 2 : -n * 2 - 1
  while (z >= 0x80) {
    bytes.push((z % 0x80) | 0x80)
    z = Math.floor(z / 0x80)
  }
  bytes.push(z)
  return Buffer.from(bytes)
}

/** A forward-only reader over container bytes that reports truncation as a typed error. */
class ContainerCursor {
  pos: number
  constructor(
    readonly buf: Buffer,
    pos = 0,
  ) {
    this.pos = pos
  }
  get done(): boolean {
    return this.pos >= this.buf.length
  }
  long(): number {
    let z = 0
    let factor = 1
    for (;;) {
      if (this.pos >= this.buf.length) throw new AvroContainerError('truncated file (in a length)')
      const byte = this.buf[this.pos++]!
      z += (byte & 0x7f) * factor
      if (byte < 0x80) break
      factor *= 0x80
      if (factor > 2 ** 63) throw new AvroContainerError('malformed varint')
    }
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2
  }
  bytes(n: number): Buffer {
    if (n < 0 || this.pos + n > this.buf.length)
      throw new AvroContainerError('truncated file (data ends early)')
    const out = this.buf.subarray(this.pos, this.pos + n)
    this.pos += n
    return out
  }
}

/** Reads the header; returns it with the offset of the first block. */
export function readContainerHeader(buf: Buffer): { header: AvroContainerHeader; offset: number } {
  if (buf.length < MAGIC.length || !buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new AvroContainerError('not an Avro object container file (bad magic bytes)')
  }
  const cursor = new ContainerCursor(buf, MAGIC.length)
  const meta = new Map<string, Buffer>()
  for (;;) {
    let count = cursor.long()
    if (count === 0) break
    if (count < 0) {
      count = -count
      cursor.long() // block size in bytes, not needed
    }
    for (let i = 0; i < count; i++) {
      const key = cursor.bytes(cursor.long()).toString('utf8')
      meta.set(key, Buffer.from(cursor.bytes(cursor.long())))
    }
  }
  const sync = Buffer.from(cursor.bytes(SYNC_SIZE))
  const schema = meta.get('avro.schema')
  if (!schema) throw new AvroContainerError('header has no avro.schema')
  const codec = meta.get('avro.codec')?.toString('utf8') || 'null'
  return { header: { schemaJson: schema.toString('utf8'), codec, sync, meta }, offset: cursor.pos }
}

/** The blocks after the header as stored (compressed); checks the structure and every sync marker. */
function* storedBlocks(
  buf: Buffer,
  header: AvroContainerHeader,
  offset: number,
): Generator<{ count: number; raw: Buffer }> {
  const cursor = new ContainerCursor(buf, offset)
  while (!cursor.done) {
    const count = cursor.long()
    const raw = cursor.bytes(cursor.long())
    if (!cursor.bytes(SYNC_SIZE).equals(header.sync))
      throw new AvroContainerError('sync marker mismatch (corrupt block)')
    yield { count, raw }
  }
}

/** The blocks after the header, decompressed; checks every sync marker; a block that does not decompress is named by its index. */
export function* readContainerBlocks(
  buf: Buffer,
  header: AvroContainerHeader,
  offset: number,
): Generator<AvroBlock> {
  let index = 0
  for (const { count, raw } of storedBlocks(buf, header, offset)) {
    let data: Uint8Array
    try {
      data = decompressBlock(header.codec, raw)
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause)
      throw new AvroContainerError(`block ${index} (${header.codec}): ${message}`, { cause })
    }
    index++
    yield { count, data }
  }
}

/** Records in the file, from the block headers (nothing is decompressed); checks the structure and every sync marker. */
export function countContainerRecords(buf: Buffer, header: AvroContainerHeader, offset: number): number {
  let records = 0
  for (const { count } of storedBlocks(buf, header, offset)) records += count
  return records
}

/** Writes container bytes: header, then one block per chunk of encoded records, compressed with `codec`. */
export class AvroContainerWriter {
  private readonly parts: Uint8Array[] = []
  private readonly sync = randomBytes(SYNC_SIZE)

  constructor(
    schemaJson: string,
    private readonly codec: AvroCodec,
  ) {
    const entries: [string, Buffer][] = [
      ['avro.schema', Buffer.from(schemaJson, 'utf8')],
      ['avro.codec', Buffer.from(codec, 'utf8')],
    ]
    this.parts.push(MAGIC, encodeLong(entries.length))
    for (const [key, value] of entries) {
      const k = Buffer.from(key, 'utf8')
      this.parts.push(encodeLong(k.length), k, encodeLong(value.length), value)
    }
    this.parts.push(encodeLong(0), this.sync)
  }

  /** Appends one block of `count` records whose encoded bytes are `data`. */
  block(count: number, data: Uint8Array): void {
    if (count === 0) return
    const compressed = compressBlock(this.codec, data)
    this.parts.push(encodeLong(count), encodeLong(compressed.length), compressed, this.sync)
  }

  /** The whole file. */
  bytes(): Buffer {
    return Buffer.concat(this.parts)
  }
}
