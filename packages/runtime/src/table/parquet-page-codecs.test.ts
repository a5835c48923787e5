// Page decompression on every supported Node (zstd through node:zlib where it has it, else in JS): exact bytes, and
// a frame that does not hold the page's bytes is a RangeError (the decoder's "no answer"), never other bytes.
import pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
import { ThriftCompactReader, type ThriftStruct } from '../format/thrift-compact-reader.js'
import { decompressPage } from './parquet-page-codecs.js'

const ZSTD = 6

/** A zstd frame of raw (stored) blocks: `declared` content size (8 bytes) or none, then a window descriptor. */
function rawFrame(blocks: readonly Uint8Array[], declared?: number, windowByte = 0x58): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd)]
  if (declared === undefined) parts.push(Uint8Array.of(0x00, windowByte))
  else {
    const size = Buffer.alloc(8)
    size.writeBigUInt64LE(BigInt(declared))
    parts.push(Uint8Array.of(0xe0), size) // single segment, 8-byte content size
  }
  blocks.forEach((block, i) => {
    const header = (block.length << 3) | (i === blocks.length - 1 ? 1 : 0)
    parts.push(Uint8Array.of(header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff), block)
  })
  return Buffer.concat(parts)
}

/** The compressed pages (and their sizes) of a polars-written zstd file: what pf's tables hold. */
function polarsZstdPages(): { data: Uint8Array; size: number }[] {
  const rows = 50_000
  const df = pl.DataFrame({
    id: pl.Series(
      'id',
      Array.from({ length: rows }, (_, i) => BigInt(i)),
      pl.Int64,
    ),
    name: Array.from({ length: rows }, (_, i) => `person ${(i * 7_919) % rows}`),
  })
  const bytes = df.writeParquet({ compression: 'zstd' })
  const n = bytes.length
  const length = bytes.readUInt32LE(n - 8)
  const meta = new ThriftCompactReader(bytes.subarray(n - 8 - length, n - 8)).readStruct()
  const pages: { data: Uint8Array; size: number }[] = []
  for (const group of meta.get(4) as ThriftStruct[])
    for (const chunk of group.get(1) as ThriftStruct[]) {
      const column = chunk.get(3) as ThriftStruct
      const dictionary = column.get(11) as bigint | undefined
      let at = Number(dictionary !== undefined && dictionary > 0n ? dictionary : (column.get(9) as bigint))
      const end = at + Number(column.get(7) as bigint)
      while (at < end) {
        const reader = new ThriftCompactReader(bytes.subarray(at, end))
        const header = reader.readStruct()
        const compressed = Number(header.get(3))
        at += reader.offset
        pages.push({ data: bytes.subarray(at, at + compressed), size: Number(header.get(2)) })
        at += compressed
      }
    }
  return pages
}

describe('decompressing a Parquet page', () => {
  // Their values are checked against DuckDB in parquet-row-decoder.test.ts; here every page of a file, whole.
  it('decodes every zstd page of a polars file to the size its page header says', () => {
    const pages = polarsZstdPages()
    expect(pages.length).toBeGreaterThan(2)
    for (const { data, size } of pages) {
      // Synchronous (no promise): a point read's pages cost no stream or thread-pool round trip each.
      const out = decompressPage({ codec: ZSTD, data, size })
      expect(out).toBeInstanceOf(Uint8Array)
      expect(out.length).toBe(size)
    }
  })

  it('decodes a valid frame of several raw blocks exactly, with or without a declared size', () => {
    const a = Uint8Array.from({ length: 300 }, (_, i) => i % 251)
    const b = Uint8Array.from({ length: 77 }, (_, i) => 255 - i)
    const whole = Buffer.concat([a, b])
    for (const frame of [rawFrame([a, b]), rawFrame([a, b], whole.length)])
      expect(Buffer.from(decompressPage({ codec: ZSTD, data: frame, size: whole.length }))).toEqual(whole)
  })

  it('refuses a frame that ends before the bytes it declares (no zero-filled page)', () => {
    const block = Uint8Array.from({ length: 40 }, (_, i) => i + 1)
    const short = rawFrame([block], 64)
    expect(() => decompressPage({ codec: ZSTD, data: short, size: 64 })).toThrow(Error)
    // The same bytes without a declared size: 40 bytes where the page header says 64.
    expect(() => decompressPage({ codec: ZSTD, data: rawFrame([block]), size: 64 })).toThrow(Error)
  })

  it('refuses a frame declaring more or fewer bytes than the page, a damaged magic number and a huge window', () => {
    const block = Uint8Array.from({ length: 40 }, (_, i) => i)
    expect(() => decompressPage({ codec: ZSTD, data: rawFrame([block], 40), size: 39 })).toThrow(Error)
    expect(() => decompressPage({ codec: ZSTD, data: rawFrame([block], 2 ** 40), size: 40 })).toThrow(Error)
    const magic = rawFrame([block], 40)
    magic[1] = (magic[1] as number) ^ 0x10
    expect(() => decompressPage({ codec: ZSTD, data: magic, size: 40 })).toThrow(Error)
    // Window exponent 30 (1 GiB) for a 40-byte page: refused before anything that size is allocated.
    expect(() => decompressPage({ codec: ZSTD, data: rawFrame([block], undefined, 0xf0), size: 40 })).toThrow(
      Error,
    )
  })
})
