import pl from 'nodejs-polars'

/**
 * A JS value decoded by avsc, reshaped for polars' type inference: maps as arrays of `{ key, value }` (the
 * layout polars and our Parquet reads use for maps), bytes and fixed inside nested values as arrays of byte
 * values, longs beyond 2^53 inside nested values as decimal text (top-level columns keep them exact).
 */
function reshape(v: unknown, isMap: (o: object) => boolean): unknown {
  if (v === null || v === undefined) return null
  if (typeof v === 'bigint') return String(v)
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return Array.from(v)
  if (Array.isArray(v)) return v.map((x) => reshape(x, isMap))
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).map(
      ([k, x]) => [k, reshape(x, isMap)] as const,
    )
    if (isMap(v)) return entries.map(([key, value]) => ({ key, value }))
    return Object.fromEntries(entries)
  }
  return v
}

/** True when every non-null value is a Buffer (Avro bytes or fixed). */
const allBytes = (values: readonly unknown[]) =>
  values.some((v) => v !== null) && values.every((v) => v === null || Buffer.isBuffer(v))

/**
 * A polars column from avsc-decoded values of a type the typed mappings do not cover (records, maps, fixed,
 * unions of several types): bytes/fixed become Binary, records, maps and arrays are inferred by polars from JSON lines,
 * values polars cannot hold in one dtype (a union of string and int) become JSON text, as a last resort.
 */
export function jsColumn(name: string, values: readonly unknown[], isMap: (o: object) => boolean): pl.Series {
  if (allBytes(values)) {
    const hex = values.map((v) => (v === null ? null : (v as Buffer).toString('hex')))
    return pl.Series(name, hex, pl.Utf8).str.decode('hex')
  }
  const shaped = values.map((v) => reshape(v, isMap))
  const kinds = new Set(shaped.filter((v) => v !== null).map((v) => (Array.isArray(v) ? 'array' : typeof v)))
  if (kinds.size === 1 && (kinds.has('object') || kinds.has('array'))) {
    try {
      // polars infers nested lists and structs from JSON lines, not from JS arrays of objects.
      const lines = shaped.map((v) => JSON.stringify({ v })).join('\n')
      return pl.readJSON(Buffer.from(lines), { format: 'lines' }).getColumn('v').rename(name)
    } catch {
      // fall through to text
    }
  } else if (kinds.size <= 1) {
    try {
      return pl.Series(name, shaped)
    } catch {
      // fall through to text
    }
  }
  return pl.Series(
    name,
    shaped.map((v) => (v === null ? null : typeof v === 'string' ? v : JSON.stringify(v))),
    pl.Utf8,
  )
}
