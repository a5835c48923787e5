import { type DeltaDeletionVector, deletionVectorId } from '../delta/delta-actions.js'

/**
 * A removed logical file (PROTOCOL.md "Checkpoints": checkpoints keep the unexpired `remove` actions so that VACUUM
 * of any engine knows which files were removed recently). Size and partition values are the removed add's.
 */
export interface Tombstone {
  readonly path: string
  /** When the file was removed, ms since the epoch (the commit's time; 0 when a foreign remove did not say). */
  readonly deletionTimestamp: number
  readonly deletionVector?: DeltaDeletionVector
  readonly size?: number
  readonly partitionValues?: Readonly<Record<string, string | null>>
}

/**
 * How long a checkpoint keeps a tombstone: `delta.deletedFileRetentionDuration`'s default, 1 week (pf tables do
 * not set it).
 */
export const TOMBSTONE_RETENTION_MS = 7 * 86_400_000

/** The key of a logical file in "Action Reconciliation": its path and its deletion vector's unique id. */
export function logicalFileKey(file: {
  readonly path: string
  readonly deletionVector?: DeltaDeletionVector | null
}): string {
  return `${file.path}\u0000${deletionVectorId(file.deletionVector) ?? ''}`
}

/** The tombstones a checkpoint written at `now` keeps: those removed less than TOMBSTONE_RETENTION_MS ago. */
export function unexpiredTombstones(tombstones: Iterable<Tombstone>, now: number): Tombstone[] {
  const oldest = now - TOMBSTONE_RETENTION_MS
  return [...tombstones].filter((t) => t.deletionTimestamp >= oldest)
}
