import type {
  EntityIR,
  EnumIR,
  FieldIR,
  RelationIR,
  SchemaConfigIR,
  SchemaIR,
  SourceSpan,
  StorageFormatName,
} from '@parquetframe/runtime/schema'
import type { DiagnosticSpan } from '../diagnostics/diagnostic.js'
import type { CheckedClasses } from './class-checker.js'
import { primaryKeyName, storagePath } from './class-checker.js'
import type { ClassEntity, ClassField, ClassRelation } from './class-model.js'

const sourceSpan = (span: DiagnosticSpan): SourceSpan => ({ ...span })

/**
 * Turns checked classes into the IR, as the runtime's `buildEntityIR` would: field ids 1..n over stored fields in
 * declaration order (decorated ancestors first); storage defaults to the entity name, format to the config's,
 * else parquet; `@unique()`/`@index()` fields also appear as one-field groups, before the option's groups;
 * `references` defaults to the referenced side's primary key. Call only when the checks found no errors.
 */
export function lowerClasses(
  checked: CheckedClasses,
  config: SchemaConfigIR,
  sources: readonly string[],
): SchemaIR {
  const defaultFormat = config.format ?? 'parquet'
  const byName = new Map(checked.entities.map((e) => [e.name, e]))
  const enums = checked.enums.map(
    (e): EnumIR => ({
      name: e.name,
      values: [...e.values],
      ...(e.doc === undefined ? {} : { doc: e.doc }),
      span: sourceSpan(e.span),
    }),
  )
  return {
    config,
    enums,
    entities: checked.entities.map((e) => lowerEntity(e, byName, defaultFormat)),
    sources,
  }
}

function lowerEntity(
  entity: ClassEntity,
  byName: ReadonlyMap<string, ClassEntity>,
  defaultFormat: StorageFormatName,
): EntityIR {
  const primaryKey = primaryKeyName(entity)
  const fields = entity.fields.map((f, i) => lowerField(f, i + 1, primaryKey ?? ''))
  return {
    name: entity.name,
    storage: storagePath(entity),
    format: entity.format ?? defaultFormat,
    primaryKey: primaryKey === undefined ? [] : [primaryKey],
    partitionBy: entity.partitionBy.map((n) => n.value),
    fields,
    relations: entity.relations.map((r) => lowerRelation(entity, r, byName)),
    indexes: [
      ...fields.filter((f) => f.index).map((f) => [f.name]),
      ...entity.indexes.map((g) => g.fields.map((n) => n.value)),
    ],
    uniques: [
      ...fields.filter((f) => f.unique).map((f) => [f.name]),
      ...entity.uniques.map((g) => g.fields.map((n) => n.value)),
    ],
    ...(entity.doc === undefined ? {} : { doc: entity.doc }),
    span: sourceSpan(entity.span),
  }
}

function lowerField(field: ClassField, id: number, primaryKey: string): FieldIR {
  return {
    name: field.name,
    id,
    column: field.column,
    type: field.type ?? { kind: 'scalar', name: 'Json' },
    optional: field.optional,
    isId: field.name === primaryKey,
    unique: field.unique,
    index: field.index,
    ...(field.default === undefined ? {} : { default: field.default }),
    ...(field.doc === undefined ? {} : { doc: field.doc }),
    span: sourceSpan(field.span),
  }
}

function lowerRelation(
  entity: ClassEntity,
  relation: ClassRelation,
  byName: ReadonlyMap<string, ClassEntity>,
): RelationIR {
  const target = relation.target?.value ?? ''
  const referenced = relation.kind === 'one' && relation.through === undefined ? byName.get(target) : entity
  const references =
    relation.references?.value ?? (referenced === undefined ? '' : (primaryKeyName(referenced) ?? ''))
  return {
    name: relation.name,
    target,
    kind: relation.kind,
    foreignKey: relation.foreignKey?.value ?? '',
    references,
    ...(relation.through === undefined
      ? {}
      : {
          through: {
            entity: relation.through.entity.value,
            targetKey: relation.through.targetKey?.value ?? '',
          },
        }),
    ...(relation.doc === undefined ? {} : { doc: relation.doc }),
    span: sourceSpan(relation.span),
  }
}
