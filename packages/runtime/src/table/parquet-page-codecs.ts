import * as zlib from 'node:zlib'
import { snappyDecompress } from '../format/snappy.js'
import { decodeZstdFrameAsync } from '../format/zstd-frame.js'

type Done = (error: Error | null, out: Buffer) => void

// parquet.thrift CompressionCodec.
const UNCOMPRESSED = 0
const SNAPPY = 1
const GZIP = 2
const ZSTD = 6

/** Whether this process can decompress pages of a codec (a reader falls back to polars where it cannot). */
export function canDecompress(codec: number): boolean {
  return codec === UNCOMPRESSED || codec === SNAPPY || codec === GZIP || codec === ZSTD
}

/** Runs one of zlib's async codecs (on the thread pool). */
function pooled(
  run: (input: Uint8Array, options: zlib.ZlibOptions, done: Done) => void,
  data: Uint8Array,
  options: zlib.ZlibOptions,
): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    run(data, options, (error, out) => (error ? reject(error) : resolve(out))),
  )
}

/**
 * A page's bytes decompressed to `size` bytes (gzip and zstd on zlib's thread pool, so a row's pages decompress in
 * parallel; zstd checked in format/zstd-frame.ts); RangeError when the codec is unknown here, the bytes do not decode or
 * the size differs.
 */
export async function decompressPage(page: {
  readonly codec: number
  readonly data: Uint8Array
  readonly size: number
}): Promise<Uint8Array> {
  const { codec, data, size } = page
  let out: Uint8Array
  // One output chunk of the page's size (plus room to see the end): zlib's default 16 KiB chunks cost a copy each.
  const chunk = { chunkSize: Math.max(size + 64, 64) }
  if (codec === UNCOMPRESSED) out = data
  else if (codec === SNAPPY) out = snappyDecompress(data)
  else if (codec === GZIP) out = await pooled(zlib.gunzip, data, chunk)
  else if (codec === ZSTD) out = await decodeZstdFrameAsync(data, size)
  else throw new RangeError(`no decoder for Parquet codec ${codec}`)
  if (out.length !== size)
    throw new RangeError(`page decompressed to ${out.length} bytes, header says ${size}`)
  return out
}
