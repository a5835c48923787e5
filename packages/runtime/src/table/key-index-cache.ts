import type pl from 'nodejs-polars'

/** One data file held in memory with a map from encoded key to row. */
export interface KeyIndexEntry {
  readonly df: pl.DataFrame
  readonly rows: ReadonlyMap<string, number>
}

/**
 * The warm-process primary-key index: data files (immutable, so entries never go
 * stale) held in memory with a key → row map, least recently used evicted first.
 * Which files are live, and which of their keys are deleted, comes from the
 * snapshot asking, so a new version is seen as soon as the table refreshes.
 */
export class KeyIndexCache {
  private readonly entries = new Map<string, KeyIndexEntry>()
  private readonly lookups = new Map<string, number>()
  private rows = 0

  constructor(
    /** Most rows held in memory over all files. Default 4,000,000. */
    readonly maxRows = 4_000_000,
    /** Lookups of a file before it is indexed (the first is answered by a scan). Default 2. */
    readonly indexAfter = 2,
  ) {}

  /** The indexed file, marking it recently used. */
  get(path: string): KeyIndexEntry | undefined {
    const entry = this.entries.get(path)
    if (entry) {
      this.entries.delete(path)
      this.entries.set(path, entry)
    }
    return entry
  }

  /** Counts a lookup of a file; true when it is now worth indexing. */
  touch(path: string, rows: number): boolean {
    if (rows > this.maxRows) return false
    const n = (this.lookups.get(path) ?? 0) + 1
    this.lookups.set(path, n)
    if (this.lookups.size > 100_000) this.lookups.clear()
    return n >= this.indexAfter
  }

  /** Holds a file's frame and key map, evicting old entries to stay under `maxRows`. */
  set(path: string, df: pl.DataFrame, keys: readonly string[]): KeyIndexEntry {
    const rows = new Map<string, number>()
    for (let i = 0; i < keys.length; i++) rows.set(keys[i] as string, i)
    const entry = { df, rows }
    this.entries.set(path, entry)
    this.rows += df.height
    for (const [p, e] of this.entries) {
      if (this.rows <= this.maxRows || p === path) break
      this.entries.delete(p)
      this.rows -= e.df.height
    }
    return entry
  }

  /** Drops everything. */
  clear(): void {
    this.entries.clear()
    this.lookups.clear()
    this.rows = 0
  }
}
