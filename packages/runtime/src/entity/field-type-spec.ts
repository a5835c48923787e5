import { fieldTypeLabel } from '../schema/entity-rules.js'
import type { EnumIR, FieldType, ScalarTypeName } from '../schema/schema-ir.js'
import { SCALAR_TYPE_NAMES } from '../schema/schema-ir.js'
import type { MissingDesignType } from './decorator-metadata.js'

/** Lower-case names accepted by `@field(...)`; a trailing `?` makes the field optional (nullable). */
export type ScalarSpecName =
  | 'int'
  | 'bigint'
  | 'float'
  | 'decimal'
  | 'string'
  | 'boolean'
  | 'datetime'
  | 'date'
  | 'json'
  | 'bytes'

/** An enum type: its name and allowed values. */
export interface EnumSpec {
  readonly kind: 'enum'
  readonly name: string
  readonly values: readonly string[]
}

/** A list of another type. */
export interface ListSpec {
  readonly kind: 'list'
  readonly element: FieldTypeSpec
}

/** How a field's storage type is written in decorators: `'int'`, `'int?'`, `'BigInt'`, `listOf('string')`, `enumOf(...)`. */
export type FieldTypeSpec = ScalarSpecName | `${ScalarSpecName}?` | ScalarTypeName | EnumSpec | ListSpec

const LOWER_TO_SCALAR: Readonly<Record<ScalarSpecName, ScalarTypeName>> = {
  int: 'Int',
  bigint: 'BigInt',
  float: 'Float',
  decimal: 'Decimal',
  string: 'String',
  boolean: 'Boolean',
  datetime: 'DateTime',
  date: 'Date',
  json: 'Json',
  bytes: 'Bytes',
}

/** A list type spec: `listOf('string')` is `String[]`. */
export function listOf(element: FieldTypeSpec): ListSpec {
  return { kind: 'list', element }
}

/**
 * An enum type spec. `values` is a list of strings, or a TypeScript string enum object
 * (`enum Role { ADMIN = 'ADMIN' }`), whose values are used.
 */
export function enumOf(
  name: string,
  values: readonly string[] | Readonly<Record<string, string | number>>,
): EnumSpec {
  const list = Array.isArray(values)
    ? [...(values as readonly string[])]
    : Object.values(values).filter((v): v is string => typeof v === 'string')
  return { kind: 'enum', name, values: list }
}

/** The result of reading a spec: the IR type, whether `?` made it optional, and enums it declares. */
export interface ResolvedFieldType {
  readonly type: FieldType
  readonly optional: boolean
  readonly enums: readonly EnumIR[]
}

/** Reads a type spec; returns a string describing the problem when the spec is not supported. */
export function resolveFieldTypeSpec(spec: unknown): ResolvedFieldType | string {
  if (typeof spec === 'string') {
    const optional = spec.endsWith('?')
    const name = optional ? spec.slice(0, -1) : spec
    const scalar = (SCALAR_TYPE_NAMES as readonly string[]).includes(name)
      ? (name as ScalarTypeName)
      : LOWER_TO_SCALAR[name as ScalarSpecName]
    if (!scalar) return spec
    return { type: { kind: 'scalar', name: scalar }, optional, enums: [] }
  }
  if (spec && typeof spec === 'object' && 'kind' in spec) {
    const s = spec as { kind: unknown }
    if (s.kind === 'enum') {
      const e = spec as EnumSpec
      if (!e.name || e.values.length === 0) return `enum ${e.name || '(unnamed)'} without values`
      return {
        type: { kind: 'enum', name: e.name },
        optional: false,
        enums: [{ name: e.name, values: e.values }],
      }
    }
    if (s.kind === 'list') {
      const inner = resolveFieldTypeSpec((spec as ListSpec).element)
      if (typeof inner === 'string') return `list of ${inner}`
      if (inner.type.kind === 'list') return 'list of list'
      return { type: { kind: 'list', element: inner.type }, optional: false, enums: inner.enums }
    }
  }
  return describe(spec)
}

/** The IR type for a `design:type` constructor emitted by `emitDecoratorMetadata`, or a reason it cannot be used. */
export function typeFromDesignType(designType: unknown, isId: boolean): FieldType | string {
  switch (designType) {
    case String:
      return { kind: 'scalar', name: 'String' }
    case Boolean:
      return { kind: 'scalar', name: 'Boolean' }
    case Date:
      return { kind: 'scalar', name: 'DateTime' }
    case BigInt:
      return { kind: 'scalar', name: 'BigInt' }
    case Uint8Array:
      return { kind: 'scalar', name: 'Bytes' }
    case Number:
      // An id of type number is an integer; any other number could be int or float.
      return isId ? { kind: 'scalar', name: 'Int' } : "TypeScript type 'number' could be 'int' or 'float'"
    case Array:
      return "TypeScript type is an array: use listOf('...')"
    case undefined:
      return 'no type given and no design-time type metadata'
    default:
      return `TypeScript type '${describe(designType)}' has no storage type`
  }
}

/** Why a field has no design-time type, worded for the declaration error. */
export function missingDesignTypeReason(why: MissingDesignType | undefined): string {
  switch (why) {
    case 'standard-decorators':
      return 'standard decorators never carry design-time type metadata, so the TypeScript type is unknown at run time'
    case 'no-reflect-metadata':
      return "no design-time type metadata: no reflect-metadata implementation is loaded (import 'reflect-metadata' before the classes)"
    default:
      return 'no design-time type metadata: this compiler did not emit it (tsx and esbuild never do; tsc does with experimentalDecorators and emitDecoratorMetadata)'
  }
}

/** What to write instead, for the field's decorator (`id`, `field`...) and, when known, its TypeScript type. */
export function typeSuggestion(decorator: string, designType: unknown, isId: boolean): string {
  const d = (spec: string) => `@${decorator}(${spec})`
  const join = (specs: readonly string[]) =>
    `${specs.slice(0, -1).map(d).join(', ')} or ${d(specs[specs.length - 1] ?? "'string'")}`
  switch (designType) {
    case Number:
      return join(["'int'", "'float'"])
    case Array:
      return join(["listOf('string')", "listOf('int')"])
    case undefined:
      return isId
        ? join(["'int'", "'bigint'", "'string'"])
        : join(["'string'", "'int'", "'float'", "'boolean'", "'datetime'", "listOf('string')"])
    default:
      return join(["'json'", "'string'", "enumOf('Name', ['A', 'B'])"])
  }
}

/** Text form of a field type, for messages: `Int`, `String[]`, `Role`, `Decimal(10, 2)` (the schema rules' label). */
export function fieldTypeToString(type: FieldType): string {
  return fieldTypeLabel(type)
}

function describe(value: unknown): string {
  if (typeof value === 'function') return value.name || 'anonymous function'
  if (typeof value === 'string') return value
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}
