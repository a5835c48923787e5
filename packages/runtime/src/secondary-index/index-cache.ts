import { ByteBoundedLru } from '../table/byte-bounded-lru.js'
import type { FileIndex } from './file-index.js'

/**
 * File indexes held in memory, least recently used evicted first once their bytes pass `maxBytes` (an index
 * larger than the bound alone is not kept). Entries never go stale: they are keyed by data file identity.
 */
export class IndexCache extends ByteBoundedLru<string, FileIndex> {
  constructor(
    /** Most bytes held over all indexes (a row's value and key as UTF-8, plus about 20 bytes). Default 256 MiB. */
    maxBytes = 256 * 1024 * 1024,
  ) {
    super(maxBytes)
  }
}

/** The process-wide cache every repository shares (one bound for the process). */
export const defaultIndexCache = new IndexCache()
