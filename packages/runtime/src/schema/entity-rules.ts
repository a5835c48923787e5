import { closestName } from './closest-name.js'
import { DEFAULT_DECIMAL, decimalFitProblem, decimalLabel, MAX_DECIMAL_PRECISION } from './decimal-spec.js'
import type { DefaultValue, EntityIR, EnumIR, FieldIR, FieldType } from './schema-ir.js'
import type { SchemaIssue } from './schema-issue.js'
import { schemaRuleMessages as m } from './schema-rule-messages.js'
import { storagePathProblem } from './storage-path.js'

const KEY_SCALARS: ReadonlySet<string> = new Set(['Int', 'BigInt', 'String'])
const UNINDEXABLE: ReadonlySet<string> = new Set(['Json', 'Bytes'])
const UNPARTITIONABLE: ReadonlySet<string> = new Set(['Json', 'Bytes', 'Float'])

/** `Int`, `String[]`, `Role`, `Decimal(10, 2)`: a field type as the schema language writes it. */
export function fieldTypeLabel(type: FieldType): string {
  if (type.kind === 'list') return `${fieldTypeLabel(type.element)}[]`
  if (type.kind === 'scalar' && type.precision !== undefined)
    return decimalLabel({ precision: type.precision, scale: type.scale ?? 0 })
  return type.name
}

/** Decimal precision/scale in range (and given only on Decimal); a Decimal literal default that fits them. */
function checkDecimal(entity: string, field: FieldIR, issues: SchemaIssue[]): void {
  const type = field.type.kind === 'list' ? field.type.element : field.type
  if (type.kind !== 'scalar') return
  const { precision, scale } = type
  if (type.name !== 'Decimal') {
    if (precision !== undefined || scale !== undefined)
      issues.push(m.decimalArguments(entity, field.name, type.name, 'takes no precision or scale'))
    return
  }
  const p = precision ?? DEFAULT_DECIMAL.precision
  const s = scale ?? DEFAULT_DECIMAL.scale
  const label = fieldTypeLabel(type)
  if (!Number.isInteger(p) || p < 1 || p > MAX_DECIMAL_PRECISION)
    issues.push(
      m.decimalArguments(entity, field.name, label, `has precision ${p}, not 1..${MAX_DECIMAL_PRECISION}`),
    )
  else if (!Number.isInteger(s) || s < 0 || s > p)
    issues.push(m.decimalArguments(entity, field.name, label, `has scale ${s}, not 0..${p} (its precision)`))
  else if (
    field.default?.kind === 'literal' &&
    typeof field.default.value === 'string' &&
    field.type.kind !== 'list'
  ) {
    const problem = decimalFitProblem(field.default.value, { precision: p, scale: s })
    if (problem !== undefined && /^-?\d+(\.\d+)?$/.test(field.default.value))
      issues.push(m.decimalDefaultFit(entity, field.name, problem))
  }
}

/**
 * The rules one entity must follow on its own (its relation targets not needed): fields, primary key, columns,
 * groups, partitioning, defaults, relation names and the storage path. Pure; `enums` are the schema's enums, used
 * to check enum defaults. The runtime runs this at registration, the front-ends through `checkSchemaRules`.
 */
export function checkEntityRules(
  entity: EntityIR,
  enums: ReadonlyMap<string, EnumIR> = new Map(),
): SchemaIssue[] {
  const issues: SchemaIssue[] = []
  const name = entity.name
  const byName = new Map<string, FieldIR>()
  for (const field of entity.fields) {
    if (byName.has(field.name)) issues.push(m.duplicateField(name, field.name))
    else byName.set(field.name, field)
  }
  if (entity.fields.length === 0) issues.push(m.noFields(name))
  else checkPrimaryKey(entity, byName, issues)
  checkColumns(entity, issues)
  for (const field of entity.fields) {
    checkIndexable(name, field, issues)
    checkDecimal(name, field, issues)
    if (field.default !== undefined) checkDefault(name, field, field.default, enums, issues)
  }
  checkGroups(entity, byName, issues)
  checkRelationNames(entity, byName, issues)
  const problem = storagePathProblem(entity.storage)
  if (problem?.kind === 'absolute') issues.push(m.storageAbsolute(name, entity.storage))
  else if (problem?.kind === 'escapes') issues.push(m.storageEscapes(name, entity.storage))
  else if (problem?.kind === 'empty') issues.push(m.invalidStorage(name, entity.storage, 'names no folder'))
  else if (problem?.kind === 'invalid') issues.push(m.invalidStorage(name, entity.storage, problem.why))
  return issues
}

function checkPrimaryKey(
  entity: EntityIR,
  byName: ReadonlyMap<string, FieldIR>,
  issues: SchemaIssue[],
): void {
  const name = entity.name
  const marked = entity.fields.filter((f) => f.isId)
  const [first] = entity.primaryKey
  if (first === undefined) {
    if (marked.length === 0) {
      issues.push(m.missingPrimaryKey(name))
      return
    }
  }
  const keyName = first ?? (marked[0] as FieldIR).name
  for (const extra of entity.primaryKey.slice(1)) issues.push(m.multiplePrimaryKeys(name, extra, keyName))
  for (const field of marked)
    if (field.name !== keyName && !entity.primaryKey.includes(field.name))
      issues.push(m.multiplePrimaryKeys(name, field.name, keyName))
  for (const key of entity.primaryKey) {
    const field = byName.get(key)
    if (field === undefined) {
      issues.push(m.unknownPrimaryKey(name, key, closestName(key, byName.keys())))
      continue
    }
    if (field.optional) issues.push(m.optionalPrimaryKey(name, key))
    const type = field.type
    if (!(type.kind === 'enum' || (type.kind === 'scalar' && KEY_SCALARS.has(type.name))))
      issues.push(m.primaryKeyType(name, key, fieldTypeLabel(type)))
  }
}

