import type { Tombstone } from './table-tombstones.js'

/**
 * The tombstones of a checkpoint in pf's cache live in a file of their own beside it (`_pf/checkpoints/`), read
 * only by checkpoint writing and vacuum: a table after 10,000 commits holds about as many tombstones, and parsing
 * them on every open cost ten times the rest of the checkpoint. A missing or damaged file is a cache miss.
 */

/** File name of the tombstones of a cached checkpoint of `version`. */
export function tombstoneFileName(version: number): string {
  return `${String(version).padStart(20, '0')}.tombstones.json`
}

/** The text of a tombstone file: the table and version it belongs to, so that a stray one is never used. */
export function encodeTombstoneFile(
  version: number,
  tableId: string,
  tombstones: readonly Tombstone[],
): string {
  return JSON.stringify({ version, tableId, tombstones })
}
