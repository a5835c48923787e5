import { decimalSpecOf } from '../schema/decimal-spec.js'
import type { EntityIR, EnumIR, FieldIR, FieldType } from '../schema/schema-ir.js'
import { IDENTITY_LONG_KEYS, identityColumnMetadata, isIdentityField } from './delta-identity.js'
import { DeltaSchemaError } from './delta-schema-error.js'

/**
 * Delta's schema serialization (PROTOCOL.md "Schema Serialization Format"): the JSON a `metaData.schemaString`
 * holds, as types, built from an entity (what other engines see) and parsed back (validated).
 */

/** A JSON value, as column metadata holds them; a bigint is a long written with all its digits. */
export type DeltaJson =
  | string
  | number
  | bigint
  | boolean
  | null
  | readonly DeltaJson[]
  | { readonly [key: string]: DeltaJson }

/** The spec's primitive type names; decimals are `decimal(p,s)`. */
export type DeltaPrimitiveType =
  | 'string'
  | 'long'
  | 'integer'
  | 'short'
  | 'byte'
  | 'float'
  | 'double'
  | 'boolean'
  | 'binary'
  | 'date'
  | 'timestamp'
  | 'timestamp_ntz'
  | 'void'
  | 'variant'
  | `decimal(${number},${number})`

export interface DeltaStructType {
  readonly type: 'struct'
  readonly fields: readonly DeltaStructField[]
}

export interface DeltaArrayType {
  readonly type: 'array'
  readonly elementType: DeltaDataType
  readonly containsNull: boolean
}

export interface DeltaMapType {
  readonly type: 'map'
  readonly keyType: DeltaDataType
  readonly valueType: DeltaDataType
  readonly valueContainsNull: boolean
}

export type DeltaDataType = DeltaPrimitiveType | DeltaStructType | DeltaArrayType | DeltaMapType

export interface DeltaStructField {
  readonly name: string
  readonly type: DeltaDataType
  readonly nullable: boolean
  readonly metadata: { readonly [key: string]: DeltaJson }
}

/** Column mapping of one field (name mode): the physical column name in data files and its stable id. */
export interface DeltaColumnMappingEntry {
  readonly physicalName: string
  readonly id: number
}

export interface DeltaSchemaOptions {
  /** Field name → column mapping; given, each field carries `delta.columnMapping.id/physicalName` metadata. */
  readonly columnMapping?: ReadonlyMap<string, DeltaColumnMappingEntry>
  /**
   * Names of Decimal/Bytes fields whose data files hold them as text (decimal strings, base64), as tables written
   * before decimal/binary storage do: the schema then says `string`, as stored. Default: none (decimal, binary).
   */
  readonly textStored?: ReadonlySet<string>
  /** Field name → the identity high-water mark of an autoincrement field (see delta-identity.ts); absent: none yet. */
  readonly identityHighWaterMarks?: ReadonlyMap<string, bigint>
  /**
   * Int/BigInt/Float field names → the narrower Delta type their column (a list field: its elements) keeps (another
   * writer's table pf adopted: Spark's `INT`, `SMALLINT`, `TINYINT`, `FLOAT`, `ARRAY<INT>`). Default: none (Int is
   * `long`, Float `double`).
   */
  readonly narrowStored?: Readonly<Record<string, NarrowDeltaType>>
  /** Required field names whose column stays `nullable: true` (an adopted table's; pf enforces non-null). Default none. */
  readonly nullableStored?: ReadonlySet<string>
  /** List field names whose array stays `containsNull: true` (an adopted table's; pf writes no null element). Default none. */
  readonly nullElementsStored?: ReadonlySet<string>
}

/**
 * Delta types narrower than pf's Int (`long`) and Float (`double`) that a column of an adopted table keeps: data
 * files store them as Parquet INT32 (annotated INT(32/16/8, signed)) and FLOAT.
 */
