import type { DefaultValue, EntityIR, EnumIR, FieldIR } from '../schema/schema-ir.js'
import { ColumnMapping } from './column-mapping.js'
import type { FillValue, TableMetadata } from './log-entry.js'
import type { SchemaChangeOptions } from './schema-change-plan.js'
import { TableSchemaError } from './table-errors.js'

/**
 * The metadata of a table after a schema change (pure; call after `planSchemaChanges`
 * found nothing incompatible). Fields keep reading their stored columns (renames map
 * the new column to the old stored one), dropped fields' stored columns are retired,
 * added fields get a stored name never used before (`<column>_2`, ... when the plain
 * one was) and, with a default, the value existing rows read (`now()` is the time of
 * the change). The format stays the table's.
 */
export function evolveMetadata(
  metadata: TableMetadata,
  entity: EntityIR,
  enums: readonly EnumIR[],
  options: SchemaChangeOptions,
  now: Date,
): TableMetadata {
  const mapping = new ColumnMapping(metadata)
  const storedFields = metadata.entity.fields
  const renamed = new Map<string, string>()
  for (const [from, to] of Object.entries(options.renames ?? {})) {
    const old = storedFields.find((f) => f.name === from)
    const field = entity.fields.find((f) => f.name === to)
    if (old && field && old.column !== field.column) renamed.set(field.column, old.column)
  }
  const renamedAway = new Set(renamed.values())
  const matchOf = (field: FieldIR): FieldIR | undefined => {
    const from = renamed.get(field.column)
    if (from !== undefined) return storedFields.find((f) => f.column === from)
    return renamedAway.has(field.column) ? undefined : storedFields.find((f) => f.column === field.column)
  }
  const physical: Record<string, string> = {}
  const fills: Record<string, FillValue> = {}
  const used = new Set<string>(metadata.retiredColumns ?? [])
  const kept = new Set<string>()
  const added: FieldIR[] = []
  for (const field of entity.fields) {
    const old = matchOf(field)
    if (!old) {
      added.push(field)
      continue
    }
    const stored = mapping.stored(old.column)
    kept.add(old.column)
    used.add(stored)
    if (stored !== field.column) physical[field.column] = stored
    const fill = metadata.fillValues?.[stored]
    if (fill !== undefined) fills[stored] = fill
  }
  const retired = new Set(metadata.retiredColumns ?? [])
  for (const old of storedFields) if (!kept.has(old.column)) retired.add(mapping.stored(old.column))
  for (const r of retired) used.add(r)
  for (const field of added) {
    let stored = field.column
    for (let n = 2; used.has(stored); n++) stored = `${field.column}_${n}`
    used.add(stored)
    if (stored !== field.column) physical[field.column] = stored
    const fill = fillValueOf(field, field.default, now, entity.name)
    if (fill !== undefined) fills[stored] = fill
  }
  const columnOf = (name: string): string => entity.fields.find((f) => f.name === name)?.column ?? name
  const { physicalColumns: _p, retiredColumns: _r, fillValues: _f, ...rest } = metadata
  return {
    ...rest,
    entity: { ...entity, format: metadata.format },
    enums,
    primaryKey: entity.primaryKey.map(columnOf),
    ...(Object.keys(physical).length > 0 ? { physicalColumns: physical } : {}),
    ...(retired.size > 0 ? { retiredColumns: [...retired].sort() } : {}),
    ...(Object.keys(fills).length > 0 ? { fillValues: fills } : {}),
  }
}

/**
 * The value rows written before a field existed read for it: its literal default, or
 * for `now()` the given time; undefined (null) for no default and generated ones.
 */
export function fillValueOf(
  field: FieldIR,
  value: DefaultValue | undefined,
  now: Date,
  table: string,
): FillValue | undefined {
  if (!value) return undefined
  const type = field.type
  const scalar = type.kind === 'scalar' ? type.name : undefined
  if (value.kind === 'now') {
    if (scalar === 'DateTime') return String(BigInt(now.getTime()) * 1000n)
    if (scalar === 'Date') return now.toISOString().slice(0, 10)
    return undefined
  }
  if (value.kind !== 'literal' || value.value === null) return undefined
  const v = value.value
  const bad = (why: string) =>
    new TableSchemaError(table, field.column, `default ${JSON.stringify(v)} ${why}`)
  switch (scalar) {
    case 'Int':
    case 'BigInt':
      if (typeof v === 'boolean' || !/^-?\d+$/.test(String(v))) throw bad('is not an integer')
      return String(BigInt(v))
    case 'Float':
      if (typeof v === 'boolean' || Number.isNaN(Number(v))) throw bad('is not a number')
      return Number(v)
    case 'Boolean':
      return v === true || v === 'true'
    case 'DateTime': {
      const ms = typeof v === 'number' ? v : Date.parse(String(v))
      if (Number.isNaN(ms)) throw bad('is not a date-time')
      return String(BigInt(Math.trunc(ms)) * 1000n)
    }
    case 'Date':
      if (!/^\d{4}-\d{2}-\d{2}$/.test(String(v))) throw bad('is not a YYYY-MM-DD date')
      return String(v)
    default:
      return typeof v === 'string' ? v : JSON.stringify(v)
  }
}
