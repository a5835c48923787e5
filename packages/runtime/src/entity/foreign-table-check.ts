import { type DeltaDataType, type DeltaStructType, deltaTypeFor } from '../delta/delta-schema.js'
import type { EntityIR } from '../schema/schema-ir.js'
import type { FileSystem } from '../table/file-system.js'
import { foreignSchemaOf } from '../table/foreign-table-metadata.js'
import { nodeFileSystem } from '../table/node-file-system.js'
import { TableLog } from '../table/table-log.js'
import { EntitySchemaError } from './entity-errors.js'

/**
 * Whether an entity fits a Delta table another writer created (Spark, delta-rs: no `pf.*` configuration): each
 * field a column of the Delta type pf stores it as (docs/types.md), nullable exactly when the field is optional,
 * every column a field, the same partition columns. Pure: the entity store turns the problems into its error.
 */

/** A Delta type as text, arrays without `containsNull` (a reader's concern, not the column's type). */
function typeText(type: DeltaDataType): string {
  if (typeof type === 'string') return type
  if (type.type === 'array') return `array<${typeText(type.elementType)}>`
  if (type.type === 'map') return `map<${typeText(type.keyType)},${typeText(type.valueType)}>`
  return `struct<${type.fields.map((f) => `${f.name}:${typeText(f.type)}`).join(',')}>`
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
    const expected = typeText(deltaTypeFor(field.type, false))
    const actual = typeText(column.type)
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
    problems.push(`${entity.name}: column ${column.name} (${typeText(column.type)}) is not a field`)
  const declared = entity.partitionBy.map(
    (name) => entity.fields.find((f) => f.name === name)?.column ?? name,
  )
  if (declared.join() !== partitionColumns.join())
    problems.push(
      `${entity.name}: the Delta table is partitioned by (${partitionColumns.join(', ')}), the entity by (${declared.join(', ')})`,
    )
  return problems
}

/**
 * The error for an entity whose table folder holds another writer's Delta table (pf's Table API refuses to open
 * it): the fields that do not fit, and that pf does not adopt such tables yet. Undefined for any other table.
 */
export async function foreignTableError(
  entity: EntityIR,
  path: string,
  fs: FileSystem = nodeFileSystem,
): Promise<EntitySchemaError | undefined> {
  const state = await new TableLog(path, fs, path).latest().catch(() => undefined)
  const schema = state && foreignSchemaOf(state.metadata)
  if (!state || !schema) return undefined
  return new EntitySchemaError(path, [
    ...foreignTableProblems(entity, schema, state.metadata.partitionBy),
    `${entity.name}: ${path} is a Delta table another writer created (no pf.* configuration); read() reads it, entities do not adopt it yet`,
  ])
}
