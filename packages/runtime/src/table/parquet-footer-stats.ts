import { ThriftCompactReader, type ThriftStruct, type ThriftValue } from '../format/thrift-compact-reader.js'
import type { EntityIR, FieldIR } from '../schema/schema-ir.js'
import { compareUtf8, type StatKind, type StatValue, statKind } from './file-stats.js'

/** A column's min and max, as stored in the log. */
export interface ColumnRange {
  readonly min: StatValue
  readonly max: StatValue
}

// Parquet physical types (parquet.thrift `Type`).
const INT32 = 1
const INT64 = 2
const DOUBLE = 5
const BYTE_ARRAY = 6

/** Exact: invalid UTF-8 is an error, and a leading U+FEFF is part of the value (TextDecoder strips it by default). */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

function list(value: ThriftValue | undefined): ThriftValue[] {
  return Array.isArray(value) ? value : []
}

function struct(value: ThriftValue | undefined): ThriftStruct | undefined {
  return value instanceof Map ? (value as ThriftStruct) : undefined
}

function bytes(value: ThriftValue | undefined): Uint8Array | undefined {
  return value instanceof Uint8Array ? value : undefined
}

/** The FileMetaData struct of a Parquet file held in memory; undefined when it is not one. */
function fileMetaData(parquet: Uint8Array): ThriftStruct | undefined {
  const n = parquet.length
  if (n < 12) return undefined
  const view = new DataView(parquet.buffer, parquet.byteOffset, n)
  // 'PAR1' little-endian.
  if (view.getUint32(n - 4, true) !== 0x31524150) return undefined
  const length = view.getUint32(n - 8, true)
  if (length + 12 > n) return undefined
  try {
    return new ThriftCompactReader(parquet.subarray(n - 8 - length, n - 8)).readStruct()
  } catch {
    return undefined
  }
}

/** Which physical type a field's statistic must have (its table dtype's Parquet encoding). */
function physicalTypeOf(field: FieldIR, kind: StatKind): number | undefined {
  if (kind === 'int') return INT64
  if (kind === 'string') return BYTE_ARRAY
  if (kind === 'float') return field.type.kind === 'scalar' && field.type.name === 'Date' ? INT32 : DOUBLE
  return undefined
}

/** A plain-encoded statistic as the log stores it; undefined when it is not a usable bound. */
function decode(value: Uint8Array, physical: number): StatValue | bigint | undefined {
  const view = new DataView(value.buffer, value.byteOffset, value.length)
  switch (physical) {
    case INT32:
      return value.length === 4 ? view.getInt32(0, true) : undefined
    case INT64:
      return value.length === 8 ? view.getBigInt64(0, true) : undefined
    case DOUBLE: {
      if (value.length !== 8) return undefined
      const v = view.getFloat64(0, true)
      // NaN or infinite bounds are no bounds (the polars path leaves such columns without a range).
      return Number.isFinite(v) ? v : undefined
    }
    case BYTE_ARRAY:
      try {
        return utf8.decode(value)
      } catch {
        return undefined
      }
    default:
      return undefined
  }
}

function less(a: StatValue | bigint, b: StatValue | bigint): boolean {
  if (typeof a === 'string' && typeof b === 'string') return compareUtf8(a, b) < 0
  return a < b
}

/**
 * Min/max per column from the statistics polars writes into a Parquet footer,
 * so a bulk write need not reduce every column a second time. Only columns of
 * `columns` (stored names of fields whose frame dtype is the table's) are read;
 * a column is left out when any row group holding values lacks a usable min or
 * max (then the caller computes it). Int64 and timestamps (microseconds) are
 * exact decimal strings, Date is days, strings are UTF-8 (Parquet orders
 * them by bytes, as polars does). Never throws: an unreadable footer yields no ranges.
 */
export function parquetFooterRanges(
  parquet: Uint8Array,
  entity: EntityIR,
  columns: ReadonlySet<string>,
): Map<string, ColumnRange> {
  const out = new Map<string, ColumnRange>()
  const meta = fileMetaData(parquet)
  if (!meta) return out
  const wanted = new Map<string, { physical: number; kind: StatKind }>()
  for (const field of entity.fields) {
    const kind = statKind(field)
    const physical = physicalTypeOf(field, kind)
    if (physical !== undefined && columns.has(field.column)) wanted.set(field.column, { physical, kind })
  }
  const mins = new Map<string, StatValue | bigint>()
  const maxs = new Map<string, StatValue | bigint>()
  const unusable = new Set<string>()
  for (const group of list(meta.get(4))) {
    const rowGroup = struct(group)
    if (!rowGroup) return new Map()
    const rows = Number(rowGroup.get(3) ?? -1)
    for (const chunk of list(rowGroup.get(1))) {
      const columnMeta = struct(struct(chunk)?.get(3))
      const path = list(columnMeta?.get(3))
      const name = path.length === 1 && path[0] instanceof Uint8Array ? utf8.decode(path[0]) : undefined
      const want = name === undefined ? undefined : wanted.get(name)
      if (!columnMeta || name === undefined || !want || unusable.has(name)) continue
      const stats = struct(columnMeta.get(12))
      const nulls = stats?.get(3)
      if (typeof nulls === 'bigint' && Number(nulls) === rows) continue
      const rawMin = bytes(stats?.get(6))
      const rawMax = bytes(stats?.get(5))
      const min = rawMin && columnMeta.get(1) === want.physical ? decode(rawMin, want.physical) : undefined
      const max = rawMax && columnMeta.get(1) === want.physical ? decode(rawMax, want.physical) : undefined
      if (min === undefined || max === undefined) {
        unusable.add(name)
        continue
      }
      const lo = mins.get(name)
      const hi = maxs.get(name)
      if (lo === undefined || less(min, lo)) mins.set(name, min)
      if (hi === undefined || less(hi, max)) maxs.set(name, max)
    }
  }
  for (const [name, want] of wanted) {
    const min = mins.get(name)
    const max = maxs.get(name)
    if (unusable.has(name) || min === undefined || max === undefined) continue
    out.set(
      name,
      want.kind === 'int'
        ? { min: String(min), max: String(max) }
        : { min: min as StatValue, max: max as StatValue },
    )
  }
  return out
}
