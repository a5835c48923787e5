/** The subset of Avro schema JSON this runtime writes and inspects (plain, JSON-serialisable data). */
export type AvroPrimitive = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string'

export interface AvroLogical {
  readonly type: 'int' | 'long' | 'string' | 'bytes'
  readonly logicalType: string
}

/** Avro's decimal logical type on bytes: the unscaled value as big-endian two's complement. */
export interface AvroDecimal {
  readonly type: 'bytes'
  readonly logicalType: 'decimal'
  readonly precision: number
  readonly scale: number
}

export interface AvroEnumSchema {
  readonly type: 'enum'
  readonly name: string
  readonly namespace?: string
  readonly symbols: readonly string[]
  readonly doc?: string
}

export interface AvroArraySchema {
  readonly type: 'array'
  readonly items: AvroType
}

export interface AvroMapSchema {
  readonly type: 'map'
  readonly values: AvroType
}

export interface AvroFixedSchema {
  readonly type: 'fixed'
  readonly name: string
  readonly namespace?: string
  readonly size: number
}

export interface AvroField {
  readonly name: string
  readonly type: AvroType
  readonly default?: unknown
  readonly doc?: string
}

export interface AvroRecordSchema {
  readonly type: 'record'
  readonly name: string
  readonly namespace?: string
  readonly doc?: string
  readonly fields: readonly AvroField[]
}

/** Any Avro type: a primitive or named-type reference (string), a union (array), or a complex type. */
export type AvroType =
  | AvroPrimitive
  | string
  | readonly AvroType[]
  | AvroLogical
  | AvroDecimal
  | AvroEnumSchema
  | AvroArraySchema
  | AvroMapSchema
  | AvroFixedSchema
  | AvroRecordSchema
  | { readonly type: AvroPrimitive }

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/** True for a valid Avro name (record, enum, field): `[A-Za-z_][A-Za-z0-9_]*`. */
export function isValidAvroName(name: string): boolean {
  return NAME.test(name)
}

/** Makes a valid Avro name from any text: invalid characters become `_`, a leading digit gets a `_` prefix. */
export function toAvroName(text: string, fallback = 'Record'): string {
  const cleaned = text.replace(/[^A-Za-z0-9_]/g, '_')
  if (cleaned === '') return fallback
  return /^[0-9]/.test(cleaned) ? `_${cleaned}` : cleaned
}
