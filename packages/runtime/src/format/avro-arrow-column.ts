import type avsc from 'avsc'
import pl from 'nodejs-polars'
import {
  Binary,
  Bool,
  type DataType,
  Field,
  Float32,
  Float64,
  Int32,
  Int64,
  List,
  Struct,
  Table,
  tableToIPC,
  Utf8,
  vectorFromArray,
} from '../vendor/apache-arrow.js'

/** The parts of avsc's Type objects read here (its typings do not describe them). */
interface AvscType {
  readonly typeName: string
  readonly types?: readonly AvscType[]
  readonly itemsType?: AvscType
  readonly valuesType?: AvscType
  readonly fields?: readonly { readonly name: string; readonly type: AvscType }[]
  readonly branchName?: string
}

/** A JS value shaped for Arrow's builders, from an avsc-decoded value of `type`. */
type Convert = (value: unknown) => unknown

interface ArrowShape {
  readonly type: DataType
  readonly convert: Convert
}

const nullable =
  (convert: Convert): Convert =>
  (v) =>
    v === null || v === undefined ? null : convert(v)

const same: Convert = (v) => v

/**
 * The Arrow type of an avsc type and the conversion of its values, or undefined for a type without a finite
 * Arrow type (a recursive record) or a lone `null`. Unions of several non-null types are decoded wrapped
 * (`{ branch: value }`, see `compileAvroReaderType`) and become a struct with one field per branch.
 */
function arrowShape(type: AvscType, path: readonly AvscType[]): ArrowShape | undefined {
  if (path.includes(type)) return undefined
  const inner = [...path, type]
  switch (type.typeName) {
    case 'boolean':
      return { type: new Bool(), convert: nullable(same) }
    case 'int':
      return { type: new Int32(), convert: nullable(same) }
    case 'long':
    case 'abstract:long':
      return { type: new Int64(), convert: nullable((v) => BigInt(v as number | bigint)) }
    case 'float':
      return { type: new Float32(), convert: nullable(same) }
    case 'double':
      return { type: new Float64(), convert: nullable(same) }
    case 'bytes':
    case 'fixed':
      return { type: new Binary(), convert: nullable((v) => new Uint8Array(v as Uint8Array)) }
    case 'string':
    case 'enum':
      return { type: new Utf8(), convert: nullable(same) }
    case 'array': {
      const item = type.itemsType && arrowShape(type.itemsType, inner)
      if (!item) return undefined
      return {
        type: new List(new Field('item', item.type, true)),
        convert: nullable((v) => (v as unknown[]).map(item.convert)),
      }
    }
    case 'map': {
      // The layout polars and the Parquet reads use for maps: a list of {key, value} structs.
      const value = type.valuesType && arrowShape(type.valuesType, inner)
      if (!value) return undefined
      const entry = new Struct([new Field('key', new Utf8(), false), new Field('value', value.type, true)])
      return {
        type: new List(new Field('item', entry, true)),
        convert: nullable((v) =>
          Object.entries(v as Record<string, unknown>).map(([key, x]) => ({ key, value: value.convert(x) })),
        ),
      }
    }
    case 'record': {
      const fields = (type.fields ?? []).map((f) => ({ name: f.name, shape: arrowShape(f.type, inner) }))
      if (fields.length === 0 || fields.some((f) => !f.shape)) return undefined
      const shaped = fields as { name: string; shape: ArrowShape }[]
      return {
        type: new Struct(shaped.map((f) => new Field(f.name, f.shape.type, true))),
        convert: nullable((v) => {
          const record = v as Record<string, unknown>
          return Object.fromEntries(shaped.map((f) => [f.name, f.shape.convert(record[f.name])]))
        }),
      }
    }
    case 'union:unwrapped': {
      // Only `null` plus one type is decoded unwrapped (see `compileAvroReaderType`).
      const branches = (type.types ?? []).filter((b) => b.typeName !== 'null')
      return branches.length === 1 ? arrowShape(branches[0] as AvscType, inner) : undefined
    }
    case 'union:wrapped': {
      const branches = (type.types ?? [])
        .filter((b) => b.typeName !== 'null')
        .map((b) => ({ name: b.branchName ?? b.typeName, shape: arrowShape(b, inner) }))
      if (branches.some((b) => !b.shape)) return undefined
      const shaped = branches as { name: string; shape: ArrowShape }[]
      return {
        type: new Struct(shaped.map((b) => new Field(b.name, b.shape.type, true))),
        convert: nullable((v) => {
          const wrapped = v as Record<string, unknown>
          return Object.fromEntries(shaped.map((b) => [b.name, b.shape.convert(wrapped[b.name] ?? null)]))
        }),
      }
    }
    default:
      return undefined
  }
}

/**
 * A polars column built through Arrow IPC from avsc-decoded values of `type` (the field's compiled avsc type):
 * exact types at every depth — bytes and fixed as Binary, longs as Int64, maps as lists of `{key, value}`,
 * unions of several types as a struct with one field per branch. Undefined when the type has no Arrow
 * equivalent (recursive records): the caller falls back to inference.
 */
export function avroArrowColumn(
  name: string,
  type: avsc.Type,
  values: readonly unknown[],
): pl.Series | undefined {
  const shape = arrowShape(type as unknown as AvscType, [])
  if (!shape) return undefined
  const vector = vectorFromArray(values.map(shape.convert), shape.type)
  const table = new Table({ [name]: vector })
  return pl.readIPCStream(Buffer.from(tableToIPC(table, 'stream'))).getColumn(name)
}
