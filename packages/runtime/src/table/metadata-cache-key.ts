import type { TableMetadata } from './log-entry.js'

/**
 * What caches built from a table's metadata (snapshot contexts: data-file store, key codec, key index cache keys)
 * are keyed by. Every commit that raises an autoincrement field's identity high-water mark writes a whole
 * `metaData` action, so the metadata object changes at each such commit while the schema does not: keying caches
 * by object identity rebuilt them all. Metadata equal in everything but `identityHighWaterMarks` share one key.
 */

/** Metadata object → the metadata its caches are keyed by (the first one seen with its schema). */
const keys = new WeakMap<TableMetadata, TableMetadata>()
/** Schema text → that first metadata, while it lives. */
const bySchema = new Map<string, WeakRef<TableMetadata>>()
const forget = new FinalizationRegistry<string>((schema) => {
  if (bySchema.get(schema)?.deref() === undefined) bySchema.delete(schema)
})

/**
 * The metadata that caches of `metadata` are keyed by: the same object for every metadata that differs from it
 * only in identity high-water marks (which no cache reads), another for any other difference.
 */
export function metadataCacheKey(metadata: TableMetadata): TableMetadata {
  const known = keys.get(metadata)
  if (known) return known
  const { identityHighWaterMarks: _marks, ...schema } = metadata
  const text = canonicalJson(schema)
  let key = bySchema.get(text)?.deref()
  if (!key) {
    key = metadata
    bySchema.set(text, new WeakRef(metadata))
    forget.register(metadata, text)
  }
  keys.set(metadata, key)
  return key
}

/** JSON with object keys sorted at every depth: equal for metadata built in any key order (log replay, commits). */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v
    const sorted: Record<string, unknown> = {}
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k]
    return sorted
  })
}
