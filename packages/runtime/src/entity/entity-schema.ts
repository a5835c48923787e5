import { decimalSpecOf } from '../schema/decimal-spec.js'
import type { EntityIR, EnumIR, FieldIR, FieldType } from '../schema/schema-ir.js'
import { z } from '../vendor/zod.js'
import type { ValidationIssue } from './entity-errors.js'
import { pfz } from './scalar-zod.js'
import { describe } from './where-compiler.js'

/** The zod schema of one field type (without optionality). */
export function zodForType(type: FieldType, enums: ReadonlyMap<string, EnumIR>): z.ZodType {
  if (type.kind === 'enum') {
    const values = enums.get(type.name)?.values ?? []
    return z.enum(values as [string, ...string[]])
  }
  if (type.kind === 'list') return z.array(zodForType(type.element, enums))
  if (type.name === 'Decimal') {
    const { precision, scale } = decimalSpecOf(type)
    return pfz.Decimal(precision, scale)
  }
  return pfz[type.name]()
}

/** The zod schema of one field: optional fields accept null and undefined. */
export function zodForField(field: FieldIR, enums: ReadonlyMap<string, EnumIR>): z.ZodType {
  const base = zodForType(field.type, enums)
  return field.optional ? base.nullable().optional() : base
}

/** The zod object schema of an entity's stored fields (extra properties are ignored). */
export function zodSchemaForEntity(
  ir: EntityIR,
  enums: ReadonlyMap<string, EnumIR> | readonly EnumIR[] = [],
): z.ZodObject {
  const map = enums instanceof Map ? enums : new Map((enums as readonly EnumIR[]).map((e) => [e.name, e]))
  return z.object(Object.fromEntries(ir.fields.map((f) => [f.name, zodForField(f, map)])))
}

/** Validates one record; returns issues naming `Entity.field` (empty when valid). */
export function validateRecord(ir: EntityIR, schema: z.ZodObject, record: unknown): ValidationIssue[] {
  const result = schema.safeParse(record)
  if (result.success) return []
  return result.error.issues.map((issue) => {
    const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')
    const value = issue.path.reduce<unknown>(
      (v, p) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p] : undefined),
      record,
    )
    const message =
      issue.code === 'invalid_type'
        ? value === undefined || value === null
          ? `required, got ${describe(value)}`
          : `expected ${issue.expected}, got ${describe(value)}`
        : issue.code === 'invalid_value'
          ? `${issue.message.replace(/^Invalid input: /, '')}, got ${describe(value)}`
          : `${issue.message}, got ${describe(value)}`
    return { path: `${ir.name}${path}`, message }
  })
}
