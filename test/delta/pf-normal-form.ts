import type { DeltaField, DeltaType } from './spec-delta-schema.js'
import { microsToIso, type NormalValue, normalKey } from './spec-normal-form.js'

/** A decimal text at scale `scale` ("12.5" → "12.50"), or the text unchanged when that would lose digits. */
function atScale(text: string, scale: number): string {
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text)
  if (!m) return text
  const fraction = (m[3] ?? '').padEnd(scale, '0')
  if (fraction.length > scale && /[^0]/.test(fraction.slice(scale))) return text
  const digits = fraction.slice(0, scale)
  return `${m[1]}${m[2]}${scale > 0 ? `.${digits}` : ''}`
}

/**
 * One value of pf's records (Frame.toRecords: numbers or bigints, exact decimal strings, Dates, Uint8Arrays,
 * arrays, objects) in the oracle's normal form for the column's Delta type. Nothing else is coerced across kinds:
 * a date column that pf returned as text would stay text, so the comparison shows it.
 */
export function pfNormal(value: unknown, type: DeltaType): NormalValue {
  if (value === null || value === undefined) return null
  if (typeof type === 'string') {
    if (type === 'long' && (typeof value === 'number' || typeof value === 'bigint')) return BigInt(value)
    if (/^(integer|short|byte|float|double)$/.test(type) && typeof value === 'bigint') return Number(value)
    const decimal = /^decimal\(\d+,\s*(\d+)\)$/.exec(type)
    if (decimal && typeof value === 'string') return atScale(value, Number(decimal[1]))
    if (type === 'date' && value instanceof Date) return value.toISOString().slice(0, 10)
    if ((type === 'timestamp' || type === 'timestamp_ntz') && value instanceof Date)
      return microsToIso(BigInt(value.getTime()) * 1000n, type === 'timestamp')
    if (value instanceof Uint8Array) return new Uint8Array(value)
    // pf's frames carry binary columns as base64 text (polars 0.24 has no Binary dtype; docs/tables.md).
    if (type === 'binary' && typeof value === 'string') return new Uint8Array(Buffer.from(value, 'base64'))
    if (typeof value === 'boolean' || typeof value === 'number' || typeof value === 'bigint') return value
    if (typeof value === 'string') return value
    return String(value)
  }
  if (type.type === 'array' && Array.isArray(value)) return value.map((v) => pfNormal(v, type.elementType))
  // A map reads as a list of {key, value} entries (as Parquet and polars hold it); the normal form sorts pairs by key.
  if (type.type === 'map' && Array.isArray(value))
    return value
      .map((e: { key?: unknown; value?: unknown }) => [
        pfNormal(e.key, type.keyType),
        pfNormal(e.value, type.valueType),
      ])
      .sort((a, b) => (normalKey(a[0]) < normalKey(b[0]) ? -1 : 1))
  if (type.type === 'struct' && typeof value === 'object') {
    const out: Record<string, NormalValue> = {}
    for (const f of type.fields) out[f.name] = pfNormal((value as Record<string, unknown>)[f.name], f.type)
    return out
  }
  return String(value)
}

/** pf's records in the oracle's normal form, keyed by the Delta schema's display names (missing → undefined). */
export function pfRows(records: readonly Record<string, unknown>[], fields: readonly DeltaField[]) {
  return records.map((record) => {
    const out: Record<string, NormalValue | undefined> = {}
    for (const field of fields)
      out[field.name] = field.name in record ? pfNormal(record[field.name], field.type) : undefined
    const extra = Object.keys(record).filter((k) => !fields.some((f) => f.name === k))
    if (extra.length > 0) out['<columns pf has that the Delta schema lacks>'] = extra.join(', ')
    return out
  })
}
