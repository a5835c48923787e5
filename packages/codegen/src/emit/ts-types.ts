import type { FieldIR, FieldType, ScalarTypeName } from '@parquetframe/runtime'

/** The TypeScript type of each scalar of the schema language. */
export const SCALAR_TS_TYPES: Readonly<Record<ScalarTypeName, string>> = {
  Int: 'number',
  BigInt: 'bigint',
  Float: 'number',
  Decimal: 'string',
  String: 'string',
  Boolean: 'boolean',
  DateTime: 'Date',
  Date: 'string',
  Json: 'JsonValue',
  Bytes: 'Uint8Array',
}

/** The TypeScript type of a field type, without nullability: `string[]`, `Role`, `Date`. */
export function tsTypeOf(type: FieldType): string {
  switch (type.kind) {
    case 'scalar':
      return SCALAR_TS_TYPES[type.name]
    case 'enum':
      return type.name
    case 'list': {
      const element = tsTypeOf(type.element)
      return type.element.kind === 'list' ? `(${element})[]` : `${element}[]`
    }
  }
}

/** The TypeScript type of a field's value: `T`, or `T | null` when the field is optional. */
export function tsFieldType(field: Pick<FieldIR, 'type' | 'optional'>): string {
  const base = tsTypeOf(field.type)
  return field.optional ? `${base} | null` : base
}

/** Whether any field of the given types uses the scalar (or an enum, for `'enum'`), looking inside lists. */
export function usesType(types: Iterable<FieldType>, test: (t: FieldType) => boolean): boolean {
  for (const t of types) if (test(t) || (t.kind === 'list' && usesType([t.element], test))) return true
  return false
}

/** The enum names a set of field types refers to, sorted. */
export function enumsUsed(types: Iterable<FieldType>): string[] {
  const names = new Set<string>()
  const visit = (t: FieldType): void => {
    if (t.kind === 'enum') names.add(t.name)
    else if (t.kind === 'list') visit(t.element)
  }
  for (const t of types) visit(t)
  return [...names].sort()
}
