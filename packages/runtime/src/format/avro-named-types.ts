import type { AvroType } from './avro-schema-types.js'

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'])

type Named = { readonly type: string; readonly name: string; readonly namespace?: string }

function isNamed(t: unknown): t is Named {
  if (typeof t !== 'object' || t === null || Array.isArray(t)) return false
  const type = (t as { type?: unknown }).type
  return (
    (type === 'record' || type === 'enum' || type === 'fixed') &&
    typeof (t as { name?: unknown }).name === 'string'
  )
}

/** Every named type (record, enum, fixed) of a schema by name and by full name, so references resolve. */
export function collectNamedTypes(schema: AvroType): Map<string, AvroType> {
  const named = new Map<string, AvroType>()
  const walk = (t: unknown, namespace: string | undefined): void => {
    if (Array.isArray(t)) {
      for (const branch of t) walk(branch, namespace)
      return
    }
    if (typeof t !== 'object' || t === null) return
    let ns = namespace
    if (isNamed(t)) {
      ns = t.name.includes('.') ? t.name.slice(0, t.name.lastIndexOf('.')) : (t.namespace ?? namespace)
      const short = t.name.includes('.') ? t.name.slice(t.name.lastIndexOf('.') + 1) : t.name
      named.set(short, t as AvroType)
      named.set(ns ? `${ns}.${short}` : short, t as AvroType)
    }
    const o = t as { fields?: unknown; items?: unknown; values?: unknown; type?: unknown }
    if (Array.isArray(o.fields)) for (const f of o.fields) walk((f as { type?: unknown }).type, ns)
    if (o.items !== undefined) walk(o.items, ns)
    if (o.values !== undefined) walk(o.values, ns)
    if (typeof o.type === 'object') walk(o.type, ns)
  }
  walk(schema, undefined)
  return named
}

/** Follows a named-type reference (`"Role"`) to its definition; other types are returned as they are. */
export function derefAvroType(type: AvroType, named: ReadonlyMap<string, AvroType>): AvroType {
  if (typeof type === 'string' && !PRIMITIVES.has(type)) return named.get(type) ?? type
  return type
}