function checkColumns(entity: EntityIR, issues: SchemaIssue[]): void {
  const columns = new Map<string, string>()
  for (const field of entity.fields) {
    const other = columns.get(field.column)
    if (other !== undefined && other !== field.name)
      issues.push(m.duplicateColumn(entity.name, field.name, field.column, other))
    else columns.set(field.column, field.name)
  }
}

const indexable = (type: FieldType) =>
  type.kind !== 'list' && !(type.kind === 'scalar' && UNINDEXABLE.has(type.name))

function checkIndexable(entity: string, field: FieldIR, issues: SchemaIssue[]): void {
  if (field.isId || indexable(field.type)) return
  if (field.unique)
    issues.push(m.uniqueOnUnsupportedType(entity, field.name, 'unique', fieldTypeLabel(field.type)))
  if (field.index)
    issues.push(m.uniqueOnUnsupportedType(entity, field.name, 'index', fieldTypeLabel(field.type)))
}

function checkGroups(entity: EntityIR, byName: ReadonlyMap<string, FieldIR>, issues: SchemaIssue[]): void {
  const name = entity.name
  const reported = new Set<string>()
  for (const group of ['uniques', 'indexes'] as const) {
    for (const list of entity[group]) {
      for (const field of list) {
        if (byName.has(field) || reported.has(`${group}:${field}`)) continue
        reported.add(`${group}:${field}`)
        issues.push(m.unknownGroupField(name, group, field, closestName(field, byName.keys())))
      }
    }
  }
  for (const key of entity.partitionBy) {
    const field = byName.get(key)
    if (field === undefined) {
      issues.push(m.unknownPartitionField(name, key, closestName(key, byName.keys())))
      continue
    }
    const type = field.type
    if (type.kind === 'list' || (type.kind === 'scalar' && UNPARTITIONABLE.has(type.name)))
      issues.push(m.partitionByUnsupportedType(name, key, fieldTypeLabel(type)))
    else if (field.isId || entity.primaryKey.includes(key)) issues.push(m.partitionById(name, key))
  }
}

function checkRelationNames(
  entity: EntityIR,
  byName: ReadonlyMap<string, FieldIR>,
  issues: SchemaIssue[],
): void {
  const seen = new Set<string>()
  for (const relation of entity.relations) {
    if (byName.has(relation.name) || seen.has(relation.name))
      issues.push(m.relationNameClash(entity.name, relation.name))
    seen.add(relation.name)
    if (
      relation.kind === 'one' &&
      relation.through === undefined &&
      relation.foreignKey !== '' &&
      !byName.has(relation.foreignKey)
    )
      issues.push(
        m.foreignKeyMissing(
          entity.name,
          relation.name,
          entity.name,
          relation.foreignKey,
          closestName(relation.foreignKey, byName.keys()),
        ),
      )
  }
}

function checkDefault(
  entity: string,
  field: FieldIR,
  value: DefaultValue,
  enums: ReadonlyMap<string, EnumIR>,
  issues: SchemaIssue[],
): void {
  const type = field.type
  const label = fieldTypeLabel(type)
  if (type.kind === 'list') {
    issues.push(m.defaultOnList(entity, field.name))
    return
  }
  const scalar = type.kind === 'scalar' ? type.name : undefined
  if (value.kind === 'now') {
    if (scalar !== 'DateTime') issues.push(m.nowOnNonDateTime(entity, field.name, label))
  } else if (value.kind === 'uuid') {
    if (scalar !== 'String') issues.push(m.uuidOnNonString(entity, field.name, label))
  } else if (value.kind === 'autoincrement') {
    if (scalar !== 'Int' && scalar !== 'BigInt')
      issues.push(m.autoincrementOnNonInteger(entity, field.name, label))
  } else if (value.value === null) {
    if (!field.optional)
      issues.push(m.defaultMismatch(entity, field.name, `a ${label}`, 'null on a required field'))
  } else if (type.kind === 'enum') {
    const declared = enums.get(type.name)
    if (declared !== undefined && !declared.values.includes(String(value.value)))
      issues.push(
        m.defaultNotEnumValue(
          entity,
          field.name,
          type.name,
          String(value.value),
          closestName(String(value.value), declared.values),
        ),
      )
  } else {
    const expected = literalExpectation(scalar, value.value)
    if (expected !== undefined)
      issues.push(
        m.defaultMismatch(
          entity,
          field.name,
          expected,
          `${typeof value.value} ${JSON.stringify(value.value)}`,
        ),
      )
  }
}

/** What a literal default of a scalar type must be, when `value` is not that; undefined when it fits. */
function literalExpectation(
  scalar: string | undefined,
  value: string | number | boolean,
): string | undefined {
  switch (scalar) {
    case 'Int':
      return typeof value === 'number' && Number.isSafeInteger(value) ? undefined : 'an integer'
    case 'BigInt':
      return (typeof value === 'number' && Number.isSafeInteger(value)) ||
        (typeof value === 'string' && /^-?\d+$/.test(value))
        ? undefined
        : 'an integer'
    case 'Float':
      return typeof value === 'number' ? undefined : 'a number'
    case 'Boolean':
      return typeof value === 'boolean' ? undefined : 'true or false'
    case 'String':
      return typeof value === 'string' ? undefined : 'a string'
    default:
      return undefined
  }
}
