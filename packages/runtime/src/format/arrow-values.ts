import type { Field } from 'apache-arrow'
import pl from 'nodejs-polars'
import { DataType, Precision, tableFromIPC } from '../vendor/apache-arrow.js'

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)

/** The Arrow fields of a frame's columns, from its empty IPC image (describes dtypes nodejs-polars cannot). */
export function arrowFields(df: pl.DataFrame): Field[] {
  return tableFromIPC(df.head(0).writeIPC()).schema.fields
}

/** True for Arrow binary types (variable or fixed size). */
function isBinaryType(type: DataType): boolean {
  return (
    DataType.isBinary(type) ||
    DataType.isLargeBinary(type) ||
    DataType.isBinaryView(type) ||
    DataType.isFixedSizeBinary(type)
  )
}

/** The names of a frame's Binary columns (nodejs-polars 0.24 throws on their `dtype`, so Arrow names them). */
export function binaryColumnNames(df: pl.DataFrame): Set<string> {
  return new Set(
    arrowFields(df)
      .filter((f) => isBinaryType(f.type))
      .map((f) => f.name),
  )
}

/** True for types whose values nodejs-polars cannot hand to JS exactly (binary, Float16, nested): they cross through Arrow. */
export function needsArrow(type: DataType): boolean {
  if (isBinaryType(type)) return true
  if (DataType.isFloat(type)) return type.precision === Precision.HALF
  // Nested values: polars' own conversion loses 64-bit precision and fails on structs inside lists.
  return (
    DataType.isList(type) ||
    DataType.isLargeList(type) ||
    DataType.isFixedSizeList(type) ||
    DataType.isStruct(type) ||
    DataType.isMap(type)
  )
}

/** True when the type is or holds a 64-bit integer (those columns get the per-column number/bigint rule). */
function holdsInt64(type: DataType | undefined): boolean {
  if (type === undefined) return false
  if (DataType.isInt(type) && type.bitWidth === 64) return true
  return (type.children ?? []).some((c) => holdsInt64(c.type))
}

/** An unscaled decimal integer as exact text with `scale` fraction digits: ("-12345", 2) → "-123.45". */
export function decimalText(unscaled: string, scale: number): string {
  if (scale <= 0) return unscaled
  const negative = unscaled.startsWith('-')
  const digits = (negative ? unscaled.slice(1) : unscaled).padStart(scale + 1, '0')
  const text = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`
  return negative ? `-${text}` : text
}

/** Converts Arrow values to the JS value model; remembers whether a 64-bit integer was beyond 2^53. */
class ValueConverter {
  unsafe = false

  value(v: unknown, type: DataType): unknown {
    if (v === null || v === undefined) return null
    if (DataType.isInt(type) && type.bitWidth === 64) {
      const big = BigInt(v as bigint)
      if (big > MAX_SAFE || big < -MAX_SAFE) this.unsafe = true
      return big
    }
    if (DataType.isDecimal(type)) return decimalText(String(v), type.scale)
    if (DataType.isFloat(type)) return Number(v)
    if (isBinaryType(type)) return (v as Uint8Array).slice()
    if (DataType.isTimestamp(type) || DataType.isDate(type)) return new Date(Math.floor(Number(v)))
    if (DataType.isList(type) || DataType.isLargeList(type) || DataType.isFixedSizeList(type)) {
      const element = type.children[0]?.type as DataType
      return Array.from(v as Iterable<unknown>, (x) => this.value(x, element))
    }
    if (DataType.isStruct(type)) {
      const row = v as { toJSON(): Record<string, unknown> }
      const raw = row.toJSON()
      const out: Record<string, unknown> = {}
      for (const child of type.children) out[child.name] = this.value(raw[child.name], child.type)
      return out
    }
    if (DataType.isMap(type)) {
      const entry = type.children[0]?.type as DataType
      const [keyField, valueField] = entry.children
      const raw = (v as { toJSON(): Record<string, unknown> }).toJSON()
      return Object.entries(raw).map(([key, value]) => ({
        key: keyField ? this.value(key, keyField.type) : key,
        value: valueField ? this.value(value, valueField.type) : value,
      }))
    }
    return v
  }
}

/** 64-bit integers back to numbers, for columns where every one of them is a safe integer. */
function narrow(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v)
  if (Array.isArray(v)) return v.map(narrow)
  if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array) && !(v instanceof Date)) {
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v)) out[k] = narrow(x)
    return out
  }
  return v
}

/**
 * One column's values through Arrow IPC (binary as Uint8Array, Float16 as number, decimals as exact text,
 * nested values as plain arrays and objects). 64-bit integers anywhere in the column are numbers when all of
 * them are safe integers, else all bigints: one rule per column.
 */
export function arrowColumnValues(series: pl.Series): unknown[] {
  const table = tableFromIPC(pl.DataFrame([series]).writeIPC())
  const column = table.getChildAt(0)
  const field = table.schema.fields[0]
  if (!column || !field) return []
  const converter = new ValueConverter()
  const values = Array.from({ length: column.length }, (_, i) => converter.value(column.get(i), field.type))
  return converter.unsafe || !holdsInt64(field.type) ? values : values.map(narrow)
}

/** Column names and Arrow type names of a frame (nodejs-polars cannot name Binary or Float16 dtypes itself). */
export function arrowColumnTypes(df: pl.DataFrame): { name: string; type: string }[] {
  return arrowFields(df).map((f) => ({ name: f.name, type: String(f.type) }))
}
