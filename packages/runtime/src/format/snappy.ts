/**
 * Snappy raw block format (https://github.com/google/snappy/blob/main/format_description.txt) in plain
 * TypeScript: no native package is installed, and Avro's snappy codec needs nothing more than blocks.
 * The compressor follows the reference algorithm (64 KiB fragments, hash of 4-byte sequences).
 */

const FRAGMENT_SIZE = 65_536
const MAX_HASH_TABLE_BITS = 14
const INPUT_MARGIN = 15

/** Thrown for bytes that are not a valid snappy block. */
export class SnappyError extends Error {}

function load32(a: Uint8Array, i: number): number {
  return a[i]! | (a[i + 1]! << 8) | (a[i + 2]! << 16) | (a[i + 3]! << 24) | 0
}

function hash(key: number, shift: number): number {
  return Math.imul(key, 0x1e35a7bd) >>> shift
}

function emitLiteral(input: Uint8Array, from: number, length: number, out: Uint8Array, op: number): number {
  const n = length - 1
  if (n < 60) {
    out[op++] = n << 2
  } else if (n < 256) {
    out[op++] = 60 << 2
    out[op++] = n
  } else {
    out[op++] = 61 << 2
    out[op++] = n & 0xff
    out[op++] = n >>> 8
  }
  out.set(input.subarray(from, from + length), op)
  return op + length
}

function emitCopyUpTo64(out: Uint8Array, op: number, offset: number, length: number): number {
  if (length < 12 && offset < 2048) {
    out[op++] = 1 | ((length - 4) << 2) | ((offset >>> 8) << 5)
    out[op++] = offset & 0xff
  } else {
    out[op++] = 2 | ((length - 1) << 2)
    out[op++] = offset & 0xff
    out[op++] = offset >>> 8
  }
  return op
}

function emitCopy(out: Uint8Array, op: number, offset: number, length: number): number {
  let rest = length
  while (rest >= 68) {
    op = emitCopyUpTo64(out, op, offset, 64)
    rest -= 64
  }
  if (rest > 64) {
    op = emitCopyUpTo64(out, op, offset, 60)
    rest -= 60
  }
  return emitCopyUpTo64(out, op, offset, rest)
}

function compressFragment(
  input: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  op: number,
  table: Int32Array,
): number {
  const size = end - start
  let bits = 1
  while (1 << bits <= size && bits <= MAX_HASH_TABLE_BITS) bits++
  bits--
  const shift = 32 - bits
  table.fill(0, 0, 1 << bits)
  let nextEmit = start
  if (size >= INPUT_MARGIN) {
    const ipLimit = end - INPUT_MARGIN
    let ip = start + 1
    let nextHash = hash(load32(input, ip), shift)
    outer: for (;;) {
      let skip = 32
      let nextIp = ip
      let candidate = start
      do {
        ip = nextIp
        const h = nextHash
        nextIp = ip + (skip >>> 5)
        skip++
        if (ip > ipLimit) break outer
        nextHash = hash(load32(input, nextIp), shift)
        candidate = start + table[h]!
        table[h] = ip - start
      } while (load32(input, ip) !== load32(input, candidate))
      op = emitLiteral(input, nextEmit, ip - nextEmit, out, op)
      do {
        const base = ip
        let matched = 4
        while (ip + matched < end && input[ip + matched] === input[candidate + matched]) matched++
        ip += matched
        op = emitCopy(out, op, base - candidate, matched)
        nextEmit = ip
        if (ip >= ipLimit) break outer
        table[hash(load32(input, ip - 1), shift)] = ip - 1 - start
        const h = hash(load32(input, ip), shift)
        candidate = start + table[h]!
        table[h] = ip - start
      } while (load32(input, ip) === load32(input, candidate))
      ip++
      nextHash = hash(load32(input, ip), shift)
    }
  }
  if (nextEmit < end) op = emitLiteral(input, nextEmit, end - nextEmit, out, op)
  return op
}

/** Compresses `input` into one snappy block. */
export function snappyCompress(input: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(32 + input.length + Math.floor(input.length / 6))
  let op = 0
  for (let n = input.length; ; ) {
    if (n < 0x80) {
      out[op++] = n
      break
    }
    out[op++] = (n & 0x7f) | 0x80
    n = Math.floor(n / 128)
  }
  const table = new Int32Array(1 << MAX_HASH_TABLE_BITS)
  for (let pos = 0; pos < input.length; pos += FRAGMENT_SIZE) {
    op = compressFragment(input, pos, Math.min(pos + FRAGMENT_SIZE, input.length), out, op, table)
  }
  return out.subarray(0, op)
}

/** Decompresses one snappy block; throws {@link SnappyError} on malformed or truncated input. */
export function snappyDecompress(input: Uint8Array): Buffer {
  let pos = 0
  let length = 0
  for (let factor = 1; ; factor *= 128) {
    if (pos >= input.length || factor > 2 ** 35) throw new SnappyError('snappy: bad length preamble')
    const byte = input[pos++]!
    length += (byte & 0x7f) * factor
    if (byte < 0x80) break
  }
  const out = Buffer.allocUnsafe(length)
  let op = 0
  while (pos < input.length) {
    const tag = input[pos++]!
    let len: number
    let offset: number
    switch (tag & 3) {
      case 0: {
        len = (tag >>> 2) + 1
        if (len > 60) {
          const bytes = len - 60
          if (pos + bytes > input.length) throw new SnappyError('snappy: truncated literal length')
          len = 0
          for (let i = 0; i < bytes; i++) len += input[pos + i]! * 2 ** (8 * i)
          len += 1
          pos += bytes
        }
        if (pos + len > input.length || op + len > length)
          throw new SnappyError('snappy: literal out of bounds')
        out.set(input.subarray(pos, pos + len), op)
        pos += len
        op += len
        continue
      }
      case 1:
        if (pos >= input.length) throw new SnappyError('snappy: truncated copy')
        len = ((tag >>> 2) & 7) + 4
        offset = ((tag >>> 5) << 8) | input[pos++]!
        break
      case 2:
        if (pos + 2 > input.length) throw new SnappyError('snappy: truncated copy')
        len = (tag >>> 2) + 1
        offset = input[pos]! | (input[pos + 1]! << 8)
        pos += 2
        break
      default:
        if (pos + 4 > input.length) throw new SnappyError('snappy: truncated copy')
        len = (tag >>> 2) + 1
        offset =
          (input[pos]! | (input[pos + 1]! << 8) | (input[pos + 2]! << 16) | (input[pos + 3]! << 24)) >>> 0
        pos += 4
    }
    if (offset === 0 || offset > op || op + len > length) throw new SnappyError('snappy: copy out of bounds')
    if (offset >= len) {
      out.copyWithin(op, op - offset, op - offset + len)
      op += len
    } else {
      for (let i = 0; i < len; i++, op++) out[op] = out[op - offset]!
    }
  }
  if (op !== length) throw new SnappyError(`snappy: expected ${length} bytes, got ${op}`)
  return out
}
