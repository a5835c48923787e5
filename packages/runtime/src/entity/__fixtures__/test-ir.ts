import type { EntityIR, EnumIR, FieldIR, FieldType, RelationIR } from '../../schema/schema-ir.js'

/** Shorthand field types for tests: 'Int', 'String?', 'String[]', 'enum:Role', 'Decimal(10,2)'. */
export function fieldType(spec: string): { type: FieldType; optional: boolean } {
  const optional = spec.endsWith('?')
  const base = optional ? spec.slice(0, -1) : spec
  const list = base.endsWith('[]')
  const name = list ? base.slice(0, -2) : base
  const decimal = /^Decimal\((\d+),\s*(\d+)\)$/.exec(name)
  const scalar: FieldType = name.startsWith('enum:')
    ? { kind: 'enum', name: name.slice(5) }
    : decimal
      ? { kind: 'scalar', name: 'Decimal', precision: Number(decimal[1]), scale: Number(decimal[2]) }
      : { kind: 'scalar', name: name as Extract<FieldType, { kind: 'scalar' }>['name'] }
  return { type: list ? { kind: 'list', element: scalar } : scalar, optional }
}

/**
 * An entity IR from a compact description; the first field is the primary key unless `primaryKey` says otherwise.
 * `uniqueFields`/`indexFields` mark single fields `@unique`/`@index`; `uniques` adds composite ones.
 */
export function entityIRFor(
  name: string,
  fields: Record<string, string>,
  extra: Partial<Omit<EntityIR, 'fields'>> & { uniqueFields?: string[]; indexFields?: string[] } = {},
): EntityIR {
  const names = Object.keys(fields)
  const primaryKey = extra.primaryKey ?? [names[0] as string]
  const list: FieldIR[] = names.map((n, i) => {
    const { type, optional } = fieldType(fields[n] as string)
    return {
      name: n,
      id: i + 1,
      column: n,
      type,
      optional,
      isId: primaryKey.includes(n),
      unique: extra.uniqueFields?.includes(n) ?? false,
      index: extra.indexFields?.includes(n) ?? false,
    }
  })
  return {
    name,
    storage: extra.storage ?? name,
    format: extra.format ?? 'parquet',
    primaryKey,
    partitionBy: [],
    fields: list,
    relations: extra.relations ?? [],
    indexes: (extra.indexFields ?? []).map((f) => [f]),
    uniques: extra.uniques ?? (extra.uniqueFields ?? []).map((f) => [f]),
  }
}

/** A relation IR. */
export function relationIR(
  name: string,
  target: string,
  kind: 'one' | 'many',
  foreignKey: string,
  through?: RelationIR['through'],
): RelationIR {
  return { name, target, kind, foreignKey, references: '', ...(through ? { through } : {}) }
}

export const ROLE: EnumIR = { name: 'Role', values: ['ADMIN', 'MEMBER'] }
