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

/** Layers a set may stack before it is flattened: a replay costs its own changes, a flatten every this many. */
const MAX_LAYERS = 16

/**
 * The unexpired-or-not tombstones of a state, by `logicalFileKey`, shared between versions: each replay adds a
 * layer of its own changes instead of copying the whole set (a long-lived table holds thousands of tombstones and
 * every commit replays one entry). Read whole only when a checkpoint is written or a vacuum runs.
 */
export class TombstoneSet {
  private flat: ReadonlyMap<string, Tombstone> | undefined

  private constructor(
    private readonly parent: TombstoneSet | undefined,
    /** This layer's changes: a tombstone set, or null where a re-added file ended it. */
    private readonly changes: ReadonlyMap<string, Tombstone | null>,
    private readonly layers: number,
  ) {}

  /** A set of `list` (undefined when empty: states without tombstones carry none). */
  static of(list: readonly Tombstone[]): TombstoneSet | undefined {
    if (list.length === 0) return undefined
    return new TombstoneSet(undefined, new Map(list.map((t) => [logicalFileKey(t), t])), 1)
  }

  /** `base` (may be undefined) with `changes` applied; undefined when the result is known to be empty. */
  static after(
    base: TombstoneSet | undefined,
    changes: ReadonlyMap<string, Tombstone | null>,
  ): TombstoneSet | undefined {
    if (changes.size === 0) return base
    if (!base && [...changes.values()].every((t) => t === null)) return undefined
    const layered = new TombstoneSet(base, changes, (base?.layers ?? 0) + 1)
    if (layered.layers < MAX_LAYERS) return layered
    const flat = layered.entries()
    return flat.size === 0 ? undefined : new TombstoneSet(undefined, flat, 1)
  }

  values(): IterableIterator<Tombstone> {
    return this.entries().values()
  }

  get size(): number {
    return this.entries().size
  }

  private entries(): ReadonlyMap<string, Tombstone> {
    if (this.flat) return this.flat
    const out = new Map(this.parent?.entries())
    for (const [key, t] of this.changes) {
      if (t === null) out.delete(key)
      else out.set(key, t)
    }
    this.flat = out
    return out
  }
}
