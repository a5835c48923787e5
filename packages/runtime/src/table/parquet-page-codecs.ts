import * as zlib from 'node:zlib'
import { snappyDecompress } from '../format/snappy.js'

/** Node's zstd decoder where it has one (Node >= 22.15 / 23.8); undefined on older Node. */
const zstdDecompress = (
  zlib as { zstdDecompressSync?: (input: Uint8Array, options: zlib.ZlibOptions) => Buffer }
).zstdDecompressSync

// parquet.thrift CompressionCodec.
const UNCOMPRESSED = 0
const SNAPPY = 1
const GZIP = 2
const ZSTD = 6

/** Whether this process can decompress pages of a codec (a reader falls back to polars where it cannot). */
export function canDecompress(codec: number): boolean {
  return codec === UNCOMPRESSED || codec === SNAPPY || codec === GZIP || (codec === ZSTD && !!zstdDecompress)
}

/** A page's bytes decompressed to `size` bytes; RangeError when the codec is unknown here or the size differs. */
export function decompressPage(codec: number, data: Uint8Array, size: number): Uint8Array {
  let out: Uint8Array
  // One output chunk of the page's size (plus room to see the end): zlib's default 16 KiB chunks cost a copy each.
  const chunk = { chunkSize: Math.max(size + 64, 64) }
  if (codec === UNCOMPRESSED) out = data
  else if (codec === SNAPPY) out = snappyDecompress(data)
  else if (codec === GZIP) out = zlib.gunzipSync(data, chunk)
  else if (codec === ZSTD && zstdDecompress) out = zstdDecompress(data, chunk)
  else throw new RangeError(`no decoder for Parquet codec ${codec}`)
  if (out.length !== size)
    throw new RangeError(`page decompressed to ${out.length} bytes, header says ${size}`)
  return out
}
