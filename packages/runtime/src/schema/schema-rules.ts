import { closestName } from './closest-name.js'
import { checkEntityRules, fieldTypeLabel } from './entity-rules.js'
import type { EntityIR, EnumIR, RelationIR, SchemaIR } from './schema-ir.js'
import type { SchemaIssue } from './schema-issue.js'
import { schemaRuleMessages as m } from './schema-rule-messages.js'
import { storageContains, storagePathProblem } from './storage-path.js'

/**
 * The one rule set for entities, over the schema IR: every entity's own rules, plus the rules between entities
 * (table folders that coincide or nest, relation targets, keys and their types). Pure and total: issues come back
 * as data, in declaration order. Both codegen front-ends run it; the runtime runs the same functions when it
 * registers entities.
 */
export function checkSchemaRules(ir: Pick<SchemaIR, 'entities' | 'enums'>): SchemaIssue[] {
  const enums = new Map(ir.enums.map((e): [string, EnumIR] => [e.name, e]))
  const issues: SchemaIssue[] = []
  const placed: EntityIR[] = []
  for (const entity of ir.entities) {
    issues.push(...checkEntityRules(entity, enums))
    const clash = storageClash(entity, placed)
    if (clash !== undefined) issues.push(clash)
    placed.push(entity)
  }
  const byName = new Map(ir.entities.map((e): [string, EntityIR] => [e.name, e]))
  for (const entity of ir.entities)
    for (const relation of entity.relations) issues.push(...checkRelation(entity, relation, byName))
  return issues
}

/**
 * The issue when `entity`'s table folder is the folder of, or lies inside or around, the folder of one of `others`
 * (compared ignoring case, as macOS and Windows do). A table folder may not contain another table: vacuum and
 * scans of the outer table must never see the inner one. Entities of the same name are the same table declared
 * again (a module loaded twice) and do not clash.
 */
export function storageClash(entity: EntityIR, others: Iterable<EntityIR>): SchemaIssue | undefined {
  if (storagePathProblem(entity.storage) !== undefined) return undefined
  for (const other of others) {
    if (other.name === entity.name || storagePathProblem(other.storage) !== undefined) continue
    if (entity.storage.toLowerCase() === other.storage.toLowerCase())
      return m.duplicateStorage(entity.name, entity.storage, other.name)
    if (storageContains(entity.storage, other.storage) || storageContains(other.storage, entity.storage))
      return m.nestedStorage(entity.name, entity.storage, other.name, other.storage)
  }
  return undefined
}

/** The rules of one relation that need its target: the target exists, the keys exist, their types match. */
export function checkRelation(
  entity: EntityIR,
  relation: RelationIR,
  byName: ReadonlyMap<string, EntityIR>,
): SchemaIssue[] {
  const target = byName.get(relation.target)
  if (target === undefined)
    return [
      m.unknownRelationTarget(
        entity.name,
        relation.name,
        relation.target,
        closestName(relation.target, byName.keys()),
      ),
    ]
  if (relation.foreignKey === '') return []
  if (relation.through !== undefined) {
    const join = byName.get(relation.through.entity)
    if (join === undefined)
      return [
        m.unknownRelationTarget(
          entity.name,
          relation.name,
          relation.through.entity,
          closestName(relation.through.entity, byName.keys()),
        ),
      ]
    return [
      ...keyIssues(entity, relation, join, relation.foreignKey, entity, relation.references),
      ...keyIssues(entity, relation, join, relation.through.targetKey, target, ''),
    ]
  }
  const [holder, referenced] = relation.kind === 'one' ? [entity, target] : [target, entity]
  return keyIssues(entity, relation, holder, relation.foreignKey, referenced, relation.references)
}

function keyIssues(
  entity: EntityIR,
  relation: RelationIR,
  holder: EntityIR,
  key: string,
  referenced: EntityIR,
  references: string,
): SchemaIssue[] {
  if (key === '') return []
  const keyField = holder.fields.find((f) => f.name === key)
  if (keyField === undefined) {
    // A missing key on the entity itself is one of its own rules (checkEntityRules).
    if (holder === entity && relation.kind === 'one' && relation.through === undefined) return []
    const names = holder.fields.map((f) => f.name)
    return [m.foreignKeyMissing(entity.name, relation.name, holder.name, key, closestName(key, names))]
  }
  const refName = references === '' ? referenced.primaryKey[0] : references
  if (refName === undefined) return [] // the missing primary key is reported on its own
  const refField = referenced.fields.find((f) => f.name === refName)
  if (refField === undefined) {
    if (references === '') return [] // an unknown primary key is reported on its own
    const names = referenced.fields.map((f) => f.name)
    return [
      m.referencesMissing(entity.name, relation.name, referenced.name, refName, closestName(refName, names)),
    ]
  }
  const keyType = fieldTypeLabel(keyField.type)
  const refType = fieldTypeLabel(refField.type)
  if (keyType === refType) return []
  return [
    m.foreignKeyTypeMismatch(
      entity.name,
      relation.name,
      `${holder.name}.${key}`,
      keyType,
      `${referenced.name}.${refName}`,
      refType,
    ),
  ]
}
