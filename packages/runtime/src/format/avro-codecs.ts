import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib'
import { FormatError } from '../errors/pf-error.js'
import { snappyCompress, snappyDecompress } from './snappy.js'
import type { Codec } from './storage-format.js'
import { decodeZstdFrame } from './zstd-frame.js'

/** The Avro block codecs this runtime reads and writes. */
export type AvroCodec = 'null' | 'deflate' | 'snappy'

export const AVRO_CODECS: readonly AvroCodec[] = ['null', 'deflate', 'snappy']

/** Maps a frame-layer codec to an Avro codec: undefined/null/uncompressed → null. Default is null. */
export function avroCodec(codec: Codec | undefined, path: string): AvroCodec {
  if (codec === undefined || codec === 'null' || codec === 'uncompressed') return 'null'
  if (codec === 'deflate' || codec === 'snappy') return codec
  throw new FormatError(`Codec "${codec}" is not available for Avro (${path}). Use null, deflate or snappy.`)
}

/** Compresses one block's bytes. Snappy blocks carry a 4-byte big-endian CRC32 of the uncompressed data. */
export function compressBlock(codec: AvroCodec, data: Uint8Array): Uint8Array {
  if (codec === 'null') return data
  if (codec === 'deflate') return deflateRawSync(data)
  const compressed = snappyCompress(data)
  const out = Buffer.allocUnsafe(compressed.length + 4)
  out.set(compressed, 0)
  out.writeUInt32BE(crc32(data) >>> 0, compressed.length)
  return out
}

/** Codecs read but not written: `zstandard` (Java's ZstandardCodec: one zstd frame per block, decoded and checked by zstd-frame.ts). */
export const AVRO_READ_ONLY_CODECS: readonly string[] = ['zstandard']

/** Decompresses one block's bytes; throws on a codec it does not know, a checksum mismatch or a damaged zstd frame. */
export function decompressBlock(codec: string, data: Uint8Array): Uint8Array {
  if (codec === 'null') return data
  if (codec === 'deflate') return inflateRawSync(data)
  if (codec === 'snappy') {
    if (data.length < 4) throw new Error('snappy block shorter than its checksum')
    const out = snappyDecompress(data.subarray(0, data.length - 4))
    const expected = Buffer.from(data.buffer, data.byteOffset + data.length - 4, 4).readUInt32BE(0)
    if (crc32(out) >>> 0 !== expected) throw new Error('snappy block checksum mismatch')
    return out
  }
  if (codec === 'zstandard') return decodeZstdFrame(data)
  throw new Error(
    `unsupported Avro codec "${codec}" (supported: ${[...AVRO_CODECS, ...AVRO_READ_ONLY_CODECS].join(', ')})`,
  )
}
