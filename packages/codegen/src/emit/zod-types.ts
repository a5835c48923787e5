import {
  type FieldIR,
  type FieldType,
  SCALAR_TYPE_NAMES,
  type ScalarTypeName,
} from '@parquetframe/runtime/schema'

/**
 * The zod expression of each scalar of the schema language: the runtime's own schema of that stored type
 * (`pfz.Float()` accepts NaN and ±Infinity, `pfz.String()` refuses lone surrogates, `pfz.BigInt()` stays within
 * 64 bits), so a generated `XCreateSchema` accepts exactly what `create` stores.
 */
export const SCALAR_ZOD: Readonly<Record<ScalarTypeName, string>> = Object.fromEntries(
  SCALAR_TYPE_NAMES.map((name) => [name, `pfz.${name}()`]),
) as Record<ScalarTypeName, string>

/** The zod schema of an enum, exported from `enums.ts`: `RoleSchema`. */
export function enumSchemaName(enumName: string): string {
  return `${enumName}Schema`
}

/** The zod expression of a field type, without nullability. */
export function zodTypeOf(type: FieldType): string {
  switch (type.kind) {
    case 'scalar':
      // pfz.Decimal(precision, scale) checks a value fits, as create does.
      return type.name === 'Decimal' && type.precision !== undefined
        ? `pfz.Decimal(${type.precision}, ${type.scale ?? 0})`
        : SCALAR_ZOD[type.name]
    case 'enum':
      return enumSchemaName(type.name)
    case 'list':
      return `z.array(${zodTypeOf(type.element)})`
  }
}

/**
 * The zod expression of a field's value: nullable when the field is optional. `.nullable()` is chained unless
 * the base is already a chain of calls (`z.string().regex(…)`), which the formatter would break over lines.
 */
export function zodFieldType(field: Pick<FieldIR, 'type' | 'optional'>): string {
  const base = zodTypeOf(field.type)
  if (!field.optional) return base
  return topLevelCalls(base) >= 2 ? `z.nullable(${base})` : `${base}.nullable()`
}

/** The number of calls in the outermost member chain of an expression (`z.string().regex(/x/)` → 2). */
function topLevelCalls(expr: string): number {
  let depth = 0
  let calls = 0
  for (const ch of expr) {
    if (ch === '(') {
      if (depth === 0) calls++
      depth++
    } else if (ch === ')') depth--
  }
  return calls
}
