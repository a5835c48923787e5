import { join } from 'node:path'
import { type FileStat, type FileSystem, isNotFound } from './file-system.js'
import { logFileName } from './log-entry.js'
import { NodeFileSystem } from './node-file-system.js'
import type { TableState } from './table-state.js'

/**
 * How long after a change the log folder's modification time is not trusted (a second change within the clock's
 * granularity could leave it equal; wall-clock steps are covered by the margin). Default 1 s.
 */
const RACY_MS = 1000

/**
 * How long after a full check the folder it was made in is trusted for the next-entry probe: an entry is removed
 * only by log cleanup once older than the log's retention (days in Delta), so within this time a missing next
 * entry means the state is the newest, never that the entries after it were cleaned up. Default 60 s.
 */
const PROBE_TRUST_MS = 60_000

/**
 * Freshness of a table's newest version from ONE stat of its log folder: creating or removing an entry (a commit,
 * a temp file, a cleanup) changes the folder's modification time, and a folder deleted and created again is another
 * folder (its identity holds device, inode, birth and modification time). When the folder's identity is the one seen
 * before a full check that found `version`, no entry was created since and that version is still the newest. Only
 * trusted on the real file system (other seams may not keep folder times), and only once the recorded time is
 * older than the racy margin (as git does for its index).
 *
 * Right after a commit (this table object's or another's: the folder's time is within the racy margin, and a second
 * commit in the same clock tick could leave it equal) the time is not used: the folder's origin (device, inode and
 * birth time, born before the racy margin of the full check that recorded it) and a probe of the next entry's name
 * answer instead. Entries are created in order, each exclusively, so the state is the newest exactly when the entry
 * after it does not exist; whatever the timestamps' granularity, that is two stats.
 */
export class LogFreshness {
  private seen: { readonly identity: string; readonly version: number } | undefined
  /** The folder's origin as a full check found the table in it, and when (for the next-entry probe). */
  private folder: { readonly origin: string; readonly at: number } | undefined
  /** The real file system (other seams may not keep folder times): undefined disables the probe. */
  private readonly node: NodeFileSystem | undefined

  constructor(
    fs: FileSystem,
    /** The `_delta_log/` folder. */
    private readonly dir: string,
  ) {
    this.node = fs instanceof NodeFileSystem ? fs : undefined
  }

  /**
   * True when another writer's log-first inserts may be pending (their marker is in the log folder,
   * log-first-inserts.ts): the next-entry probe then proves nothing. The marker's appearance changes the folder, so
   * the one-stat proof covers it without this.
   */
  pendingElsewhere: (() => boolean) | undefined

  /** True when a full check was recorded (a probe may then answer alone). */
  get armed(): boolean {
    return this.seen !== undefined || this.folder !== undefined
  }

  /** The folder's state now (taken when a full check starts: a commit during or after the check is recent, so not trusted). */
  async probe(): Promise<{ stat: FileStat; at: number } | undefined> {
    if (!this.node) return undefined
    const at = Date.now()
    let stat: FileStat
    try {
      // Synchronous: this stat is the whole cost of a warm read's freshness check (see NodeFileSystem.statSync).
      stat = this.node.statSync(this.dir)
    } catch {
      return undefined
    }
    return stat.identity ? { stat, at } : undefined
  }

  /**
   * True when the probe proves `state` (read from this folder, or committed to it by this table object) is still the
   * newest: nothing in the folder changed since a full check found it, or else no entry follows it.
   */
  fresh(probe: { stat: FileStat; at: number } | undefined, state: TableState): boolean {
    if (!probe) return false
    const seen = this.seen
    if (seen !== undefined && seen.identity === probe.stat.identity && seen.version === state.version)
      return true
    const folder = this.folder
    if (
      folder === undefined ||
      probe.stat.origin !== folder.origin ||
      probe.at - folder.at > PROBE_TRUST_MS ||
      state.unpublished?.size
    )
      return false
    if (!this.missing(join(this.dir, logFileName(state.version + 1)))) return false
    if (this.pendingElsewhere?.()) return false
    // Proven the newest after this stat (as a full check proves it): once the folder's time is past the racy margin,
    // the checks that follow cost this one stat again, not two.
    const { identity, mtimeMs } = probe.stat
    if (identity && mtimeMs <= probe.at - RACY_MS) this.seen = { identity, version: state.version }
    return true
  }

  /** True when nothing is at `path` (any other answer, or an error, is not proof). */
  private missing(path: string): boolean {
    try {
      return this.node?.entryAt(path) === false
    } catch (error) {
      return isNotFound(error)
    }
  }

  /**
   * Records that a full check after `probe` found `version` newest; `atEnd` (asked only when the probe can be
   * trusted) says no entry follows it (an undecided or unpublished multi-table transaction keeps it untrusted).
   */
  async record(
    probe: { stat: FileStat; at: number } | undefined,
    version: number,
    atEnd: () => Promise<boolean>,
  ): Promise<void> {
    this.seen = undefined
    this.folder = undefined
    if (!probe?.stat.identity) return
    const { origin, birthtimeMs } = probe.stat
    // A folder born within the racy margin could be another one born in the same tick at the same inode.
    if (origin && birthtimeMs && birthtimeMs <= probe.at - RACY_MS) this.folder = { origin, at: probe.at }
    if (probe.stat.mtimeMs > probe.at - RACY_MS) return
    if (await atEnd()) this.seen = { identity: probe.stat.identity, version }
  }

  /** Forgets what was recorded (the table at the path was replaced). */
  forget(): void {
    this.seen = undefined
    this.folder = undefined
  }
}
