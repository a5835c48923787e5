// A checkpoint's Arrow columns built from plain values, and read back into them, buffer by buffer: apache-arrow's
// generic builders and row proxies took over a second each way for 10,000 adds, this takes tens of milliseconds.
// Arrow's layout (apache-arrow's Data): value offsets and fixed-width values are already sliced to the array's
// offset; validity and boolean bitmaps are not (index + offset).
import type { DataType as ArrowDataType, Data } from 'apache-arrow'
import { DataType, makeData } from '../vendor/apache-arrow.js'
import {
  CHECKPOINT_REQUIRED,
  type CheckpointFieldKind,
  type CheckpointStructSpec,
} from './checkpoint-arrow-schema.js'
import { CheckpointFormatError } from './checkpoint-format-error.js'

const INT32_MAX = 2 ** 31 - 1

/**
 * One column's values as encodeCheckpoint prepares them, null for null: strings, numbers (long, int), booleans,
 * `[key, value]` lists (map), string lists (array), or a struct's values by field name.
 */
export type ColumnValue = unknown

function validity(values: readonly ColumnValue[]): { nullBitmap: Uint8Array; nullCount: number } {
  const nullBitmap = new Uint8Array((values.length + 7) >> 3)
  let nullCount = 0
  for (let i = 0; i < values.length; i++)
    if (values[i] === null || values[i] === undefined) nullCount++
    else nullBitmap[i >> 3] = (nullBitmap[i >> 3] as number) | (1 << (i & 7))
  return { nullBitmap, nullCount }
}

function utf8Buffers(values: readonly ColumnValue[], path: string, file: string) {
  const valueOffsets = new Int32Array(values.length + 1)
  let total = 0
  for (let i = 0; i < values.length; i++) {
    const value = values[i]
    if (typeof value === 'string') total += Buffer.byteLength(value)
    if (total > INT32_MAX)
      throw new CheckpointFormatError(file, path, 'more than 2 GiB of text in one column')
    valueOffsets[i + 1] = total
  }
  const data = new Uint8Array(total)
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  for (let i = 0; i < values.length; i++) {
    const value = values[i]
    if (typeof value === 'string') view.write(value, valueOffsets[i] as number, 'utf8')
  }
  return { valueOffsets, data }
}

/** The Arrow data of one column of `type` (the checkpoint schema's), from values already checked against `kind`. */
export function columnData(
  values: readonly ColumnValue[],
  kind: CheckpointFieldKind,
  type: ArrowDataType,
  path: string,
  file: string,
): Data {
  const length = values.length
  const { nullBitmap, nullCount } = validity(values)
  switch (kind) {
    case 'string':
      return makeData({ type, length, nullCount, nullBitmap, ...utf8Buffers(values, path, file) } as never)
    case 'long': {
      const data = new BigInt64Array(length)
      for (let i = 0; i < length; i++)
        if (typeof values[i] === 'number') data[i] = BigInt(values[i] as number)
      return makeData({ type, length, nullCount, nullBitmap, data } as never)
    }
    case 'int': {
      const data = new Int32Array(length)
      for (let i = 0; i < length; i++) if (typeof values[i] === 'number') data[i] = values[i] as number
      return makeData({ type, length, nullCount, nullBitmap, data } as never)
    }
    case 'boolean': {
      const data = new Uint8Array((length + 7) >> 3)
      for (let i = 0; i < length; i++)
        if (values[i] === true) data[i >> 3] = (data[i >> 3] as number) | (1 << (i & 7))
      return makeData({ type, length, nullCount, nullBitmap, data } as never)
    }
    case 'map':
    case 'array': {
      const valueOffsets = new Int32Array(length + 1)
      const items: ColumnValue[] = []
      for (let i = 0; i < length; i++) {
        const value = values[i]
        if (Array.isArray(value)) for (const item of value) items.push(item)
        valueOffsets[i + 1] = items.length
      }
      const childType = type.children[0]?.type as ArrowDataType
      let child: Data
      if (kind === 'array') child = columnData(items, 'string', childType, `${path}[]`, file)
      else {
        const entries = items as readonly (readonly [string, string | null])[]
        const [keyField, valueField] = childType.children
        child = makeData({
          type: childType,
          length: entries.length,
          nullCount: 0,
          children: [
            columnData(
              entries.map(([key]) => key),
              'string',
              keyField?.type as ArrowDataType,
              `${path}.key`,
              file,
            ),
            columnData(
              entries.map(([, value]) => value),
              'string',
              valueField?.type as ArrowDataType,
              `${path}.value`,
              file,
            ),
          ],
        } as never)
      }
      return makeData({ type, length, nullCount, nullBitmap, valueOffsets, child } as never)
    }
    default: {
      const children = Object.entries(kind).map(([name, fieldKind], index) =>
        columnData(
          values.map((value) =>
            value === null || value === undefined
              ? null
              : ((value as Record<string, ColumnValue>)[name] ?? null),
          ),
          fieldKind,
          type.children[index]?.type as ArrowDataType,
          `${path}.${name}`,
          file,
        ),
      )
      return makeData({ type, length, nullCount, nullBitmap, children } as never)
    }
  }
}

