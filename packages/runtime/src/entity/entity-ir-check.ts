import type { EntityIR, EnumIR, FieldType } from '../schema/schema-ir.js'
import { SCALAR_TYPE_NAMES } from '../schema/schema-ir.js'
import { EntityDeclarationError } from './entity-errors.js'
import { fieldTypeToString } from './field-type-spec.js'

/**
 * Checks what can be checked of one entity without its relation targets: a known primary key, known field
 * types and enums, no duplicate fields, unique/index fields that exist, foreign keys on this side that exist.
 * Throws EntityDeclarationError naming the entity and field.
 */
export function checkEntityIR(ir: EntityIR, enums: ReadonlyMap<string, EnumIR>): void {
  const names = new Set<string>()
  for (const field of ir.fields) {
    if (names.has(field.name)) throw new EntityDeclarationError(`${ir.name}.${field.name}: declared twice`)
    names.add(field.name)
    checkType(ir.name, field.name, field.type, enums)
  }
  if (ir.fields.length === 0) {
    throw new EntityDeclarationError(
      `Entity ${ir.name} declares no fields: it must be a class with decorated fields`,
    )
  }
  if (ir.primaryKey.length === 0) throw EntityDeclarationError.missingPrimaryKey(ir.name)
  if (ir.primaryKey.length > 1) {
    throw new EntityDeclarationError(`Entity ${ir.name}: composite primary keys are not supported yet`)
  }
  for (const key of ir.primaryKey) {
    if (!names.has(key)) throw EntityDeclarationError.unknownPrimaryKey(ir.name, key, [...names])
    const field = ir.fields.find((f) => f.name === key)
    if (field?.optional)
      throw new EntityDeclarationError(`${ir.name}.${key}: a primary key cannot be optional`)
    if (field && !isKeyType(field.type)) {
      throw new EntityDeclarationError(
        `${ir.name}.${key}: type ${fieldTypeToString(field.type)} cannot be a primary key (use Int, BigInt, String or an enum)`,
      )
    }
  }
  for (const group of [...ir.uniques, ...ir.indexes, ir.partitionBy]) {
    for (const name of group) {
      if (!names.has(name))
        throw new EntityDeclarationError(`${ir.name}.${name}: unknown field in unique/index/partition`)
    }
  }
  const relationNames = new Set<string>()
  for (const relation of ir.relations) {
    const where = `${ir.name}.${relation.name}`
    if (names.has(relation.name) || relationNames.has(relation.name)) {
      throw new EntityDeclarationError(
        `${where}: a relation cannot share its name with another field or relation`,
      )
    }
    relationNames.add(relation.name)
    if (!relation.foreignKey) throw new EntityDeclarationError(`${where}: relation without a foreignKey`)
    if (relation.kind === 'one' && !relation.through && !names.has(relation.foreignKey)) {
      throw new EntityDeclarationError(
        `${where}: foreign key '${relation.foreignKey}' does not exist on ${ir.name}. Fields: ${[...names].join(', ')}`,
      )
    }
    if (relation.through && relation.kind !== 'many') {
      throw new EntityDeclarationError(`${where}: a relation through a join entity must be 'many'`)
    }
  }
}

function checkType(entity: string, field: string, type: FieldType, enums: ReadonlyMap<string, EnumIR>): void {
  if (type.kind === 'scalar') {
    if (!SCALAR_TYPE_NAMES.includes(type.name))
      throw EntityDeclarationError.unsupportedType(entity, field, type.name)
    return
  }
  if (type.kind === 'enum') {
    const e = enums.get(type.name)
    if (!e) throw new EntityDeclarationError(`${entity}.${field}: enum ${type.name} is not declared`)
    if (e.values.length === 0)
      throw new EntityDeclarationError(`${entity}.${field}: enum ${type.name} has no values`)
    return
  }
  if (type.kind === 'list') {
    if (type.element.kind === 'list') {
      throw EntityDeclarationError.unsupportedType(entity, field, fieldTypeToString(type))
    }
    checkType(entity, field, type.element, enums)
    return
  }
  throw EntityDeclarationError.unsupportedType(entity, field, JSON.stringify(type))
}

function isKeyType(type: FieldType): boolean {
  if (type.kind === 'enum') return true
  if (type.kind === 'list') return false
  return ['Int', 'BigInt', 'String'].includes(type.name)
}
