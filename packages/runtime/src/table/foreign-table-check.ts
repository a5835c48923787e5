import { type DeltaDataType, type DeltaStructType, deltaTypeFor } from '../delta/delta-schema.js'
import type { EntityIR } from '../schema/schema-ir.js'

/**
 * Whether an entity fits a Delta table another writer created (Spark, delta-rs: no `pf.*` configuration): each
 * field a column of the Delta type pf stores it as (docs/types.md), nullable exactly when the field is optional,
 * every column a field, the same partition columns. Pure: the entity store and adoption turn the problems into
 * their errors.
 */

/** A Delta type as text, arrays without `containsNull` (a reader's concern, not the column's type). */
export function deltaTypeText(type: DeltaDataType): string {
  if (typeof type === 'string') return type
  if (type.type === 'array') return `array<${deltaTypeText(type.elementType)}>`
  if (type.type === 'map') return `map<${deltaTypeText(type.keyType)},${deltaTypeText(type.valueType)}>`
  return `struct<${type.fields.map((f) => `${f.name}:${deltaTypeText(f.type)}`).join(',')}>`
}

/** One line per field or column that does not fit, naming `Entity.field` and the column; empty when it fits. */
export function foreignTableProblems(
  entity: EntityIR,
  schema: DeltaStructType,
  partitionColumns: readonly string[],
): string[] {
  const problems: string[] = []
  const columns = new Map(schema.fields.map((f) => [f.name, f]))
  for (const field of entity.fields) {
    const at = `${entity.name}.${field.name}`
    const column = columns.get(field.column)
    if (!column) {
      problems.push(`${at}: the Delta table has no column ${field.column}`)
      continue
    }
    columns.delete(field.column)
    const expected = deltaTypeText(deltaTypeFor(field.type, false))
    const actual = deltaTypeText(column.type)
    if (expected !== actual)
      problems.push(
        `${at}: column ${field.column} is ${actual} in the Delta table, the field is stored as ${expected}`,
      )
    if (column.nullable !== field.optional)
      problems.push(
        `${at}: column ${field.column} is ${column.nullable ? 'nullable' : 'not nullable'}, the field is ${field.optional ? 'optional' : 'required'}`,
      )
  }
  for (const column of columns.values())
    problems.push(`${entity.name}: column ${column.name} (${deltaTypeText(column.type)}) is not a field`)
  const declared = entity.partitionBy.map(
    (name) => entity.fields.find((f) => f.name === name)?.column ?? name,
  )
  if (declared.join() !== partitionColumns.join())
    problems.push(
      `${entity.name}: the Delta table is partitioned by (${partitionColumns.join(', ')}), the entity by (${declared.join(', ')})`,
    )
  return problems
}
