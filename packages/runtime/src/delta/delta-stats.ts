import type { FieldType } from '../schema/schema-ir.js'
import type { ColumnStats, FileStats, StatValue } from '../table/file-stats.js'
import { parseUtcDate, parseUtcTimestamp, utcDateText, utcMicrosParts } from './utc-calendar.js'

/**
 * A data file's `stats` JSON (PROTOCOL.md "Per-file Statistics"): numRecords, minValues, maxValues, nullCount,
 * keyed by the column names stored in the files. pf keeps statistics in its own exact form (file-stats.ts);
 * this module is the one translation between the two. A bound that would be inexact is left out, never written.
 */

/** How a column's bounds are serialized: Delta's JSON form of its type; `none` keeps only the null count. */
export type DeltaStatKind = 'long' | 'double' | 'date' | 'timestamp' | 'string' | 'none'

/** Strings longer than this (UTF-16 units) get no bounds: the log stays small, and no bound is ever cut short. */
export const MAX_STRING_STAT_LENGTH = 1024

/** The statistic kind of a pf field type. */
export function deltaStatKind(type: FieldType): DeltaStatKind {
  if (type.kind === 'enum') return 'string'
  if (type.kind === 'list') return 'none'
  switch (type.name) {
    case 'Int':
    case 'BigInt':
      return 'long'
    case 'Float':
      return 'double'
    case 'Date':
      return 'date'
    case 'DateTime':
      return 'timestamp'
    case 'String':
      return 'string'
    default:
      return 'none'
  }
}

/** `YYYY-MM-DD` of a day number (days since 1970-01-01). */
export function formatDeltaDate(days: number): string {
  return utcDateText(days)
}

/** ISO-8601 with microseconds and `Z` of microseconds since the epoch, for any int64 (exact). */
export function formatDeltaTimestamp(micros: bigint): string {
  const { date, time } = utcMicrosParts(micros)
  return `${date}T${time}Z`
}

/** Microseconds in a millisecond: the precision of timestamp statistics. */
const MICROS_PER_MILLI = 1000n

/**
 * A timestamp statistic's text: the value truncated down to the millisecond, `YYYY-MM-DDTHH:MM:SS.mmmZ` (PROTOCOL.md
 * "Per-file Statistics": timestamp columns are truncated down to milliseconds; the form Spark writes).
 */
export function formatDeltaTimestampStat(micros: bigint): string {
  const sub = ((micros % MICROS_PER_MILLI) + MICROS_PER_MILLI) % MICROS_PER_MILLI
  const { date, time } = utcMicrosParts(micros - sub)
  return `${date}T${time.slice(0, 12)}Z`
}

/**
 * The inclusive microsecond upper bound of a timestamp max statistic: writers truncate it down to the millisecond,
 * so rows up to 999 µs above it may exist (`max < value + 1 ms`). A max with digits below the millisecond (pf's
 * tables before truncation) was written exactly and is kept.
 */
export function timestampMaxBound(micros: bigint): bigint {
  return micros % MICROS_PER_MILLI === 0n ? micros + MICROS_PER_MILLI - 1n : micros
}

/** Microseconds since the epoch of an ISO-8601 timestamp (`...T..:..:..[.ffffff](Z|±hh:mm)`); undefined if not one. */
export function parseDeltaTimestamp(text: string): bigint | undefined {
  return text.includes('T') ? parseUtcTimestamp(text) : undefined
}

/** Days since the epoch of `YYYY-MM-DD`; undefined if not one. */
export function parseDeltaDate(text: string): number | undefined {
  return parseUtcDate(text)
}

/** A pf bound as Delta JSON text, or undefined when it has no exact Delta form. */
function encodeBound(kind: DeltaStatKind, value: StatValue): string | undefined {
  switch (kind) {
    case 'long': {
      const text = String(value)
      return /^-?\d+$/.test(text) ? text : undefined
    }
    case 'double':
      return typeof value === 'number' && Number.isFinite(value) ? JSON.stringify(value) : undefined
    case 'date':
      return typeof value === 'number' && Number.isInteger(value)
        ? JSON.stringify(formatDeltaDate(value))
        : undefined
    case 'timestamp': {
      const text = String(value)
      return /^-?\d+$/.test(text) ? JSON.stringify(formatDeltaTimestampStat(BigInt(text))) : undefined
    }
    case 'string':
      return typeof value === 'string' && value.length <= MAX_STRING_STAT_LENGTH
        ? JSON.stringify(value)
        : undefined
    case 'none':
      return undefined
  }
}

