import { isAbsolute, relative, resolve, sep } from 'node:path'
import { checkEntityRules } from '../schema/entity-rules.js'
import type { EntityIR, EnumIR, FieldType } from '../schema/schema-ir.js'
import { SCALAR_TYPE_NAMES } from '../schema/schema-ir.js'
import { schemaRuleMessages } from '../schema/schema-rule-messages.js'
import { storagePathProblem } from '../schema/storage-path.js'
import { EntityDeclarationError } from './entity-errors.js'
import { fieldTypeToString } from './field-type-spec.js'

/**
 * Checks one entity at registration: first that the IR is well formed (known scalar types, declared enums, no
 * nested lists, one-field primary key, relations with a foreign key), then the shared entity rules that `pf validate`
 * runs too (schema/entity-rules.ts). Throws EntityDeclarationError; for a broken shared rule it carries that rule's
 * code (`rule`) and message.
 */
export function checkEntityIR(ir: EntityIR, enums: ReadonlyMap<string, EnumIR>): void {
  for (const field of ir.fields) checkType(ir.name, field.name, field.type, enums)
  if (ir.primaryKey.length > 1) {
    throw new EntityDeclarationError(`Entity ${ir.name}: composite primary keys are not supported yet`)
  }
  for (const relation of ir.relations) {
    const where = `${ir.name}.${relation.name}`
    if (!relation.foreignKey) throw new EntityDeclarationError(`${where}: relation without a foreignKey`)
    if (relation.through && relation.kind !== 'many') {
      throw new EntityDeclarationError(`${where}: a relation through a join entity must be 'many'`)
    }
  }
  const errors = checkEntityRules(ir, enums).filter((i) => i.severity === 'error')
  if (errors.length > 0) throw EntityDeclarationError.fromIssues(errors)
}

/**
 * The absolute table folder of an entity under a store's base directory. Enforces the storage-path rule again
 * where the folder is resolved, so no IR (hand-built or not) can name a folder outside the base.
 */
export function tableFolder(basePath: string, ir: Pick<EntityIR, 'name' | 'storage'>): string {
  const problem = storagePathProblem(ir.storage)
  const m = schemaRuleMessages
  if (problem !== undefined) {
    const issue =
      problem.kind === 'absolute'
        ? m.storageAbsolute(ir.name, ir.storage)
        : problem.kind === 'escapes'
          ? m.storageEscapes(ir.name, ir.storage)
          : m.invalidStorage(ir.name, ir.storage, problem.kind === 'empty' ? 'names no folder' : problem.why)
    throw EntityDeclarationError.fromIssues([issue])
  }
  const base = resolve(basePath)
  const folder = resolve(base, ir.storage)
  const inside = relative(base, folder)
  if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) {
    throw EntityDeclarationError.fromIssues([m.storageEscapes(ir.name, ir.storage)])
  }
  return folder
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
