import type { FileStat, FileSystem } from './file-system.js'
import { NodeFileSystem } from './node-file-system.js'

/**
 * How long after a change the log folder's modification time is not trusted (a second change within the clock's
 * granularity could leave it equal; wall-clock steps are covered by the margin). Default 1 s.
 */
const RACY_MS = 1000

/**
 * Freshness of a table's newest version from ONE stat of its log folder: creating or removing an entry (a commit,
 * a temp file, a cleanup) changes the folder's modification time, and a folder deleted and created again is another
 * folder (its identity holds device, inode, birth and modification time). When the folder's identity is the one seen
 * before a full check that found `version`, no entry was created since and that version is still the newest. Only
 * trusted on the real file system (other seams may not keep folder times), and only once the recorded time is
 * older than the racy margin (as git does for its index).
 */
export class LogFreshness {
  private seen: { readonly identity: string; readonly version: number } | undefined
  /** The real file system (other seams may not keep folder times): undefined disables the probe. */
  private readonly node: NodeFileSystem | undefined

  constructor(
    fs: FileSystem,
    /** The `_delta_log/` folder. */
    private readonly dir: string,
  ) {
    this.node = fs instanceof NodeFileSystem ? fs : undefined
  }

  /** True when a full check was recorded (a probe may then answer alone). */
  get armed(): boolean {
    return this.seen !== undefined
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

  /** True when the probe proves `version` is still the newest (nothing in the folder changed since it was found). */
  fresh(probe: { stat: FileStat } | undefined, version: number): boolean {
    const seen = this.seen
    return (
      probe !== undefined &&
      seen !== undefined &&
      seen.identity === probe.stat.identity &&
      seen.version === version
    )
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
    if (!probe?.stat.identity || probe.stat.mtimeMs > probe.at - RACY_MS) return
    if (await atEnd()) this.seen = { identity: probe.stat.identity, version }
  }

  /** Forgets what was recorded (the table at the path was replaced). */
  forget(): void {
    this.seen = undefined
  }
}
