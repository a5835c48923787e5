import type pl from 'nodejs-polars'
import {
  type DecodedFile,
  type DecodedFileCache,
  defaultDecodedFileCache,
} from '../secondary-index/decoded-file-cache.js'
import { ByteBoundedLru } from './byte-bounded-lru.js'
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

/** Options of a `KeyIndexCache`. */
export interface KeyIndexCacheOptions {
  /** Decoded data files held in memory (indexed findBy reads the same). Default: the process-wide one, 256 MiB. */
  readonly files?: DecodedFileCache
  /** Lookups of a file before its rows are held in memory (earlier ones read the row from the file). Default 2. */
  readonly indexAfter?: number
  /** Most bytes of key position indexes held. Default 64 MiB (8M rows). */
  readonly maxIndexBytes?: number
}

/** Files whose lookups are counted at once (the counts are dropped past it: a file is then counted anew). */
const MAX_COUNTED_FILES = 100_000

/**
 * The warm-process primary-key index. Data files are immutable, so entries never go stale; which files are live,
 * and which of their rows are deleted, comes from the snapshot asking, so a new version is seen as soon as the
 * table refreshes. Two tiers, least recently used evicted first in each: key position indexes (8 bytes a row:
 * where a key is, the row then read from the file) and, for files looked up repeatedly, the file's decoded rows,
 * held in the decoded-file cache indexed findBy reads too (a lookup is then a hash probe and one row read from
 * memory).
 */
export class KeyIndexCache {
  /** Decoded data files: a file is held once for finds by key and indexed findBy alike. */
  readonly files: DecodedFileCache
  /** Lookups of a file before its rows are held in memory. */
  readonly indexAfter: number
  private readonly indexes: ByteBoundedLru<string, KeyPositionIndex>
  private readonly lookups = new Map<string, number>()
  private readonly views = new WeakMap<DecodedFile, KeyIndexEntry>()

  constructor(options: KeyIndexCacheOptions = {}) {
    this.files = options.files ?? defaultDecodedFileCache
    this.indexAfter = options.indexAfter ?? 2
    this.indexes = new ByteBoundedLru(options.maxIndexBytes ?? 64 * 1024 * 1024)
  }

  /** Most bytes of key position indexes held. */
  get maxIndexBytes(): number {
    return this.indexes.maxBytes
  }

  /** The file held in memory with its key position index, marking both recently used. */
  get(key: string): KeyIndexEntry | undefined {
    const file = this.files.get(key)
    if (!file) return undefined
    const index = this.indexes.get(key)
    return index && this.view(file, index)
  }

  /**
   * Counts a lookup of a file of `fileBytes` bytes on disk; true when its rows are now worth holding in memory (never
   * for a file larger than the decoded-file bound: decoded, it would not be kept).
   */
  touch(key: string, fileBytes: number): boolean {
    if (!this.files.fits(fileBytes)) return false
    const n = (this.lookups.get(key) ?? 0) + 1
    this.lookups.set(key, n)
    if (this.lookups.size > MAX_COUNTED_FILES) this.lookups.clear()
    return n >= this.indexAfter
  }

  /**
   * Holds a decoded file with its key position index and gives the entry a lookup reads. A file too large for the
   * decoded-file cache is served this once; its later lookups read rows from the file (`touch` says no).
   */
  hold(key: string, file: DecodedFile, index: KeyPositionIndex): KeyIndexEntry {
    if (this.files.get(key) !== file) this.files.set(key, file)
    if (!this.files.has(key)) this.lookups.set(key, Number.NEGATIVE_INFINITY)
    this.setIndex(key, index)
    return this.view(file, index)
  }

  /** A file's key position index, marking it recently used. */
  index(key: string): KeyPositionIndex | undefined {
    return this.indexes.get(key)
  }

  /** Holds a key position index, evicting old ones to stay under `maxIndexBytes` (a larger one is not held). */
  setIndex(key: string, index: KeyPositionIndex): void {
    this.indexes.set(key, index)
  }

  /** Drops the key position indexes and lookup counts (the decoded files are the shared cache's: clear them there). */
  clear(): void {
    this.indexes.clear()
    this.lookups.clear()
  }

  /** The entry of a decoded file and its index, built once per pair (a warm find allocates nothing). */
  private view(file: DecodedFile, index: KeyPositionIndex): KeyIndexEntry {
    const known = this.views.get(file)
    if (known?.index === index) return known
    const { df, columns, readRow } = file
    const keyColumns = index.columns.map((c) => columns.indexOf(c))
    const entry = { df, columns, keyColumns, index, readRow }
    this.views.set(file, entry)
    return entry
  }
}