export type NarrowDeltaType = 'integer' | 'short' | 'byte' | 'float'

/** The values a narrow Delta type holds (PROTOCOL.md "Primitive Types": 4-, 2-, 1-byte signed integers; 4-byte float). */
export const NARROW_DELTA_RANGES: Readonly<
  Record<NarrowDeltaType, { readonly min: number; readonly max: number }>
> = {
  integer: { min: -(2 ** 31), max: 2 ** 31 - 1 },
  short: { min: -(2 ** 15), max: 2 ** 15 - 1 },
  byte: { min: -(2 ** 7), max: 2 ** 7 - 1 },
  // The largest finite 32-bit float; a larger double would be stored as infinity.
  float: { min: -3.4028234663852886e38, max: 3.4028234663852886e38 },
}

/** The pf field types a narrow Delta type may keep: Int and BigInt for the integers, Float for `float`; lists of them. */
function narrowsField(type: FieldType, narrow: NarrowDeltaType): boolean {
  if (type.kind === 'list') return narrowsField(type.element, narrow)
  if (type.kind !== 'scalar') return false
  return narrow === 'float' ? type.name === 'Float' : type.name === 'Int' || type.name === 'BigInt'
}

/**
 * The narrow type a column of `type` keeps for a field of `fieldType`: the column's type with pf's shape (an array
 * per list level) whose innermost type is narrow and one the field's scalar may keep; undefined otherwise.
 */
function narrowColumnType(fieldType: FieldType, type: DeltaDataType): NarrowDeltaType | undefined {
  if (fieldType.kind === 'list')
    return typeof type === 'object' && type.type === 'array'
      ? narrowColumnType(fieldType.element, type.elementType)
      : undefined
  return typeof type === 'string' &&
    type in NARROW_DELTA_RANGES &&
    narrowsField(fieldType, type as NarrowDeltaType)
    ? (type as NarrowDeltaType)
    : undefined
}

/** Whether a column's arrays (at any level) allow null elements. */
function allowsNullElements(type: DeltaDataType): boolean {
  return (
    typeof type === 'object' &&
    type.type === 'array' &&
    (type.containsNull || allowsNullElements(type.elementType))
  )
}

/** pf's Delta type of a column with its innermost type `narrow` (when given) and its arrays' `containsNull` kept. */
function withKeptShape(
  type: DeltaDataType,
  narrow: NarrowDeltaType | undefined,
  nullElements: boolean,
): DeltaDataType {
  if (typeof type === 'object' && type.type === 'array')
    return {
      type: 'array',
      elementType: withKeptShape(type.elementType, narrow, nullElements),
      containsNull: type.containsNull || nullElements,
    }
  return typeof type === 'string' && narrow !== undefined ? narrow : type
}

export interface DeltaSchema {
  readonly schema: DeltaStructType
  /** The schema as one line of JSON: `metaData.schemaString`. */
  readonly schemaString: string
}

/** The Delta type of a pf field type as its data files store it; `asText` for Decimal/Bytes held as strings. */
export function deltaTypeFor(type: FieldType, asText: boolean): DeltaDataType {
  switch (type.kind) {
    case 'enum':
      return 'string'
    case 'list':
      // pf lists never hold null elements (validation refuses them).
      return { type: 'array', elementType: deltaTypeFor(type.element, asText), containsNull: false }
    case 'scalar':
      switch (type.name) {
        case 'Int':
        case 'BigInt':
          return 'long'
        case 'Float':
          return 'double'
        case 'Boolean':
          return 'boolean'
        case 'String':
        case 'Json':
          return 'string'
        case 'Date':
          return 'date'
        case 'DateTime':
          return 'timestamp'
        case 'Decimal': {
          if (asText) return 'string'
          const { precision, scale } = decimalSpecOf(type)
          return `decimal(${precision},${scale})`
        }
        case 'Bytes':
          return asText ? 'string' : 'binary'
      }
  }
}

