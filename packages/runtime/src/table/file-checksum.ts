import { crc32 } from 'node:zlib'

/** The form of a data file's checksum as add actions record it: `crc32:` and 8 lower-case hex digits. */
export const FILE_CHECKSUM = /^crc32:[0-9a-f]{8}$/

/** A CRC-32 value as a data file's checksum text. */
export function checksumOfCrc(value: number): string {
  return `crc32:${value.toString(16).padStart(8, '0')}`
}

/** The CRC-32 value of a checksum in the `FILE_CHECKSUM` form, else undefined. */
export function crcOfChecksum(checksum: string): number | undefined {
  return FILE_CHECKSUM.test(checksum) ? Number.parseInt(checksum.slice(6), 16) : undefined
}

/** The checksum a data file's add action records (zlib's CRC-32, ~GB/s). */
export function fileChecksum(bytes: Uint8Array): string {
  return checksumOfCrc(crc32(bytes))
}