/** Reads one row of a column as a plain value; undefined for null. */
export type ColumnReader = (index: number) => unknown

function typeError(
  file: string,
  path: string,
  expected: string,
  actual: ArrowDataType,
): CheckpointFormatError {
  return new CheckpointFormatError(file, path, `expected ${expected}, the file has ${String(actual)}`)
}

/**
 * A reader of one column of a checkpoint file as the spec's JSON holds it: maps become plain objects, longs numbers
 * (beyond 2^53 is an error), absent struct fields and unknown ones are left out, required ones checked.
 */
export function columnReader(
  data: Data,
  kind: CheckpointFieldKind,
  path: string,
  file: string,
  /** The file row of index 0 (a batch's first row), for messages. */
  firstRow = 0,
): ColumnReader {
  const type = data.type
  const valid = data.nullCount > 0 ? (i: number) => data.getValid(i) : () => true
  switch (kind) {
    case 'string': {
      if (!DataType.isUtf8(type) && !DataType.isLargeUtf8(type)) throw typeError(file, path, 'a string', type)
      const offsets = data.valueOffsets as ArrayLike<number | bigint>
      const values = data.values as Uint8Array
      const text = Buffer.from(values.buffer, values.byteOffset, values.byteLength)
      return (i) => (valid(i) ? text.toString('utf8', Number(offsets[i]), Number(offsets[i + 1])) : undefined)
    }
    case 'boolean': {
      if (!DataType.isBool(type)) throw typeError(file, path, 'a boolean', type)
      const bits = data.values as Uint8Array
      return (i) => {
        if (!valid(i)) return undefined
        const bit = data.offset + i
        return ((bits[bit >> 3] as number) & (1 << (bit & 7))) !== 0
      }
    }
    case 'long':
    case 'int': {
      if (!DataType.isInt(type)) throw typeError(file, path, `an integer (${kind})`, type)
      const values = data.values as ArrayLike<number | bigint>
      return (i) => {
        if (!valid(i)) return undefined
        const value = values[i] as number | bigint
        if (typeof value === 'number') return value
        if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER))
          throw new CheckpointFormatError(
            file,
            path,
            `row ${firstRow + i}: ${value} is beyond 2^53, not exact as a number`,
          )
        return Number(value)
      }
    }
    case 'map': {
      if (!DataType.isMap(type)) throw typeError(file, path, 'a map<string,string>', type)
      const offsets = data.valueOffsets as ArrayLike<number>
      const entries = data.children[0] as Data
      const key = columnReader(entries.children[0] as Data, 'string', `${path}.key`, file)
      const value = columnReader(entries.children[1] as Data, 'string', `${path}.value`, file)
      return (i) => {
        if (!valid(i)) return undefined
        const result: Record<string, string | null> = {}
        for (let j = offsets[i] as number; j < (offsets[i + 1] as number); j++) {
          const name = key(j)
          if (typeof name !== 'string')
            throw new CheckpointFormatError(file, path, `row ${firstRow + i}: a map key is null`)
          // defineProperty: a key named "__proto__" is data, not the object's prototype.
          Object.defineProperty(result, name, {
            value: value(j) ?? null,
            enumerable: true,
            writable: true,
            configurable: true,
          })
        }
        return result
      }
    }
    case 'array': {
      if (!DataType.isList(type) && !DataType.isLargeList(type))
        throw typeError(file, path, 'an array<string>', type)
      const offsets = data.valueOffsets as ArrayLike<number | bigint>
      const item = columnReader(data.children[0] as Data, 'string', `${path}[]`, file)
      return (i) => {
        if (!valid(i)) return undefined
        const result: string[] = []
        for (let j = Number(offsets[i]); j < Number(offsets[i + 1]); j++) {
          const value = item(j)
          if (value === undefined)
            throw new CheckpointFormatError(file, path, `row ${firstRow + i}: an item is null`)
          result.push(value as string)
        }
        return result
      }
    }
    default:
      return structReader(data, kind, path, file, firstRow)
  }
}

function structReader(
  data: Data,
  spec: CheckpointStructSpec,
  path: string,
  file: string,
  firstRow: number,
): ColumnReader {
  const type = data.type
  if (!DataType.isStruct(type)) throw typeError(file, path, 'a struct', type)
  const valid = data.nullCount > 0 ? (i: number) => data.getValid(i) : () => true
  const fields: { name: string; read: ColumnReader }[] = []
  for (const [name, kind] of Object.entries(spec)) {
    const index = type.children.findIndex((field) => field.name === name)
    const child = data.children[index]
    if (index >= 0 && child !== undefined)
      fields.push({ name, read: columnReader(child, kind, `${path}.${name}`, file, firstRow) })
  }
  const required = CHECKPOINT_REQUIRED[path] ?? []
  return (i) => {
    if (!valid(i)) return undefined
    const result: Record<string, unknown> = {}
    for (const { name, read } of fields) {
      const value = read(i)
      if (value !== undefined) result[name] = value
    }
    for (const name of required)
      if (result[name] === undefined)
        throw new CheckpointFormatError(
          file,
          `${path}.${name}`,
          `row ${firstRow + i}: required, but null or absent`,
        )
    return result
  }
}
