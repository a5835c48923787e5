import {
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  type DuckDBValue,
} from '@duckdb/node-api'
import { type ColumnMappingMode, type DeltaType, physicalName } from './spec-delta-schema.js'

/**
 * A value in the oracle's normal form, which compares exactly: long → bigint; other integers and floats → number;
 * decimal → its exact text with the declared scale ("1.50"); date → "YYYY-MM-DD"; timestamp →
 * "YYYY-MM-DDTHH:MM:SS.ffffffZ" (UTC, microseconds), timestamp_ntz → the same without "Z"; binary → Uint8Array;
 * array → array; struct → object with display names; map → [key, value] pairs sorted by key.
 */
export type NormalValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | readonly NormalValue[]
  | { readonly [name: string]: NormalValue }

/** ISO text of a microsecond count since the epoch, with 6 fraction digits. */
export function microsToIso(micros: bigint, utc: boolean): string {
  let ms = micros / 1000n
  let rest = micros % 1000n
  if (rest < 0n) {
    rest += 1000n
    ms -= 1n
  }
  const iso = new Date(Number(ms)).toISOString()
  return `${iso.slice(0, -1)}${String(rest).padStart(3, '0')}${utc ? 'Z' : ''}`
}

/** "YYYY-MM-DD" of a day count since the epoch. */
export function daysToIso(days: number): string {
  return new Date(days * 86_400_000).toISOString().slice(0, 10)
}

/** A sort key for map keys and multiset comparison (bigint and bytes made printable). */
export function normalKey(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? `0x${Buffer.from(v).toString('hex')}` : v,
  )
}

/** A DuckDB value in normal form; `type` (the Delta type) maps struct fields from physical to display names. */
export function normalise(
  value: DuckDBValue,
  type?: DeltaType,
  mode: ColumnMappingMode = 'none',
): NormalValue {
  if (value === null || value === undefined) return null
  if (typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return value
  if (typeof value === 'bigint') return type === 'long' || type === undefined ? value : Number(value)
  if (value instanceof DuckDBDecimalValue) return value.toString()
  if (value instanceof DuckDBDateValue) return daysToIso(value.days)
  if (value instanceof DuckDBTimestampTZValue) return microsToIso(value.micros, true)
  if (value instanceof DuckDBTimestampValue) return microsToIso(value.micros, false)
  if (value instanceof DuckDBBlobValue) return new Uint8Array(value.bytes)
  if (value instanceof DuckDBListValue) {
    const element = typeof type === 'object' && type.type === 'array' ? type.elementType : undefined
    return value.items.map((v) => normalise(v, element, mode))
  }
  if (value instanceof DuckDBMapValue) {
    const map = typeof type === 'object' && type.type === 'map' ? type : undefined
    return value.entries
      .map(
        ({ key, value: v }) =>
          [normalise(key, map?.keyType, mode), normalise(v, map?.valueType, mode)] as const,
      )
      .sort((a, b) => (normalKey(a[0]) < normalKey(b[0]) ? -1 : 1))
  }
  if (value instanceof DuckDBStructValue) {
    const fields = typeof type === 'object' && type.type === 'struct' ? type.fields : undefined
    const out: Record<string, NormalValue> = {}
    if (fields === undefined) {
      for (const [k, v] of Object.entries(value.entries)) out[k] = normalise(v, undefined, mode)
    } else {
      // Column mapping applies to nested fields too: read by physical name, return the display name.
      for (const field of fields)
        out[field.name] = normalise(value.entries[physicalName(field, mode)] ?? null, field.type, mode)
    }
    return out
  }
  return String(value)
}
