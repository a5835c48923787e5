// Public API of the entity layer: declaring entities (decorators or registerEntity), the registry, queries.
export { DATE_ONLY, type DateOnly } from './date-only.js'
export { type BelongsTo, Entity, type HasMany } from './entity-base.js'
export {
  type ClassDecorator,
  type EntityOptions,
  entity,
  type FieldDecorator,
  type FieldOptions,
  field,
  id,
  index,
  type RelDecorator,
  type RelOptions,
  rel,
  unique,
} from './entity-decorators.js'
export {
  EntityDeclarationError,
  EntityNotRegisteredError,
  EntitySchemaError,
  QueryError,
  UniqueConstraintError,
  ValidationError,
  type ValidationIssue,
} from './entity-errors.js'
export {
  currentRegistry,
  defaultRegistry,
  type EntityClass,
  EntityRegistry,
  entityId,
  entityIR,
  entryOf,
  type RegisterEntityOptions,
  type RegisteredEntity,
  type RelationTarget,
  type ResolvedRelation,
  withRegistry,
} from './entity-registry.js'
export { zodForField, zodForType, zodSchemaForEntity } from './entity-schema.js'
export {
  defaultStore,
  EntityStore,
  openStore,
  type StoreOptions,
  type StoreStats,
  transaction,
} from './entity-store.js'
export { EntityTransaction } from './entity-transaction.js'
export {
  type EnumSpec,
  enumOf,
  type FieldTypeSpec,
  type ListSpec,
  listOf,
  type ScalarSpecName,
} from './field-type-spec.js'
export type { QueryPath } from './query-planner.js'
export * from './query-types.js'
export { registerEntity } from './register-entity.js'
export { Repository } from './repository.js'
export { compileWhere } from './where-compiler.js'
