import { crc32 } from 'node:zlib'

/** The checksum a data file's add action records: `crc32:` and 8 hex digits (zlib's CRC-32, ~GB/s). */
export function fileChecksum(bytes: Uint8Array): string {
  return `crc32:${crc32(bytes).toString(16).padStart(8, '0')}`
}
