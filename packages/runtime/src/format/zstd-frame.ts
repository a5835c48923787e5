import * as zlib from 'node:zlib'
import { Decompress as FzstdDecompress } from 'fzstd'

/**
 * One zstd frame decoded, checked (RFC 8878): used by Parquet pages (size from the page header) and Avro `zstandard`
 * blocks (no size outside the frame). Every failure is a RangeError; never zero-padded or partial bytes.
 */

type ZstdSync = (input: Uint8Array, options: zlib.ZlibOptions) => Buffer

/** Node's zstd decoder where it has one (Node >= 22.15 / 23.8), undefined on older Node. */
const nodeZstd = zlib as { zstdDecompressSync?: ZstdSync }

/** The most memory a zstd frame without a declared size may ask for (a damaged window byte can ask for 2 GiB). */
const MAX_ZSTD_WINDOW = 64 * 1024 * 1024

/** The most bytes a frame may decode to when neither the caller nor the frame says its size. Default is 256 MiB. */
export const MAX_UNDECLARED_ZSTD_BYTES = 256 * 1024 * 1024

/** What a frame may decode to: `exact` when the caller or the frame header says it, else at most `limit`. */
interface FrameBound {
  readonly exact: number | undefined
  readonly limit: number
}

/**
 * Checks what a frame's header asks a decoder to allocate: its declared content size must be `size` (when the caller
 * knows it), else its window bounded. Returns the output bound both decoders enforce.
 */
function checkFrameHeader(data: Uint8Array, size: number | undefined): FrameBound {
  if (data.length < 6 || data[0] !== 0x28 || data[1] !== 0xb5 || data[2] !== 0x2f || data[3] !== 0xfd)
    throw new RangeError('zstd data without a frame magic number')
  const descriptor = data[4] as number
  if (descriptor & 0x08) throw new RangeError('zstd frame header has its reserved bit set')
  const singleSegment = (descriptor >> 5) & 1
  const sizeFlag = descriptor >> 6
  const sizeBytes = sizeFlag ? 1 << sizeFlag : singleSegment
  const at = 5 + (singleSegment ? 0 : 1) + ((descriptor & 3) === 3 ? 4 : descriptor & 3)
  if (at + sizeBytes > data.length) throw new RangeError('zstd frame header past the end of the data')
  if (sizeBytes > 0) {
    let declared = 0
    for (let i = sizeBytes - 1; i >= 0; i--) declared = declared * 256 + (data[at + i] as number)
    if (sizeFlag === 1) declared += 256
    if (size !== undefined && declared !== size)
      throw new RangeError(`zstd frame holds ${declared} bytes, the header outside it says ${size}`)
    if (declared > Math.max(MAX_UNDECLARED_ZSTD_BYTES, size ?? 0))
      throw new RangeError(
        `zstd frame declares ${declared} bytes, more than the ${MAX_UNDECLARED_ZSTD_BYTES} allowed`,
      )
    return { exact: declared, limit: declared }
  }
  const exponent = (data[5] as number) >> 3
  const base = 2 ** (10 + exponent)
  const window = base + (base / 8) * ((data[5] as number) & 7)
  if (window > Math.max(MAX_ZSTD_WINDOW, size ?? 0))
    throw new RangeError(`zstd frame asks for a ${window}-byte window (at most ${MAX_ZSTD_WINDOW})`)
  return { exact: size, limit: size ?? MAX_UNDECLARED_ZSTD_BYTES }
}

/** The decoded bytes once both decoders are done: exactly `exact` bytes when it is known. */
function checked(out: Uint8Array, bound: FrameBound): Uint8Array {
  if (bound.exact !== undefined && out.length !== bound.exact)
    throw new RangeError(`zstd frame decoded to ${out.length} bytes, expected ${bound.exact}`)
  return out
}

/**
 * A single-segment frame's header rewritten with a 4-byte content size and a window of at least 128 KiB (the largest
 * block): fzstd sizes a single-segment frame's block buffer by the declared size and silently clips a block that
 * decodes to more, so a damaged smaller size would lose bytes unseen; with this window the excess reaches the check.
 */
function withWindow(data: Uint8Array): Uint8Array {
  const descriptor = data[4] as number
  const sizeFlag = descriptor >> 6
  const sizeBytes = sizeFlag ? 1 << sizeFlag : 1
  const dictionaryBytes = (descriptor & 3) === 3 ? 4 : descriptor & 3
  const at = 5 + dictionaryBytes
  let declared = 0
  for (let i = sizeBytes - 1; i >= 0; i--) declared = declared * 256 + (data[at + i] as number)
  if (sizeFlag === 1) declared += 256
  const exponent = Math.max(17, Math.ceil(Math.log2(Math.max(declared, 1))))
  const header = Buffer.alloc(6 + dictionaryBytes + 4)
  header.set(data.subarray(0, 4), 0)
  header[4] = (2 << 6) | (descriptor & 0x07) // 4-byte content size, not single-segment, same checksum and dictionary
  header[5] = (exponent - 10) << 3
  header.set(data.subarray(5, at), 6)
  header.writeUInt32LE(declared, 6 + dictionaryBytes)
  return Buffer.concat([header, data.subarray(at + sizeBytes)])
}

/**
 * zstd in JS (fzstd) where node:zlib has none. fzstd's stream decoder says how many bytes each block holds (its
 * one-shot call returns the whole allocation zero-padded, which hides a frame that ends early).
 */
function decodeInJs(data: Uint8Array, bound: FrameBound): Uint8Array {
  const frame = (data[4] as number) & 0x20 ? withWindow(data) : data
  const chunks: Uint8Array[] = []
  let length = 0
  const decoder = new FzstdDecompress((block) => {
    if (length + block.length > bound.limit)
      throw new RangeError(`zstd frame decodes to more than ${bound.limit} bytes`)
    chunks.push(block)
    length += block.length
  })
  try {
    decoder.push(frame, true)
  } catch (error) {
    if (error instanceof RangeError) throw error
    throw new RangeError(`zstd frame does not decode: ${(error as Error).message}`, { cause: error })
  }
  return checked(chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks, length), bound)
}

/** zlib's options for a bound: one output chunk of the known size (its 16 KiB default costs a copy each). */
function zlibOptions(bound: FrameBound): zlib.ZlibOptions {
  const options: zlib.ZlibOptions = { maxOutputLength: Math.max(bound.limit, 1) }
  if (bound.exact !== undefined) options.chunkSize = Math.max(bound.exact + 64, 64)
  return options
}

/** zlib's failures (truncated input, output past the bound) as the RangeError this module promises. */
function zlibFailure(error: unknown): RangeError {
  if (error instanceof RangeError) return error
  return new RangeError(`zstd frame does not decode: ${(error as Error).message}`, { cause: error })
}

/**
 * Decodes one zstd frame; `size` is the decoded size when the caller knows it, else the frame's declared content
 * size or at most {@link MAX_UNDECLARED_ZSTD_BYTES}. RangeError for a damaged, truncated or oversized frame.
 */
export function decodeZstdFrame(data: Uint8Array, size?: number): Uint8Array {
  const bound = checkFrameHeader(data, size)
  if (!nodeZstd.zstdDecompressSync) return decodeInJs(data, bound)
  try {
    return checked(nodeZstd.zstdDecompressSync(data, zlibOptions(bound)), bound)
  } catch (error) {
    throw zlibFailure(error)
  }
}
