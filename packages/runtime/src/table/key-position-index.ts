import type { FileIdentity } from '../secondary-index/file-index.js'
import type { ParquetPointLayout } from './parquet-point-layout.js'
import type { ParquetRangeChecksums } from './parquet-range-checksums.js'

/** FNV-1a (32 bits) over a string's UTF-16 code units: the stable hash persisted key indexes are sorted by. */
export function keyHash(key: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/**
 * Where a data file holds each primary key: every row's key hash, sorted, with its physical row position (ascending
 * within a hash). 8 bytes a row and no key text, so it is built, held and loaded cheaply; a hash match is a
 * candidate only — the caller confirms the key against the row it reads (a collision is two candidates).
 */
export class KeyPositionIndex {
  constructor(
    /** The data file it describes (immutable: an index of the same identity never goes stale). */
    readonly identity: FileIdentity,
    /** The key columns, in key order. */
    readonly columns: readonly string[],
    /** Key hashes, ascending. */
    readonly hashes: Uint32Array,
    /** Row position of each hash's row. */
    readonly positions: Uint32Array,
    /** The data file's byte ranges and their CRCs, taken from bytes that matched the log's checksum (Parquet only). */
    readonly ranges?: ParquetRangeChecksums,
    /** What a point read needs of the data file's footer, taken from the same checked bytes (Parquet only). */
    readonly layout?: ParquetPointLayout,
  ) {}

  /** Bytes held. */
  get bytes(): number {
    return this.hashes.byteLength + this.positions.byteLength
  }

  /** Row positions whose key has the encoded key's hash (ascending; usually one, none when the key is absent). */
  candidates(key: string): number[] {
    const h = keyHash(key)
    const { hashes, positions } = this
    let lo = 0
    let hi = hashes.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((hashes[mid] as number) < h) lo = mid + 1
      else hi = mid
    }
    const out: number[] = []
    for (let i = lo; i < hashes.length && hashes[i] === h; i++) out.push(positions[i] as number)
    return out
  }
}

/** Builds the index of a file's rows from their encoded keys in physical order (a stable radix sort by hash). */
export function buildKeyPositionIndex(
  identity: FileIdentity,
  columns: readonly string[],
  keys: readonly string[],
  ranges?: ParquetRangeChecksums,
  layout?: ParquetPointLayout,
): KeyPositionIndex {
  const n = keys.length
  const hash = new Uint32Array(n)
  for (let i = 0; i < n; i++) hash[i] = keyHash(keys[i] as string)
  // Two stable counting passes of 16 bits: positions stay ascending within a hash.
  let order = new Uint32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  let next = new Uint32Array(n)
  for (const shift of [0, 16]) {
    const counts = new Uint32Array(65_537)
    for (let i = 0; i < n; i++) (counts[(((hash[i] as number) >>> shift) & 0xffff) + 1] as number)++
    for (let b = 1; b < counts.length; b++) counts[b] = (counts[b] as number) + (counts[b - 1] as number)
    for (let i = 0; i < n; i++) {
      const row = order[i] as number
      const bucket = ((hash[row] as number) >>> shift) & 0xffff
      next[counts[bucket] as number] = row
      counts[bucket] = (counts[bucket] as number) + 1
    }
    ;[order, next] = [next, order]
  }
  const hashes = new Uint32Array(n)
  for (let i = 0; i < n; i++) hashes[i] = hash[order[i] as number] as number
  return new KeyPositionIndex(identity, columns, hashes, order, ranges, layout)
}
