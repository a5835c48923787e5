import * as zlib from 'node:zlib'
import { Decompress as FzstdDecompress } from 'fzstd'
import { snappyDecompress } from '../format/snappy.js'

type Done = (error: Error | null, out: Buffer) => void

/** Node's zstd decoder where it has one (Node >= 22.15 / 23.8; thread pool), undefined on older Node. */
const zstdAsync = (
  zlib as { zstdDecompress?: (input: Uint8Array, options: zlib.ZlibOptions, done: Done) => void }
).zstdDecompress

// parquet.thrift CompressionCodec.
const UNCOMPRESSED = 0
const SNAPPY = 1
const GZIP = 2
const ZSTD = 6

/** Whether this process can decompress pages of a codec (a reader falls back to polars where it cannot). */
export function canDecompress(codec: number): boolean {
  return codec === UNCOMPRESSED || codec === SNAPPY || codec === GZIP || codec === ZSTD
}

/** The most memory a zstd frame without a declared size may ask for (a damaged window byte can ask for 2 GiB). */
const MAX_ZSTD_WINDOW = 64 * 1024 * 1024

/**
 * Checks what a zstd frame's header asks fzstd to allocate (RFC 8878 3.1.1.1): its declared content size must be
 * the page's, else its window bounded; RangeError otherwise.
 */
function checkZstdFrameHeader(data: Uint8Array, size: number): void {
  if (data.length < 6 || data[0] !== 0x28 || data[1] !== 0xb5 || data[2] !== 0x2f || data[3] !== 0xfd)
    throw new RangeError('zstd page without a frame magic number')
  const descriptor = data[4] as number
  const singleSegment = (descriptor >> 5) & 1
  const sizeFlag = descriptor >> 6
  const sizeBytes = sizeFlag ? 1 << sizeFlag : singleSegment
  const at = 5 + (singleSegment ? 0 : 1) + ((descriptor & 3) === 3 ? 4 : descriptor & 3)
  if (at + sizeBytes > data.length) throw new RangeError('zstd frame header past the page end')
  if (sizeBytes > 0) {
    let declared = 0
    for (let i = sizeBytes - 1; i >= 0; i--) declared = declared * 256 + (data[at + i] as number)
    if (sizeFlag === 1) declared += 256
    if (declared !== size)
      throw new RangeError(`zstd frame holds ${declared} bytes, the page header says ${size}`)
    return
  }
  const exponent = (data[5] as number) >> 3
  const base = 2 ** (10 + exponent)
  const window = base + (base / 8) * ((data[5] as number) & 7)
  if (window > Math.max(MAX_ZSTD_WINDOW, size))
    throw new RangeError(`zstd frame asks for a ${window}-byte window for a ${size}-byte page`)
}

/**
 * zstd in JS (fzstd) where node:zlib has none (Node < 22.15). fzstd allocates what the frame header asks, so that is
 * checked first; its stream decoder says how many bytes each block holds (its one-shot call returns the whole
 * allocation, which hides a frame that ends early). Any decoding failure is a RangeError like the other codecs'.
 */
function zstdInJs(data: Uint8Array, size: number): Uint8Array {
  checkZstdFrameHeader(data, size)
  const out = new Uint8Array(size)
  let length = 0
  const decoder = new FzstdDecompress((block) => {
    if (length + block.length > size)
      throw new RangeError(`page decompressed to more than the ${size} bytes its header says`)
    out.set(block, length)
    length += block.length
  })
  try {
    decoder.push(data, true)
  } catch (error) {
    if (error instanceof RangeError) throw error
    throw new RangeError(`zstd page does not decode: ${(error as Error).message}`, { cause: error })
  }
  return length === size ? out : out.subarray(0, length)
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
 * A page's bytes decompressed to `size` bytes (zstd and gzip on zlib's thread pool, so a row's pages decompress in
 * parallel; zstd in JS where zlib lacks it); RangeError when the codec is unknown here, the bytes do not decode or
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
  else if (codec === ZSTD) out = zstdAsync ? await pooled(zstdAsync, data, chunk) : zstdInJs(data, size)
  else throw new RangeError(`no decoder for Parquet codec ${codec}`)
  if (out.length !== size)
    throw new RangeError(`page decompressed to ${out.length} bytes, header says ${size}`)
  return out
}
