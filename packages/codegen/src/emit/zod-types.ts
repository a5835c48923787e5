import type { FieldIR, FieldType, ScalarTypeName } from '@parquetframe/runtime'

/** The zod (v4) schema expression of each scalar of the schema language. */
export const SCALAR_ZOD: Readonly<Record<ScalarTypeName, string>> = {
  Int: 'z.int()',
  BigInt: 'z.bigint()',
  Float: 'z.number()',
  Decimal: 'z.string().regex(/^-?\\d+(\\.\\d+)?$/)',
  String: 'z.string()',
  Boolean: 'z.boolean()',
  DateTime: 'z.date()',
  Date: 'z.iso.date()',
  Json: 'z.json()',
  Bytes: 'z.instanceof(Uint8Array)',
}

/** The zod schema of an enum, exported from `enums.ts`: `RoleSchema`. */
export function enumSchemaName(enumName: string): string {
  return `${enumName}Schema`
}

/** The zod expression of a field type, without nullability. */
export function zodTypeOf(type: FieldType): string {
  switch (type.kind) {
    case 'scalar':
      return SCALAR_ZOD[type.name]
    case 'enum':
      return enumSchemaName(type.name)
    case 'list':
      return `z.array(${zodTypeOf(type.element)})`
  }
}

/** The zod expression of a field's value: nullable when the field is optional. */
export function zodFieldType(field: Pick<FieldIR, 'type' | 'optional'>): string {
  const base = zodTypeOf(field.type)
  return field.optional ? `${base}.nullable()` : base
}
