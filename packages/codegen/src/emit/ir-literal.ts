import type { DefaultValue, EntityIR, FieldIR, FieldType, RelationIR } from '@parquetframe/runtime'
import type { LiteralValue } from './literal-printer.js'

/**
 * An entity's IR as a plain literal for the generated registration: everything the runtime reads, without
 * docs and source spans (they live in the doc comments, and spans would change the file on unrelated edits).
 */
export function entityIRLiteral(entity: EntityIR): LiteralValue {
  return {
    name: entity.name,
    storage: entity.storage,
    format: entity.format,
    primaryKey: [...entity.primaryKey],
    partitionBy: [...entity.partitionBy],
    fields: entity.fields.map(fieldLiteral),
    relations: entity.relations.map(relationLiteral),
    indexes: entity.indexes.map((i) => [...i]),
    uniques: entity.uniques.map((u) => [...u]),
  }
}

function fieldLiteral(field: FieldIR): LiteralValue {
  return {
    name: field.name,
    id: field.id,
    column: field.column,
    type: typeLiteral(field.type),
    optional: field.optional,
    isId: field.isId,
    unique: field.unique,
    index: field.index,
    default: field.default === undefined ? undefined : defaultLiteral(field.default),
  }
}

function typeLiteral(type: FieldType): LiteralValue {
  switch (type.kind) {
    case 'scalar':
    case 'enum':
      return { kind: type.kind, name: type.name }
    case 'list':
      return { kind: 'list', element: typeLiteral(type.element) }
  }
}

function defaultLiteral(value: DefaultValue): LiteralValue {
  return value.kind === 'literal' ? { kind: 'literal', value: value.value } : { kind: value.kind }
}

function relationLiteral(relation: RelationIR): LiteralValue {
  return {
    name: relation.name,
    target: relation.target,
    kind: relation.kind,
    foreignKey: relation.foreignKey,
    references: relation.references,
    through:
      relation.through === undefined
        ? undefined
        : { entity: relation.through.entity, targetKey: relation.through.targetKey },
  }
}
