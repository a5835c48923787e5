/**
 * Avro's `decimal` logical type on `bytes` (Avro specification "Decimal"): the unscaled integer as big-endian
 * two's complement, in the fewest bytes that hold it.
 */

/** The big-endian two's complement bytes of an integer (0 → one zero byte). */
export function twosComplementBytes(value: bigint): Buffer {
  let size = 1
  while (value < -(1n << BigInt(8 * size - 1)) || value >= 1n << BigInt(8 * size - 1)) size++
  const modulus = 1n << BigInt(8 * size)
  const unsigned = value < 0n ? value + modulus : value
  return Buffer.from(unsigned.toString(16).padStart(2 * size, '0'), 'hex')
}

/** The integer of big-endian two's complement bytes (none: 0). */
export function fromTwosComplement(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n
  const unsigned = BigInt(
    `0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`,
  )
  const top = bytes[0] as number
  return top & 0x80 ? unsigned - (1n << BigInt(8 * bytes.length)) : unsigned
}
