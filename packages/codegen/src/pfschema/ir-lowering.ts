import {
  DEFAULT_DECIMAL,
  type EntityIR,
  type EnumIR,
  type FieldIR,
  type FieldType,
  type RelationIR,
  type SchemaConfigIR,
  type SchemaIR,
  type SourceSpan,
} from '@parquetframe/runtime/schema'
import type { BoundEntity, BoundField, BoundSchema } from './bound-schema.js'
import { isStoredField } from './bound-schema.js'
import { checkDefault } from './default-value.js'
import type { AstSpan } from './pfschema-ast.js'
import { primaryKeyField, resolveRelation } from './relation-resolver.js'
import { defaultStoragePath, normalizeStoragePath } from './storage-path.js'

const sourceSpan = (span: AstSpan, length: number): SourceSpan => ({
  file: span.file,
  line: span.line,
  column: span.column,
  length,
})

/**
 * Turns a checked schema into the IR. Call only when the checks found no errors: anything invalid is left out here
 * rather than reported. Field ids are 1..n over stored (non-relation) fields in declaration order; storage defaults
 * to the entity name in snake_case; format to the config format, else parquet. Field-level `@unique`/`@index` become
 * one-field groups in `uniques`/`indexes` (before the `@@unique`/`@@index` groups), as the runtime's decorators and the
 * class front-end list them: the runtime enforces uniqueness from `uniques` alone.
 */
export function lowerToIR(schema: BoundSchema): SchemaIR {
  const config: { -readonly [K in keyof SchemaConfigIR]: SchemaConfigIR[K] } = {}
  if (schema.config.storage !== undefined) config.storage = schema.config.storage.value
  if (schema.config.format !== undefined) config.format = schema.config.format.value
  if (schema.config.output !== undefined) config.output = schema.config.output.value
  const enums = schema.enums.map(
    (e): EnumIR => ({
      name: e.name,
      values: e.values,
      ...(e.node.doc === undefined ? {} : { doc: e.node.doc }),
      span: sourceSpan(e.node.name.span, e.name.length),
    }),
  )
  const entities = schema.entities.map((entity) => lowerEntity(schema, entity, config.format ?? 'parquet'))
  return { config, enums, entities, sources: schema.files }
}

function lowerEntity(schema: BoundSchema, entity: BoundEntity, defaultFormat: 'parquet' | 'avro'): EntityIR {
  const stored = entity.fields.filter(isStoredField)
  const fields = stored.map((field, i) => lowerField(schema, entity, field, i + 1))
  const relations: RelationIR[] = []
  for (const field of entity.fields) {
    if (isStoredField(field)) continue
    const resolved = resolveRelation(schema, entity, field).relation
    if (resolved === undefined) continue
    relations.push({
      ...resolved,
      ...(field.node.doc === undefined ? {} : { doc: field.node.doc }),
      span: sourceSpan(field.node.name.span, field.name.length),
    })
  }
  const pk = primaryKeyField(entity)
  return {
    name: entity.name,
    storage: normalizeStoragePath(entity.storage?.value ?? defaultStoragePath(entity.name)),
    format: entity.format?.value ?? defaultFormat,
    primaryKey: pk === undefined ? [] : [pk.name],
    partitionBy: entity.partitionBy.map((n) => n.text),
    fields,
    relations,
    indexes: [
      ...fields.filter((f) => f.index).map((f) => [f.name]),
      ...entity.indexes.map((l) => l.fields.map((n) => n.text)),
    ],
    uniques: [
      ...fields.filter((f) => f.unique).map((f) => [f.name]),
      ...entity.uniques.map((l) => l.fields.map((n) => n.text)),
    ],
    ...(entity.node.doc === undefined ? {} : { doc: entity.node.doc }),
    span: sourceSpan(entity.node.name.span, entity.name.length),
  }
}

function lowerType(field: BoundField): FieldType {
  const name = scalarName(field)
  // The IR always carries a Decimal's precision and scale: as declared, else the documented default.
  const decimal = name === 'Decimal' ? (field.decimal ?? DEFAULT_DECIMAL) : undefined
  let type: FieldType =
    field.type.kind === 'enum'
      ? { kind: 'enum', name: field.type.name }
      : decimal === undefined
        ? { kind: 'scalar', name }
        : { kind: 'scalar', name, precision: decimal.precision, scale: decimal.scale }
  for (let i = 0; i < field.listDepth; i++) type = { kind: 'list', element: type }
  return type
}

function scalarName(field: BoundField) {
  return field.type.kind === 'scalar' ? field.type.name : 'Json'
}

function lowerField(schema: BoundSchema, entity: BoundEntity, field: BoundField, id: number): FieldIR {
  const defaulted =
    field.default === undefined
      ? undefined
      : checkDefault(entity.name, field, field.default.value, schema.enumByName)
  return {
    name: field.name,
    id,
    column: field.map?.value ?? field.name,
    type: lowerType(field),
    optional: field.optional,
    isId: field.id !== undefined,
    unique: field.unique !== undefined,
    index: field.index !== undefined,
    ...(defaulted?.ok === true ? { default: defaulted.value } : {}),
    ...(field.node.doc === undefined ? {} : { doc: field.node.doc }),
    span: sourceSpan(field.node.name.span, field.name.length),
  }
}
