import type { FieldIR, FieldType, ScalarTypeName } from '@parquetframe/runtime'

/**
 * The TypeScript type of each scalar of the schema language. `DateOnly` (a date, 'YYYY-MM-DD') is the runtime's
 * string type whose brand keeps text matching out of `where`.
 */
export const SCALAR_TS_TYPES: Readonly<Record<ScalarTypeName, string>> = {
  Int: 'number',
  BigInt: 'bigint',
  Float: 'number',
  Decimal: 'string',
  String: 'string',
  Boolean: 'boolean',
  DateTime: 'Date',
  Date: 'DateOnly',
  Json: 'JsonValue',
  Bytes: 'Uint8Array',
}

/** Names a runtime export in the generated module (see `EmitContext.rt`). Default: its own name. */
export type RuntimeName = (name: string) => string

const ownName: RuntimeName = (name) => name

/** The TypeScript type of a field type, without nullability: `string[]`, `Role`, `Date`, `DateOnly`. */
export function tsTypeOf(type: FieldType, rt: RuntimeName = ownName): string {
  switch (type.kind) {
    case 'scalar':
      return type.name === 'Date' ? rt(SCALAR_TS_TYPES.Date) : SCALAR_TS_TYPES[type.name]
    case 'enum':
      return type.name
    case 'list': {
      const element = tsTypeOf(type.element, rt)
      return type.element.kind === 'list' ? `(${element})[]` : `${element}[]`
    }
  }
}

/** The TypeScript type of a field's value: `T`, or `T | null` when the field is optional. */
export function tsFieldType(field: Pick<FieldIR, 'type' | 'optional'>, rt: RuntimeName = ownName): string {
  const base = tsTypeOf(field.type, rt)
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
