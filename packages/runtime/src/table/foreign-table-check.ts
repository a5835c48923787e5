import {
  type DeltaDataType,
  type DeltaStructType,
  keptColumnShapes,
  NARROW_DELTA_RANGES,
  storedDeltaType,
} from '../delta/delta-schema.js'
import type { EntityIR } from '../schema/schema-ir.js'

/**
 * Whether an entity fits a Delta table another writer created (Spark, delta-rs: no `pf.*` configuration): each
 * field a column of the Delta type pf stores it as (docs/types.md) or a narrower one an Int/BigInt/Float field keeps
 * (`integer`, `short`, `byte`, `float`), nullable when the field is optional (a required field may keep a nullable
 * column: pf writes no null into it), every column a field, the same partition columns. Pure: the entity store and adoption turn the problems into
 * their errors.
 */

/** A Delta type as text, arrays without `containsNull` (a reader's concern, not the column's type). */
export function deltaTypeText(type: DeltaDataType): string {
  if (typeof type === 'string') return type
  if (type.type === 'array') return `array<${deltaTypeText(type.elementType)}>`
  if (type.type === 'map') return `map<${deltaTypeText(type.keyType)},${deltaTypeText(type.valueType)}>`
  return `struct<${type.fields.map((f) => `${f.name}:${deltaTypeText(f.type)}`).join(',')}>`
}

/** What to declare for a column of a narrow type or an array of one (an Int, BigInt or Float field, or list, keeps it). */
function hintOf(actual: string): string {
  const inner = /^(?:array<)*([a-z]+)>*$/.exec(actual)?.[1] ?? ''
  if (!(inner in NARROW_DELTA_RANGES)) return ''
  const list = '[]'.repeat(actual.split('array<').length - 1)
  return inner === 'float'
    ? ` (a Float${list} field keeps ${actual})`
    : ` (an Int${list} or BigInt${list} field keeps ${actual})`
}

/** One line per field or column that does not fit, naming `Entity.field` and the column; empty when it fits. */
export function foreignTableProblems(
  entity: EntityIR,
  schema: DeltaStructType,
  partitionColumns: readonly string[],
): string[] {
  const problems: string[] = []
  const columns = new Map(schema.fields.map((f) => [f.name, f]))
  const kept = keptColumnShapes(entity, schema)
  for (const field of entity.fields) {
    const at = `${entity.name}.${field.name}`
    const column = columns.get(field.column)
    if (!column) {
      problems.push(`${at}: the Delta table has no column ${field.column}`)
      continue
    }
    columns.delete(field.column)
    const expected = deltaTypeText(storedDeltaType(field, { narrowStored: kept.narrowStored }))
    const actual = deltaTypeText(column.type)
    if (expected !== actual)
      problems.push(
        `${at}: column ${field.column} is ${actual} in the Delta table, the field is stored as ${expected}${hintOf(actual)}`,
      )
    // A required field over a nullable column is kept (pf writes no null; adoption checks the stored rows).
    if (column.nullable !== field.optional && !kept.nullableStored.has(field.name))
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
