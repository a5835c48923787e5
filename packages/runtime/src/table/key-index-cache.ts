import type pl from 'nodejs-polars'
import type { KeyPositionIndex } from './key-position-index.js'

/** One data file held in memory: all its physical rows (deletion vectors not applied) and where each key is. */
export interface KeyIndexEntry {
  /** The file's rows in physical order, in the table's schema (the rows `index` positions point at). */
  readonly df: pl.DataFrame
  /** `df`'s column names (reading them from a polars frame costs a call into polars). */
  readonly columns: readonly string[]
  /** Positions in `df` of the key columns. */
  readonly keyColumns: readonly number[]
  readonly index: KeyPositionIndex
  /** `df.row`, taken once (a property read of a polars frame asks polars for its column names). */
  readonly readRow: (row: number) => unknown[]
}

/**
 * The warm-process primary-key index. Data files are immutable, so entries never go stale; which files are live,
 * and which of their rows are deleted, comes from the snapshot asking, so a new version is seen as soon as the
 * table refreshes. Two tiers, least recently used evicted first in each: key position indexes alone (8 bytes a
 * row: where a key is, the row then read from the file) and, for files looked up repeatedly, the file's rows too
 * (a lookup is then a hash probe and one row read from memory).
 */
export class KeyIndexCache {
  private readonly entries = new Map<string, KeyIndexEntry>()
  private readonly indexes = new Map<string, KeyPositionIndex>()
  private readonly lookups = new Map<string, number>()
  private rows = 0
  private indexBytes = 0

  constructor(
    /** Most rows held in memory over all files. Default 4,000,000. */
    readonly maxRows = 4_000_000,
    /** Lookups of a file before its rows are held in memory (earlier ones read the row from the file). Default 2. */
    readonly indexAfter = 2,
    /** Most bytes of key position indexes held without their rows. Default 64 MiB (8M rows). */
    readonly maxIndexBytes = 64 * 1024 * 1024,
  ) {}

  /** The file held in memory, marking it recently used. */
  get(path: string): KeyIndexEntry | undefined {
    const entry = this.entries.get(path)
    if (entry) {
      this.entries.delete(path)
      this.entries.set(path, entry)
    }
    return entry
  }

  /** Counts a lookup of a file; true when its rows are now worth holding in memory. */
  touch(path: string, rows: number): boolean {
    if (rows > this.maxRows) return false
    const n = (this.lookups.get(path) ?? 0) + 1
    this.lookups.set(path, n)
    if (this.lookups.size > 100_000) this.lookups.clear()
    return n >= this.indexAfter
  }

  /** Holds a file's rows and index, evicting old entries to stay under `maxRows`. */
  set(path: string, entry: KeyIndexEntry): KeyIndexEntry {
    const old = this.entries.get(path)
    if (old) {
      this.entries.delete(path)
      this.rows -= old.index.identity.rows
    }
    this.entries.set(path, entry)
    this.rows += entry.index.identity.rows
    for (const [p, e] of this.entries) {
      if (this.rows <= this.maxRows || p === path) break
      this.entries.delete(p)
      this.rows -= e.index.identity.rows
    }
    return entry
  }

  /** A file's key position index (held alone or with its rows), marking it recently used. */
  index(path: string): KeyPositionIndex | undefined {
    const held = this.entries.get(path)?.index
    if (held) return held
    const index = this.indexes.get(path)
    if (index) {
      this.indexes.delete(path)
      this.indexes.set(path, index)
    }
    return index
  }

  /** Holds a key position index, evicting old ones to stay under `maxIndexBytes` (a larger one is not held). */
  setIndex(path: string, index: KeyPositionIndex): void {
    const old = this.indexes.get(path)
    if (old) {
      this.indexes.delete(path)
      this.indexBytes -= old.bytes
    }
    if (index.bytes > this.maxIndexBytes) return
    this.indexes.set(path, index)
    this.indexBytes += index.bytes
    for (const [p, e] of this.indexes) {
      if (this.indexBytes <= this.maxIndexBytes) break
      this.indexes.delete(p)
      this.indexBytes -= e.bytes
    }
  }

  /** Drops everything. */
  clear(): void {
    this.entries.clear()
    this.indexes.clear()
    this.lookups.clear()
    this.rows = 0
    this.indexBytes = 0
  }
}