/** Whether a field of this type (or its list elements) is Decimal or Bytes. */
function isDecimalOrBytes(type: FieldType): boolean {
  if (type.kind === 'list') return isDecimalOrBytes(type.element)
  return type.kind === 'scalar' && (type.name === 'Decimal' || type.name === 'Bytes')
}

function fieldMetadata(field: FieldIR, options: DeltaSchemaOptions): Record<string, DeltaJson> {
  const metadata: Record<string, DeltaJson> = {}
  // Spark shows `comment` as the column comment (DESCRIBE TABLE).
  if (field.doc !== undefined) metadata.comment = field.doc
  const mapping = options.columnMapping?.get(field.name)
  if (mapping) {
    metadata['delta.columnMapping.id'] = mapping.id
    metadata['delta.columnMapping.physicalName'] = mapping.physicalName
  }
  if (isIdentityField(field))
    Object.assign(metadata, identityColumnMetadata(options.identityHighWaterMarks?.get(field.name)))
  return metadata
}

/** JSON text of a Delta JSON value, bigints as their exact digits (JSON.stringify refuses them). */
export function deltaJsonText(value: DeltaJson | DeltaStructType | DeltaDataType | DeltaStructField): string {
  if (typeof value === 'bigint') return String(value)
  if (typeof value !== 'object' || value === null) return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map((v: DeltaJson) => deltaJsonText(v)).join(',')}]`
  const entries = Object.entries(value as Record<string, DeltaJson>).filter(([, v]) => v !== undefined)
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${deltaJsonText(v)}`).join(',')}}`
}

/** The narrow Delta type a field's column keeps (`options.narrowStored`), when it is one the field's type allows. */
function narrowOf(field: FieldIR, options: DeltaSchemaOptions): NarrowDeltaType | undefined {
  const narrow = options.narrowStored?.[field.name]
  return narrow !== undefined && narrowsField(field.type, narrow) ? narrow : undefined
}

/** The Delta type of a field's column as the table stores it: pf's type, with the shapes an adopted table keeps. */
export function storedDeltaType(field: FieldIR, options: DeltaSchemaOptions = {}): DeltaDataType {
  const type = deltaTypeFor(
    field.type,
    isDecimalOrBytes(field.type) && (options.textStored?.has(field.name) ?? false),
  )
  return withKeptShape(type, narrowOf(field, options), options.nullElementsStored?.has(field.name) ?? false)
}

/**
 * The Delta schema of an entity's table: one field per pf field, named by its storage column, in field order
 * (partition columns included, as the spec wants). Required fields are `nullable: false`; autoincrement fields are
 * identity columns (delta-identity.ts). `enums` are accepted for
 * symmetry with the other schema builders (enum columns are strings; their values are CHECK constraints, see
 * delta-constraints.ts).
 */
export function deltaSchemaFor(
  entity: EntityIR,
  _enums: readonly EnumIR[] = [],
  options: DeltaSchemaOptions = {},
): DeltaSchema {
  const fields = entity.fields.map(
    (field): DeltaStructField => ({
      name: field.column,
      type: storedDeltaType(field, options),
      nullable: field.optional || (options.nullableStored?.has(field.name) ?? false),
      metadata: fieldMetadata(field, options),
    }),
  )
  const schema: DeltaStructType = { type: 'struct', fields }
  return { schema, schemaString: deltaJsonText(schema) }
}

const PRIMITIVES: ReadonlySet<string> = new Set([
  'string',
  'long',
  'integer',
  'short',
  'byte',
  'float',
  'double',
  'boolean',
  'binary',
  'date',
  'timestamp',
  'timestamp_ntz',
  'void',
  'variant',
])
const DECIMAL_RE = /^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$/
const MAX_PRECISION = 38

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Parses and validates one data type at `path`. Spark's legacy bare `decimal` means decimal(10,0). */
function parseType(value: unknown, path: string, source: string | undefined): DeltaDataType {
  const fail = (detail: string): never => {
    throw new DeltaSchemaError(source, path, detail)
  }
  if (typeof value === 'string') {
    if (PRIMITIVES.has(value)) return value as DeltaPrimitiveType
    if (value === 'decimal') return 'decimal(10,0)'
    const decimal = DECIMAL_RE.exec(value)
    if (decimal) {
      const precision = Number(decimal[1])
      const scale = Number(decimal[2])
      if (precision < 1 || precision > MAX_PRECISION) fail(`decimal precision ${precision} is not in 1..38`)
      if (scale > precision) fail(`decimal scale ${scale} is larger than its precision ${precision}`)
      return `decimal(${precision},${scale})`
    }
    return fail(`unknown type ${JSON.stringify(value)}`)
  }
  if (!isObject(value)) return fail(`expected a type name or a type object, got ${JSON.stringify(value)}`)
  const bool = (key: string): boolean => {
    const flag = value[key]
    if (typeof flag !== 'boolean') fail(`${key} must be a boolean, got ${JSON.stringify(flag)}`)
    return flag as boolean
  }
  switch (value.type) {
    case 'struct':
      return parseStruct(value, path, source)
    case 'array':
      return {
        type: 'array',
        elementType: parseType(value.elementType, `${path}.elementType`, source),
        containsNull: bool('containsNull'),
      }
    case 'variant':
      return 'variant'
    case 'map':
      return {
        type: 'map',
        keyType: parseType(value.keyType, `${path}.keyType`, source),
        valueType: parseType(value.valueType, `${path}.valueType`, source),
        valueContainsNull: bool('valueContainsNull'),
      }
    default:
      return fail(`unknown type ${JSON.stringify(value.type)}`)
  }
}

function parseStruct(
  value: Record<string, unknown>,
  path: string,
  source: string | undefined,
): DeltaStructType {
  const list = value.fields
  if (!Array.isArray(list)) throw new DeltaSchemaError(source, path, 'a struct needs a fields array')
  const seen = new Set<string>()
  const fields = list.map((raw: unknown, i): DeltaStructField => {
    const at = `${path === '' ? '' : `${path}.`}fields[${i}]`
    if (!isObject(raw)) throw new DeltaSchemaError(source, at, 'a field must be an object')
    const { name, nullable, metadata } = raw
    if (typeof name !== 'string' || name === '')
      throw new DeltaSchemaError(source, at, 'a field needs a name')
    const named = `${at} (${name})`
    // "All column names must be unique regardless of casing."
    const folded = name.toLowerCase()
    if (seen.has(folded))
      throw new DeltaSchemaError(source, named, `duplicate column name ${name} (names are case-insensitive)`)
    seen.add(folded)
    if (typeof nullable !== 'boolean') throw new DeltaSchemaError(source, named, 'nullable must be a boolean')
    if (metadata !== undefined && !isObject(metadata))
      throw new DeltaSchemaError(source, named, 'metadata must be an object')
    return {
      name,
      type: parseType(raw.type, `${named}.type`, source),
      nullable,
      metadata: exactLongs((metadata ?? {}) as Record<string, DeltaJson>),
    }
  })
  return { type: 'struct', fields }
}

/** Marks the digits of an identity long in schema text; `exactLongs` turns them into bigints after parsing. */
const LONG_MARK = '\u0000long:'
const LONG_MARK_TEXT = JSON.stringify(LONG_MARK).slice(1, -1)
const IDENTITY_LONG_RE = new RegExp(
  `("(?:${IDENTITY_LONG_KEYS.map((k) => k.replaceAll('.', '\\.')).join('|')})"\\s*:\\s*)(-?\\d+)(?=\\s*[,}])`,
  'g',
)

/** Column metadata with the marked identity longs as bigints (JSON numbers lose digits beyond 2^53). */
function exactLongs(metadata: Record<string, DeltaJson>): Record<string, DeltaJson> {
  let out = metadata
  for (const key of IDENTITY_LONG_KEYS) {
    const value = metadata[key]
    if (typeof value === 'string' && value.startsWith(LONG_MARK)) {
      if (out === metadata) out = { ...metadata }
      out[key] = BigInt(value.slice(LONG_MARK.length))
    }
  }
  return out
}

/** Parses a `metaData.schemaString`; throws DeltaSchemaError naming the field path and the problem. */
export function parseDeltaSchema(schemaString: string, source?: string): DeltaStructType {
  let json: unknown
  try {
    // Only a key can be followed by `":` unescaped, so a string value is never rewritten.
    json = JSON.parse(schemaString.replace(IDENTITY_LONG_RE, `$1"${LONG_MARK_TEXT}$2"`))
  } catch (error) {
    throw new DeltaSchemaError(source, '(root)', `not JSON: ${(error as Error).message}`)
  }
  if (!isObject(json) || json.type !== 'struct')
    throw new DeltaSchemaError(source, '(root)', 'the table schema must be a struct type')
  return parseStruct(json, '', source)
}

