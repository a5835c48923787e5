import { type DeltaDeletionVector, deletionVectorId } from '../delta/delta-actions.js'
import { parseDeltaInterval } from '../delta/delta-interval.js'
import type { TableMetadata } from './log-entry.js'
import { TablePropertyError } from './table-errors.js'

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

/** The table property saying how long a checkpoint keeps a tombstone. */
export const TOMBSTONE_RETENTION_PROPERTY = 'delta.deletedFileRetentionDuration'

/** How long a checkpoint keeps a tombstone when the table does not set TOMBSTONE_RETENTION_PROPERTY: Delta's 1 week. */
export const TOMBSTONE_RETENTION_MS = 7 * 86_400_000

/**
 * How long checkpoints of a table keep tombstones: its `delta.deletedFileRetentionDuration` ("interval 2 days"),
 * else 1 week. TablePropertyError naming the table and the property when the value does not parse.
 */
export function tombstoneRetentionMs(
  table: string,
  metadata: Pick<TableMetadata, 'deltaConfiguration'>,
): number {
  const text = metadata.deltaConfiguration?.[TOMBSTONE_RETENTION_PROPERTY]
  if (text === undefined) return TOMBSTONE_RETENTION_MS
  const parsed = parseDeltaInterval(text)
  if (!parsed.ok) throw new TablePropertyError(table, TOMBSTONE_RETENTION_PROPERTY, parsed.problem)
  return parsed.ms
}

/** The key of a logical file in "Action Reconciliation": its path and its deletion vector's unique id. */
export function logicalFileKey(file: {
  readonly path: string
  readonly deletionVector?: DeltaDeletionVector | null
}): string {
  return `${file.path}\u0000${deletionVectorId(file.deletionVector) ?? ''}`
}

/** The tombstones a checkpoint written at `now` keeps: those removed less than `retentionMs` ago. */
export function unexpiredTombstones(
  tombstones: Iterable<Tombstone>,
  now: number,
  retentionMs: number,
): Tombstone[] {
  const oldest = now - retentionMs
  return [...tombstones].filter((t) => t.deletionTimestamp >= oldest)
}

/** Reads the tombstones a set starts from (a checkpoint's), when first needed. */
export type TombstoneLoader = () => Promise<readonly Tombstone[]>

/**
 * The tombstones of a state, by `logicalFileKey`, shared between versions: each replay adds a layer of its own
 * changes instead of copying the whole set (a long-lived table holds thousands of tombstones and every commit
 * replays one entry); a layer is merged into the one below while that is at most twice its size, so layers fall
 * geometrically in size and a replay copies O(log n) changes amortized, however many commits came before. A set opened from a checkpoint starts from a loader, not a list: only checkpoint writing
 * and vacuum need tombstones, so opening a table reads none of them.
 */
export class TombstoneSet {
  private flat: Promise<ReadonlyMap<string, Tombstone>> | undefined

  private constructor(
    /** The checkpoint's tombstones, read once by the first `list` of any set built on them. */
    private readonly base: LoadOnce | undefined,
    private readonly parent: TombstoneSet | undefined,
    /** This layer's changes: a tombstone set, or null where a re-added file ended it. */
    private readonly changes: ReadonlyMap<string, Tombstone | null>,
  ) {}

  /** A set of `list` (undefined when empty: states without tombstones carry none). */
  static of(list: readonly Tombstone[]): TombstoneSet | undefined {
    if (list.length === 0) return undefined
    return new TombstoneSet(undefined, undefined, new Map(list.map((t) => [logicalFileKey(t), t])))
  }

  /** A set holding what `load` reads when the set is first listed (a checkpoint's tombstones). */
  static loading(load: TombstoneLoader): TombstoneSet {
    return new TombstoneSet(new LoadOnce(load), undefined, new Map())
  }

  /** `base` (may be undefined) with `changes` applied; undefined when the result is known to be empty. */
  static after(
    base: TombstoneSet | undefined,
    changes: ReadonlyMap<string, Tombstone | null>,
  ): TombstoneSet | undefined {
    if (changes.size === 0) return base
    if (!base && [...changes.values()].every((t) => t === null)) return undefined
    // Merged without loading the base: the later change per key.
    let parent = base
    let merged = changes
    while (parent && parent.changes.size <= 2 * merged.size) {
      const below = new Map(parent.changes)
      for (const [key, t] of merged) below.set(key, t)
      merged = below
      parent = parent.parent
    }
    if (!parent && !base?.base && [...merged.values()].every((t) => t === null)) return undefined
    return new TombstoneSet(base?.base, parent, merged)
  }

  /** The tombstones, read from their checkpoint if not yet (its loader's errors propagate). */
  async list(): Promise<Tombstone[]> {
    return [...(await this.entries()).values()]
  }

  private changesSinceBase(): Map<string, Tombstone | null> {
    const chain: TombstoneSet[] = []
    for (let s: TombstoneSet | undefined = this; s; s = s.parent) chain.push(s)
    const out = new Map<string, Tombstone | null>()
    for (const s of chain.reverse()) for (const [key, t] of s.changes) out.set(key, t)
    return out
  }

  private entries(): Promise<ReadonlyMap<string, Tombstone>> {
    this.flat ??= (async () => {
      const out = new Map<string, Tombstone>()
      for (const t of (await this.base?.get()) ?? []) out.set(logicalFileKey(t), t)
      for (const [key, t] of this.changesSinceBase()) {
        if (t === null) out.delete(key)
        else out.set(key, t)
      }
      return out
    })()
    // A failed read is not kept: the next `list` tries again.
    this.flat.catch(() => {
      this.flat = undefined
    })
    return this.flat
  }
}

/** A loader called at most once at a time; its result is kept, its failure is not. */
class LoadOnce {
  private pending: Promise<readonly Tombstone[]> | undefined
  constructor(private readonly load: TombstoneLoader) {}
  get(): Promise<readonly Tombstone[]> {
    this.pending ??= this.load()
    this.pending.catch(() => {
      this.pending = undefined
    })
    return this.pending
  }
}
