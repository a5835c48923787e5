import type { EntityIR, EnumIR, FieldIR, FieldType } from '../schema/schema-ir.js'

/**
 * CHECK constraints (PROTOCOL.md "CHECK Constraints") that hold other Delta writers to pf's rules: an enum field
 * holds only its enum's values. Keys `delta.constraints.<name>` of `metaData.configuration`, values Spark SQL.
 */

/** The configuration key prefix of CHECK constraints. */
export const CONSTRAINT_KEY_PREFIX = 'delta.constraints.'

/** A Spark SQL identifier: bare when simple, else in backticks with backticks doubled. */
export function sqlIdentifier(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `\`${name.replaceAll('`', '``')}\``
}

/** A Spark SQL string literal: single quotes; backslash and quote escaped with a backslash (Spark's escaping). */
export function sqlStringLiteral(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`
}

/** `role IN ('ADMIN', 'MEMBER')` for an enum, `forall(tags, x -> x IN (...))` for a list of enum values. */
function enumCheck(column: string, type: FieldType, enums: ReadonlyMap<string, EnumIR>): string | undefined {
  const valuesOf = (name: string): string => {
    const values = enums.get(name)?.values
    if (!values) throw new Error(`enum ${name} is not among the schema's enums`)
    return values.map(sqlStringLiteral).join(', ')
  }
  if (type.kind === 'enum') return `${column} IN (${valuesOf(type.name)})`
  if (type.kind === 'list' && type.element.kind === 'enum')
    return `forall(${column}, value -> value IN (${valuesOf(type.element.name)}))`
  return undefined
}

/** Constraint name of a field: Spark stores names lower-cased; anything but [a-z0-9_] becomes `_`. */
function constraintName(field: FieldIR): string {
  return `pf_enum_${field.column.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`
}

/**
 * The `delta.constraints.*` configuration entries of an entity's table: one per enum (or enum list) field. An
 * optional field's check allows null (Delta fails a row whose check is not true, and `NULL IN (...)` is null).
 */
export function deltaCheckConstraints(entity: EntityIR, enums: readonly EnumIR[]): Record<string, string> {
  const byName = new Map(enums.map((e) => [e.name, e]))
  const entries: Record<string, string> = {}
  for (const field of entity.fields) {
    const column = sqlIdentifier(field.column)
    const check = enumCheck(column, field.type, byName)
    if (check === undefined) continue
    let key = `${CONSTRAINT_KEY_PREFIX}${constraintName(field)}`
    if (key in entries) key = `${key}_${field.id}`
    entries[key] = field.optional ? `${column} IS NULL OR ${check}` : check
  }
  return entries
}
