import type { Diagnostic } from '../diagnostics/diagnostic.js'
import { messages } from '../diagnostics/messages.js'
import type { BoundEntity, BoundField, BoundSchema } from './bound-schema.js'
import { isStoredField, typeLabel } from './bound-schema.js'
import { checkDefault } from './default-value.js'
import { closestName } from './edit-distance.js'
import { toDiagnosticSpan } from './pfschema-ast.js'
import { resolveRelation } from './relation-resolver.js'
import { checkStoragePath, defaultStoragePath } from './storage-path.js'

const ID_TYPES = new Set(['Int', 'BigInt', 'String', 'Decimal', 'Date', 'DateTime'])
const UNINDEXABLE = new Set(['Json', 'Bytes'])
const UNPARTITIONABLE = new Set(['Json', 'Bytes', 'Float'])

/** Semantic checks over a bound schema: keys, defaults, columns, indexes, partitioning, relations, storage paths. */
export function checkSchema(schema: BoundSchema, diagnostics: Diagnostic[]): void {
  for (const entity of schema.entities) {
    checkKeys(entity, diagnostics)
    checkFields(schema, entity, diagnostics)
    checkFieldLists(entity, diagnostics)
    checkPartitioning(entity, diagnostics)
  }
  checkStorage(schema, diagnostics)
}

function checkKeys(entity: BoundEntity, diagnostics: Diagnostic[]): void {
  const ids = entity.fields.filter((f) => f.id !== undefined && isStoredField(f))
  const [first, ...rest] = ids
  if (first === undefined) {
    if (entity.node.close !== undefined)
      diagnostics.push(messages.missingId(toDiagnosticSpan(entity.node.name.span), entity.name))
    return
  }
  for (const extra of rest) {
    if (extra.id !== undefined)
      diagnostics.push(messages.multipleIds(toDiagnosticSpan(extra.id.span), entity.name, first.name))
  }
  for (const id of ids) {
    const span = toDiagnosticSpan(id.typeSpan)
    if (id.optional) diagnostics.push(messages.optionalId(span, entity.name, id.name))
    const allowed =
      id.listDepth === 0 &&
      (id.type.kind === 'enum' || (id.type.kind === 'scalar' && ID_TYPES.has(id.type.name)))
    if (!allowed && id.type.kind !== 'unknown') {
      diagnostics.push(
        messages.idTypeNotAllowed(span, entity.name, id.name, typeLabel({ ...id, optional: false })),
      )
    }
  }
}

function checkFields(schema: BoundSchema, entity: BoundEntity, diagnostics: Diagnostic[]): void {
  const columns = new Map<string, string>()
  for (const field of entity.fields) {
    if (field.type.kind === 'entity') {
      for (const attribute of [field.id, field.unique, field.index, field.default?.attribute]) {
        if (attribute !== undefined) {
          diagnostics.push(
            messages.attributeOnRelationField(
              toDiagnosticSpan(attribute.span),
              `@${attribute.name.text}`,
              entity.name,
              field.name,
            ),
          )
        }
      }
      if (field.map !== undefined) {
        diagnostics.push(
          messages.attributeOnRelationField(
            toDiagnosticSpan(field.map.span),
            '@map',
            entity.name,
            field.name,
          ),
        )
      }
      diagnostics.push(...resolveRelation(schema, entity, field).diagnostics)
      continue
    }
    if (field.relation !== undefined && field.type.kind !== 'unknown') {
      diagnostics.push(
        messages.relationOnNonEntity(
          toDiagnosticSpan(field.relation.attribute.span),
          entity.name,
          field.name,
          field.type.name,
        ),
      )
    }
    for (const attribute of [field.unique, field.index]) {
      if (attribute !== undefined && field.id === undefined && !indexable(field)) {
        diagnostics.push(
          messages.indexOnUnsupportedType(
            toDiagnosticSpan(attribute.span),
            `@${attribute.name.text}`,
            entity.name,
            field.name,
            typeLabel(field),
          ),
        )
      }
    }
    if (field.default !== undefined && field.type.kind !== 'unknown') {
      const result = checkDefault(entity.name, field, field.default.value, schema.enumByName)
      if (!result.ok) diagnostics.push(result.diagnostic)
    }
    const column = field.map?.value ?? field.name
    const other = columns.get(column)
    if (other !== undefined) {
      const span = field.map === undefined ? field.node.name.span : field.map.span
      diagnostics.push(messages.duplicateColumn(toDiagnosticSpan(span), entity.name, column, other))
    } else {
      columns.set(column, field.name)
    }
  }
}

