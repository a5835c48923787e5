/** A value that reports the memory it holds, for a byte-bounded cache. */
export interface Sized {
  /** Approximate bytes held. */
  readonly bytes: number
}

/**
 * Values held in memory up to `maxBytes` in total, least recently used evicted first; a value larger than the bound
 * alone is not kept. The one LRU of the caches of indexes and decoded data files (a Map keeps insertion order, so
 * its first entry is the least recently used).
 */
export class ByteBoundedLru<K, V extends Sized> {
  private readonly entries = new Map<K, V>()
  private held = 0

  constructor(
    /** Most bytes held over all values. */
    readonly maxBytes: number,
  ) {}

  /** Bytes held now. */
  get bytes(): number {
    return this.held
  }

  /** Values held now. */
  get size(): number {
    return this.entries.size
  }

  /** The value, marking it recently used. */
  get(key: K): V | undefined {
    const hit = this.entries.get(key)
    if (hit !== undefined) {
      this.entries.delete(key)
      this.entries.set(key, hit)
    }
    return hit
  }

  /** Whether a value is held, without marking it used. */
  has(key: K): boolean {
    return this.entries.has(key)
  }

  /** Whether a value of this many bytes can be held at all. */
  fits(bytes: number): boolean {
    return bytes <= this.maxBytes
  }

  /** Holds a value as the most recently used, evicting the least recently used ones to stay within the bound. */
  set(key: K, value: V): void {
    this.delete(key)
    if (!this.fits(value.bytes)) return
    this.entries.set(key, value)
    this.held += value.bytes
    for (const [k, v] of this.entries) {
      if (this.held <= this.maxBytes) break
      this.entries.delete(k)
      this.held -= v.bytes
    }
  }

  /** Drops one value; true when it was held. */
  delete(key: K): boolean {
    const old = this.entries.get(key)
    if (old === undefined) return false
    this.entries.delete(key)
    this.held -= old.bytes
    return true
  }

  /** Drops everything. */
  clear(): void {
    this.entries.clear()
    this.held = 0
  }
}
