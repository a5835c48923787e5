import type { FileIndex } from './file-index.js'

/**
 * File indexes held in memory, least recently used evicted first once their bytes pass `maxBytes` (an index
 * larger than the bound alone is not kept). Entries never go stale: they are keyed by data file identity.
 */
export class IndexCache {
  private readonly entries = new Map<string, FileIndex>()
  private held = 0

  constructor(
    /** Most bytes held over all indexes (about 50 bytes per indexed row). Default 256 MiB. */
    readonly maxBytes = 256 * 1024 * 1024,
  ) {}

  /** Bytes held now. */
  get bytes(): number {
    return this.held
  }

  /** Indexes held now. */
  get size(): number {
    return this.entries.size
  }

  /** The index, marking it recently used. */
  get(key: string): FileIndex | undefined {
    const hit = this.entries.get(key)
    if (hit) {
      this.entries.delete(key)
      this.entries.set(key, hit)
    }
    return hit
  }

  /** Holds an index, evicting the least recently used ones to stay within the bound. */
  set(key: string, index: FileIndex): void {
    const old = this.entries.get(key)
    if (old) {
      this.entries.delete(key)
      this.held -= old.bytes
    }
    if (index.bytes > this.maxBytes) return
    this.entries.set(key, index)
    this.held += index.bytes
    for (const [k, e] of this.entries) {
      if (this.held <= this.maxBytes) break
      this.entries.delete(k)
      this.held -= e.bytes
    }
  }

  /** Drops everything. */
  clear(): void {
    this.entries.clear()
    this.held = 0
  }
}

/** The process-wide cache every repository shares (one bound for the process). */
export const defaultIndexCache = new IndexCache()