function indexable(field: BoundField): boolean {
  return field.listDepth === 0 && !(field.type.kind === 'scalar' && UNINDEXABLE.has(field.type.name))
}

function checkFieldLists(entity: BoundEntity, diagnostics: Diagnostic[]): void {
  const stored = entity.fields.filter(isStoredField).map((f) => f.name)
  for (const [attribute, lists] of [
    ['@@index', entity.indexes],
    ['@@unique', entity.uniques],
  ] as const) {
    for (const list of lists) {
      for (const name of list.fields) {
        if (!stored.includes(name.text)) {
          diagnostics.push(
            messages.unknownIndexField(
              toDiagnosticSpan(name.span),
              attribute,
              entity.name,
              name.text,
              closestName(name.text, stored),
            ),
          )
        }
      }
    }
  }
}

function checkPartitioning(entity: BoundEntity, diagnostics: Diagnostic[]): void {
  for (const name of entity.partitionBy) {
    const span = toDiagnosticSpan(name.span)
    const field = entity.fields.find((f) => f.name === name.text && isStoredField(f))
    if (field === undefined) {
      const stored = entity.fields.filter(isStoredField).map((f) => f.name)
      diagnostics.push(
        messages.unknownPartitionField(span, entity.name, name.text, closestName(name.text, stored)),
      )
      continue
    }
    if (field.listDepth > 0 || (field.type.kind === 'scalar' && UNPARTITIONABLE.has(field.type.name))) {
      diagnostics.push(messages.partitionByUnsupportedType(span, entity.name, field.name, typeLabel(field)))
    } else if (field.id !== undefined) {
      diagnostics.push(messages.partitionById(span, entity.name, field.name))
    }
  }
}

function checkStorage(schema: BoundSchema, diagnostics: Diagnostic[]): void {
  const placed: { entity: BoundEntity; path: string; key: string }[] = []
  for (const entity of schema.entities) {
    const raw = entity.storage?.value ?? defaultStoragePath(entity.name)
    const span = toDiagnosticSpan(entity.storage?.span ?? entity.node.name.span)
    const checked = checkStoragePath(raw)
    if (!checked.ok) {
      if (checked.problem === 'absolute') diagnostics.push(messages.storageAbsolute(span, entity.name, raw))
      else if (checked.problem === 'escapes')
        diagnostics.push(messages.storageEscapes(span, entity.name, raw))
      else if (checked.problem === 'empty')
        diagnostics.push(messages.invalidStorage(span, entity.name, raw, 'names no directory'))
      else
        diagnostics.push(
          messages.invalidStorage(span, entity.name, raw, 'contains characters file systems refuse'),
        )
      continue
    }
    // Compare case-insensitively: two tables differing only in case collide on macOS and Windows.
    const key = checked.path.toLowerCase()
    const same = placed.find((p) => p.key === key)
    if (same !== undefined) {
      diagnostics.push(messages.duplicateStorage(span, entity.name, checked.path, same.entity.name))
      continue
    }
    const nested = placed.find((p) => key.startsWith(`${p.key}/`) || p.key.startsWith(`${key}/`))
    if (nested !== undefined) {
      diagnostics.push(
        messages.nestedStorage(span, entity.name, checked.path, nested.entity.name, nested.path),
      )
    }
    placed.push({ entity, path: checked.path, key })
  }
}
