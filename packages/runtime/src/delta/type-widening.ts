import type { DeltaDataType, DeltaJson, DeltaStructType } from './delta-schema.js'

/**
 * The type changes a reader of a typeWidening table must support (PROTOCOL.md "Type Widening", "Reader Requirements
 * for Type Widening"): older data files hold the narrower type and are read as the current one, so a reader must
 * refuse a `delta.typeChanges` entry it cannot convert rather than misread those files.
 */

const INTEGERS = ['byte', 'short', 'integer', 'long'] as const
/** Decimal digits of the widest value of each integer type (127, 32767, 2147483647, 9223372036854775807). */
const INTEGER_DIGITS = [3, 5, 10, 19] as const
const DECIMAL = /^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$/

function decimalOf(type: string): { precision: number; scale: number } | undefined {
  const match = DECIMAL.exec(type)
  return match ? { precision: Number(match[1]), scale: Number(match[2]) } : undefined
}

/** Whether the spec allows widening `from` to `to` (both primitive type names as the schema spells them). */
export function isSupportedWidening(from: string, to: string): boolean {
  const fromInt = INTEGERS.indexOf(from as (typeof INTEGERS)[number])
  const toInt = INTEGERS.indexOf(to as (typeof INTEGERS)[number])
  if (fromInt >= 0 && toInt >= 0) return fromInt < toInt
  if (to === 'double') return from === 'float' || (fromInt >= 0 && from !== 'long')
  if (from === 'date') return to === 'timestamp_ntz'
  const target = decimalOf(to)
  if (!target) return false
  const source = decimalOf(from)
  if (source) {
    const k1 = target.precision - source.precision
    const k2 = target.scale - source.scale
    return k2 >= 0 && k1 >= k2
  }
  // The spec: Byte, Short, Int → decimal(10 + k1, k2), Long → decimal(20 + k1, k2), k1 >= k2 >= 0. Delta-Spark also
  // widens byte to 3 and short to 5 integer digits (kernel-rs/type-widening: byte → decimal(4,1)): every integer
  // digit count that holds the type's range converts exactly, so each is read.
  if (fromInt < 0) return false
  const digits = INTEGER_DIGITS[fromInt] as number
  return target.scale >= 0 && target.precision - target.scale >= digits
}

/** The type at a `fieldPath` (`element`, `key`, `value`, dotted for nested ones) below a field's type. */
function typeAt(type: DeltaDataType, path: readonly string[]): DeltaDataType | undefined {
  let at: DeltaDataType | undefined = type
  for (const step of path) {
    if (at === undefined || typeof at === 'string') return undefined
    if (at.type === 'array' && step === 'element') at = at.elementType
    else if (at.type === 'map' && step === 'key') at = at.keyType
    else if (at.type === 'map' && step === 'value') at = at.valueType
    else return undefined
  }
  return at
}

/** Why one `delta.typeChanges` value is not a history pf can read, or undefined when it is. */
function historyProblem(changes: DeltaJson, type: DeltaDataType): string | undefined {
  if (!Array.isArray(changes)) return 'delta.typeChanges is not a list'
  const current = new Map<string, string>()
  for (const change of changes as readonly DeltaJson[]) {
    if (typeof change !== 'object' || change === null || Array.isArray(change))
      return 'a delta.typeChanges entry is not an object'
    const { fromType, toType, fieldPath } = change as { readonly [key: string]: DeltaJson }
    if (typeof fromType !== 'string' || typeof toType !== 'string')
      return 'a delta.typeChanges entry lacks fromType or toType'
    if (fieldPath !== undefined && typeof fieldPath !== 'string')
      return 'a delta.typeChanges fieldPath is not text'
    const path = fieldPath === undefined || fieldPath === '' ? '' : fieldPath
    if (typeAt(type, path === '' ? [] : path.split('.')) === undefined)
      return `delta.typeChanges names the path "${path}", which the type does not have`
    if (!isSupportedWidening(fromType, toType))
      return `type change ${fromType} → ${toType}${path === '' ? '' : ` at ${path}`} is not a widening pf reads`
    current.set(path, toType)
  }
  // The last change of each path must end at the type the schema declares now.
  for (const [path, last] of current) {
    const now = typeAt(type, path === '' ? [] : path.split('.'))
    if (typeof now !== 'string' || now.replaceAll(' ', '') !== last.replaceAll(' ', ''))
      return `delta.typeChanges ends at ${last}${path === '' ? '' : ` at ${path}`}, but the schema says ${typeof now === 'string' ? now : 'a nested type'}`
  }
  return undefined
}

/**
 * Why pf cannot read the type changes a schema records (the first one found, naming the field path), or undefined
 * when every change is a supported widening. Nested struct fields are checked too.
 */
export function typeChangesProblem(schema: DeltaStructType, prefix = ''): string | undefined {
  for (const field of schema.fields) {
    const name = `${prefix}${field.name}`
    const changes = field.metadata['delta.typeChanges']
    if (changes !== undefined) {
      const problem = historyProblem(changes, field.type)
      if (problem !== undefined) return `column ${name}: ${problem}`
    }
    const nested = nestedStructs(field.type)
    for (const [path, struct] of nested) {
      const problem = typeChangesProblem(struct, `${name}${path}.`)
      if (problem !== undefined) return problem
    }
  }
  return undefined
}

/** The struct types inside a type (itself, or below arrays and maps), with their path suffix. */
function nestedStructs(type: DeltaDataType, path = ''): [string, DeltaStructType][] {
  if (typeof type === 'string') return []
  if (type.type === 'struct') return [[path, type]]
  if (type.type === 'array') return nestedStructs(type.elementType, `${path}.element`)
  return [...nestedStructs(type.keyType, `${path}.key`), ...nestedStructs(type.valueType, `${path}.value`)]
}
