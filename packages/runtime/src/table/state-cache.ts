/**
 * pf's state cache between checkpoints: once its commits pause a writer caches the table's newest state (in the
 * background, unflushed) as `_pf/checkpoints/<v>.snapshot.json`, in the checkpoint cache's layout, and points the cache's
 * `_last_checkpoint` at it; an open then reads that state and replays only the commits after it. A cache, never the
 * truth: one is used only when the log agrees with it (table-log.ts), and only the newest is kept.
 */

/** File name of a version's cached state (not a checkpoint: no tombstone file, no Delta checkpoint beside it). */
export function snapshotFileName(version: number): string {
  return `${String(version).padStart(20, '0')}.snapshot.json`
}

/** Parses a cached state's version from its file name; undefined for other files. */
export function versionOfSnapshotFile(name: string): number | undefined {
  const m = /^(\d{20})\.snapshot\.json$/.exec(name)
  return m?.[1] === undefined ? undefined : Number(m[1])
}

/** Which cache file the cache's `_last_checkpoint` names: a checkpoint or a cached state. */
export interface CacheHint {
  readonly version: number
  readonly snapshot: boolean
}

/** The text of the cache's `_last_checkpoint` (readers before cached states read only `version`). */
export function encodeCacheHint(hint: CacheHint): string {
  return JSON.stringify(hint.snapshot ? { version: hint.version, snapshot: true } : { version: hint.version })
}

/** The hint in a `_last_checkpoint` text; undefined when it does not parse (a hint: a bad one is ignored). */
export function decodeCacheHint(text: string): CacheHint | undefined {
  try {
    const { version, snapshot } = JSON.parse(text) as { version?: unknown; snapshot?: unknown }
    if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) return undefined
    return { version, snapshot: snapshot === true }
  } catch {
    return undefined
  }
}

/** Up to this many live files a table caches its state after every commit (automatic compaction keeps about 256). */
const EVERY_COMMIT_FILES = 256
/** Past that, live files per commit between cached states. */
const FILES_PER_STEP = 100

/**
 * Commits between cached states of a table of `liveFiles` files: 1 up to 256 files, then one per 100 files.
 * Encoding a state costs ~4-7 µs of CPU per live file (35-70 ms at 10,000 files, measured), so a larger table pays
 * ~0.5-0.7 ms per commit amortized; one of 10,000 files caches only at its checkpoints (every 100 commits).
 */
export function snapshotStep(liveFiles: number): number {
  return liveFiles <= EVERY_COMMIT_FILES ? 1 : Math.ceil(liveFiles / FILES_PER_STEP)
}