/**
 * The Decimal/Bytes fields a table's Delta schema says are stored as text (`string`, or an array of string):
 * tables whose data files predate decimal/binary storage. What `deltaSchemaFor`'s and the writer's `textStored`
 * take, so a table keeps one physical type per column (PROTOCOL.md "Consistency Between Table Metadata and Data
 * Files"). Fields are matched by storage column.
 */
export function textStoredFields(entity: EntityIR, schema: DeltaStructType): Set<string> {
  const byName = new Map(schema.fields.map((f) => [f.name, f.type]))
  const isText = (type: DeltaDataType | undefined): boolean =>
    type === 'string' || (typeof type === 'object' && type.type === 'array' && isText(type.elementType))
  const out = new Set<string>()
  for (const field of entity.fields)
    if (isDecimalOrBytes(field.type) && isText(byName.get(field.column))) out.add(field.name)
  return out
}

/** `decimal(10,2)` → { precision: 10, scale: 2 }; undefined for any other type. */
export function deltaDecimalOf(type: DeltaDataType): { precision: number; scale: number } | undefined {
  if (typeof type !== 'string') return undefined
  const match = DECIMAL_RE.exec(type)
  return match ? { precision: Number(match[1]), scale: Number(match[2]) } : undefined
}

/**
 * What an adopted table's columns keep where pf's mapping would differ (PROTOCOL.md "Consistency Between Table
 * Metadata and Data Files": a column keeps its type): Int/Float fields (or lists of them) whose column (its
 * elements) is a narrow type, required fields whose column is nullable, and list fields whose array allows null
 * elements. What `deltaSchemaFor`'s `narrowStored`/`nullableStored`/`nullElementsStored` take, so the schema pf
 * writes is the table's. Fields are matched by storage column; empty for a table pf created.
 */
export function keptColumnShapes(
  entity: EntityIR,
  schema: DeltaStructType,
): {
  narrowStored: Record<string, NarrowDeltaType>
  nullableStored: Set<string>
  nullElementsStored: Set<string>
} {
  const byName = new Map(schema.fields.map((f) => [f.name, f]))
  const narrowStored: Record<string, NarrowDeltaType> = {}
  const nullableStored = new Set<string>()
  const nullElementsStored = new Set<string>()
  for (const field of entity.fields) {
    const column = byName.get(field.column)
    if (!column) continue
    const narrow = narrowColumnType(field.type, column.type)
    if (narrow !== undefined) narrowStored[field.name] = narrow
    if (!field.optional && column.nullable) nullableStored.add(field.name)
    if (field.type.kind === 'list' && allowsNullElements(column.type)) nullElementsStored.add(field.name)
  }
  return { narrowStored, nullableStored, nullElementsStored }
}
