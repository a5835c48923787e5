import { didYouMean, quoted as q, severityFactories } from './message-wording.js'
import type { SchemaIssue, SchemaIssueLocation } from './schema-issue.js'

// All wording of the shared entity rules, one factory per situation, so `.pfschema`, decorated classes and the
// runtime say the same thing with the same code. Codes follow the codegen numbering (schema/README.md).

const { error, warning } = severityFactories<SchemaIssueLocation, SchemaIssue>(
  (severity, code, at, message, hint) =>
    hint === undefined ? { code, severity, message, at } : { code, severity, message, hint, at },
)

/** The primary-key types the runtime can store, look up and lock on. */
export const KEY_TYPE_LABEL = 'Int, BigInt, String or an enum'

export const schemaRuleMessages = {
  // PF2xxx: names
  duplicateField: (entity: string, field: string) =>
    error(
      'PF2002',
      { entity, field, part: 'name' },
      `field ${q(field)} is declared twice in entity ${q(entity)}`,
    ),

  decimalArguments: (entity: string, field: string, type: string, problem: string) =>
    error(
      'PF2014',
      { entity, field, part: 'type' },
      `${entity}.${field}: ${type} ${problem}`,
      'Decimal(precision, scale): precision 1..38 digits in all, scale 0..precision after the point',
    ),
  decimalDefaultFit: (entity: string, field: string, problem: string) =>
    error(
      'PF3019',
      { entity, field, part: 'default' },
      `default of ${entity}.${field} does not fit: ${problem}`,
    ),

  // PF3xxx: fields, keys and defaults
  missingPrimaryKey: (entity: string) =>
    error(
      'PF3001',
      { entity, part: 'name' },
      `entity ${q(entity)} has no primary key`,
      'mark one field as the primary key: `id Int @id` in a .pfschema, @id() in a class',
    ),
  multiplePrimaryKeys: (entity: string, field: string, first: string) =>
    error(
      'PF3002',
      { entity, field, part: 'key' },
      `entity ${q(entity)} has more than one primary key field (first: ${q(first)})`,
      'an entity has one primary key field; make the others unique instead',
    ),
  optionalPrimaryKey: (entity: string, field: string) =>
    error(
      'PF3003',
      { entity, field, part: 'type' },
      `primary key ${entity}.${field} cannot be optional`,
      'remove the "?"',
    ),
  primaryKeyType: (entity: string, field: string, type: string) =>
    error(
      'PF3004',
      { entity, field, part: 'type' },
      `primary key ${entity}.${field} cannot have type ${type}`,
      `primary keys are ${KEY_TYPE_LABEL}`,
    ),
  defaultMismatch: (entity: string, field: string, expected: string, given: string) =>
    error(
      'PF3005',
      { entity, field, part: 'default' },
      `default of ${entity}.${field} must be ${expected}, got ${given}`,
    ),
  defaultNotEnumValue: (
    entity: string,
    field: string,
    enumName: string,
    value: string,
    suggestion?: string,
  ) =>
    error(
      'PF3006',
      { entity, field, part: 'default' },
      `default of ${entity}.${field}: ${q(value)} is not a value of enum ${q(enumName)}`,
      didYouMean(suggestion),
    ),
  nowOnNonDateTime: (entity: string, field: string, type: string) =>
    error(
      'PF3007',
      { entity, field, part: 'default' },
      `default now() needs a DateTime field, but ${entity}.${field} is ${type}`,
    ),
  autoincrementOnNonInteger: (entity: string, field: string, type: string) =>
    error(
      'PF3008',
      { entity, field, part: 'default' },
      `default autoincrement() needs an Int or BigInt field, but ${entity}.${field} is ${type}`,
    ),
  uuidOnNonString: (entity: string, field: string, type: string) =>
    error(
      'PF3009',
      { entity, field, part: 'default' },
      `default uuid() needs a String field, but ${entity}.${field} is ${type}`,
    ),
  unknownGroupField: (entity: string, group: 'uniques' | 'indexes', field: string, suggestion?: string) =>
    error(
      'PF3010',
      { entity, part: group, item: field },
      `${group === 'uniques' ? 'a unique group' : 'an index'} names unknown field ${q(field)} of entity ${q(entity)}`,
      didYouMean(suggestion),
    ),
  unknownPartitionField: (entity: string, field: string, suggestion?: string) =>
    error(
      'PF3011',
      { entity, part: 'partitionBy', item: field },
      `partitionBy names unknown field ${q(field)} of entity ${q(entity)}`,
      didYouMean(suggestion),
    ),
  duplicateColumn: (entity: string, field: string, column: string, other: string) =>
    error(
      'PF3012',
      { entity, field, part: 'column' },
      `column ${q(column)} of entity ${q(entity)} is already used by field ${q(other)}`,
      'give one of them another column name',
    ),
  partitionByUnsupportedType: (entity: string, field: string, type: string) =>
    error(
      'PF3014',
      { entity, part: 'partitionBy', item: field },
      `cannot partition ${q(entity)} by ${q(field)} of type ${type}`,
      'partition by a scalar field',
    ),
  defaultOnList: (entity: string, field: string) =>
    error(
      'PF3015',
      { entity, field, part: 'default' },
      `list field ${entity}.${field} cannot have a default`,
      'a missing list is stored as empty',
    ),
  partitionById: (entity: string, field: string) =>
    warning(
      'PF3016',
      { entity, part: 'partitionBy', item: field },
      `partitioning ${q(entity)} by its primary key ${q(field)} makes one directory per row`,
      'partition by a field with few distinct values (a date, a category)',
    ),
  uniqueOnUnsupportedType: (entity: string, field: string, part: 'unique' | 'index', type: string) =>
    error(
      'PF3017',
      { entity, field, part },
      `${entity}.${field} of type ${type} cannot be ${part === 'unique' ? 'unique' : 'indexed'}`,
      'unique and indexed fields are scalars other than Json and Bytes',
    ),
  unknownPrimaryKey: (entity: string, key: string, suggestion?: string) =>
    error(
      'PF3018',
      { entity, part: 'primaryKey', item: key },
      `primary key ${q(key)} of entity ${q(entity)} is not one of its fields`,
      didYouMean(suggestion),
    ),

  // PF4xxx: relations
  foreignKeyMissing: (entity: string, relation: string, holder: string, key: string, suggestion?: string) =>
    error(
      'PF4003',
      { entity, field: relation, part: 'foreignKey' },
      `foreign key ${q(key)} of relation ${entity}.${relation} is not a field of entity ${q(holder)}`,
      didYouMean(suggestion) ?? `add the field ${key} to ${holder}`,
    ),
  foreignKeyTypeMismatch: (
    entity: string,
    relation: string,
    key: string,
    keyType: string,
    ref: string,
    refType: string,
  ) =>
    error(
      'PF4004',
      { entity, field: relation, part: 'foreignKey' },
      `foreign key ${key} of relation ${entity}.${relation} has type ${keyType}, but it references ${ref} of type ${refType}`,
      `make ${key} a ${refType}`,
    ),
  referencesMissing: (entity: string, relation: string, target: string, field: string, suggestion?: string) =>
    error(
      'PF4005',
      { entity, field: relation, part: 'references' },
      `relation ${entity}.${relation} references ${q(field)}, which is not a field of entity ${q(target)}`,
      didYouMean(suggestion),
    ),
  unknownRelationTarget: (entity: string, relation: string, target: string, suggestion?: string) =>
    error(
      'PF6401',
      { entity, field: relation, part: 'target', item: target },
      `relation ${entity}.${relation} points at ${q(target)}, which is not an entity`,
      didYouMean(suggestion),
    ),
  relationNameClash: (entity: string, relation: string) =>
    error(
      'PF6406',
      { entity, field: relation, part: 'relation' },
      `relation ${entity}.${relation} has the name of a stored field or another relation`,
      'give the relation its own name',
    ),

  // PF5xxx: storage
  storageAbsolute: (entity: string, path: string) =>
    error(
      'PF5001',
      { entity, part: 'storage' },
      `storage path ${q(path)} of entity ${q(entity)} is absolute`,
      'storage paths are relative to the store base directory (config storage)',
    ),
  storageEscapes: (entity: string, path: string) =>
    error(
      'PF5002',
      { entity, part: 'storage' },
      `storage path ${q(path)} of entity ${q(entity)} has a ".." segment, which could leave the base directory`,
      'remove the ".." segments',
    ),
  duplicateStorage: (entity: string, path: string, other: string) =>
    error(
      'PF5003',
      { entity, part: 'storage' },
      `entity ${q(entity)} is stored in ${q(path)}, like entity ${q(other)}`,
      'give each entity its own storage folder',
    ),
  nestedStorage: (entity: string, path: string, other: string, otherPath: string) =>
    error(
      'PF5004',
      { entity, part: 'storage' },
      `table folder ${q(path)} of entity ${q(entity)} and ${q(otherPath)} of entity ${q(other)} nest`,
      'a table folder cannot contain another table; use sibling folders',
    ),
  invalidStorage: (entity: string, path: string, why: string) =>
    error('PF5005', { entity, part: 'storage' }, `storage path ${q(path)} of entity ${q(entity)} ${why}`),

  // PF63xx: entities without stored fields (number kept from the classes front-end)
  noFields: (entity: string) =>
    error(
      'PF6308',
      { entity, part: 'name' },
      `entity ${q(entity)} has no stored fields`,
      'declare at least its primary key field',
    ),
} as const