/**
 * A Delta bound as pf's form, or undefined when it cannot be taken exactly. A timestamp max becomes the largest
 * microsecond its millisecond may hold (timestampMaxBound): every pruning by statistics reads bounds from here.
 */
function decodeBound(kind: DeltaStatKind, value: unknown, bound: 'min' | 'max'): StatValue | undefined {
  switch (kind) {
    case 'long':
      // JSON numbers beyond 2^53 lost digits when parsed: such a bound is no bound, so it is dropped.
      return typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : undefined
    case 'double':
      return typeof value === 'number' && Number.isFinite(value) ? value : undefined
    case 'date':
      return typeof value === 'string' ? parseDeltaDate(value) : undefined
    case 'timestamp': {
      const micros = typeof value === 'string' ? parseDeltaTimestamp(value) : undefined
      if (micros === undefined) return undefined
      return String(bound === 'max' ? timestampMaxBound(micros) : micros)
    }
    case 'string':
      return typeof value === 'string' ? value : undefined
    case 'none':
      return undefined
  }
}

/**
 * The `stats` JSON of a data file. `kinds`: stored column name → kind; columns not in it are left out. Large
 * longs are written as exact JSON number text (never through a double). `tightBounds: false` for a logical file
 * with a deletion vector: its bounds may be those of deleted rows (still bounds, no longer exact).
 */
export function encodeDeltaStats(
  stats: FileStats,
  kinds: ReadonlyMap<string, DeltaStatKind>,
  tightBounds = true,
): string {
  const mins: string[] = []
  const maxs: string[] = []
  const nulls: string[] = []
  for (const [column, c] of Object.entries(stats.columns)) {
    const kind = kinds.get(column)
    if (kind === undefined) continue
    const name = JSON.stringify(column)
    nulls.push(`${name}:${c.nullCount}`)
    if (c.min === undefined || c.max === undefined) continue
    const min = encodeBound(kind, c.min)
    const max = encodeBound(kind, c.max)
    if (min === undefined || max === undefined) continue
    mins.push(`${name}:${min}`)
    maxs.push(`${name}:${max}`)
  }
  const tight = tightBounds ? '' : ',"tightBounds":false'
  return `{"numRecords":${stats.numRows}${tight},"minValues":{${mins.join(',')}},"maxValues":{${maxs.join(',')}},"nullCount":{${nulls.join(',')}}}`
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/**
 * pf's statistics of a `stats` JSON, or why they cannot be used. Bounds of unknown columns, nested columns and
 * values that do not parse exactly are dropped (a missing bound only means the file is read); `numRecords` is
 * required (pf counts rows from the log). `tightBounds: false` bounds are kept: they are still bounds.
 */
export function decodeDeltaStats(
  json: string,
  kinds: ReadonlyMap<string, DeltaStatKind>,
): { ok: true; value: FileStats } | { ok: false; problem: string } {
  let raw: unknown
  try {
    raw = JSON.parse(json)
  } catch {
    return { ok: false, problem: 'stats are not valid JSON' }
  }
  if (!isRecord(raw)) return { ok: false, problem: 'stats are not a JSON object' }
  const numRecords = raw.numRecords
  if (typeof numRecords !== 'number' || !Number.isSafeInteger(numRecords) || numRecords < 0)
    return { ok: false, problem: 'stats.numRecords: expected non-negative integer' }
  const mins = isRecord(raw.minValues) ? raw.minValues : {}
  const maxs = isRecord(raw.maxValues) ? raw.maxValues : {}
  const nulls = isRecord(raw.nullCount) ? raw.nullCount : {}
  const columns: Record<string, ColumnStats> = {}
  for (const [column, kind] of kinds) {
    const n = nulls[column]
    // Without a null count nothing is known of the column: pf's pruning then reads the file.
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0 || n > numRecords) continue
    const min = decodeBound(kind, mins[column], 'min')
    const max = decodeBound(kind, maxs[column], 'max')
    columns[column] = min === undefined || max === undefined ? { nullCount: n } : { nullCount: n, min, max }
  }
  return { ok: true, value: { numRows: numRecords, columns } }
}
