import type { FieldType } from '@parquetframe/runtime/schema'
import type { Diagnostic, DiagnosticSpan } from '../diagnostics/diagnostic.js'
import { messages } from '../diagnostics/messages.js'
import { closestName } from '../pfschema/edit-distance.js'
import { checkStoragePath } from '../pfschema/storage-path.js'
import type { ClassEntity, ClassField, ClassRelation, DeclaredEnum, Spanned } from './class-model.js'

/** The entities and enums that passed the schema-level checks, with lookups for the lowering. */
export interface CheckedClasses {
  readonly entities: readonly ClassEntity[]
  readonly enums: readonly DeclaredEnum[]
}

const KEY_TYPES = new Set(['Int', 'BigInt', 'String'])
const STORAGE_PROBLEMS = {
  escapes: 'leaves the base directory',
  empty: 'names no directory',
  invalid: 'has characters file systems refuse',
} as const

const typeText = (t: FieldType): string => (t.kind === 'list' ? `${typeText(t.element)}[]` : t.name)
const sameType = (a: FieldType, b: FieldType): boolean => typeText(a) === typeText(b)

/** The primary key of an entity: `primaryKey`, else the `@id()` field. */
export function primaryKeyName(entity: ClassEntity): string | undefined {
  return entity.primaryKey?.value ?? entity.fields.find((f) => f.id !== undefined)?.name
}

/** The table directory of an entity: `storage` normalised (an absolute path kept as is), else its name. */
export function storagePath(entity: ClassEntity): string {
  const raw = entity.storage?.value ?? entity.name
  const checked = checkStoragePath(raw)
  return checked.ok ? checked.path : raw
}

/**
 * Checks across classes: unique entity and enum names, one consistent declaration per enum, primary keys, columns,
 * field groups, storage paths, and relations (targets, keys on the right side, matching key types). Mirrors what
 * the runtime refuses when it registers the same classes.
 */
export function checkClasses(found: readonly ClassEntity[], diagnostics: Diagnostic[]): CheckedClasses {
  const entities: ClassEntity[] = []
  const byName = new Map<string, ClassEntity>()
  for (const entity of found) {
    const first = byName.get(entity.name)
    if (first !== undefined) {
      diagnostics.push(messages.duplicateClassName(entity.span, 'entity', entity.name, first.span))
      continue
    }
    byName.set(entity.name, entity)
    entities.push(entity)
  }
  const enums = new Map<string, DeclaredEnum>()
  for (const declared of entities.flatMap((e) => e.enums)) {
    const first = enums.get(declared.name)
    const entity = byName.get(declared.name)
    if (entity !== undefined)
      diagnostics.push(messages.duplicateClassName(declared.span, 'enum', declared.name, entity.span))
    else if (first === undefined) enums.set(declared.name, declared)
    else if (first.values.join('\u0000') !== declared.values.join('\u0000'))
      diagnostics.push(messages.enumConflict(declared.span, declared.name, first.span))
    // The same enum declared again (e.g. enumOf in two classes): the first doc comment found is kept.
    else if (first.doc === undefined && declared.doc !== undefined)
      enums.set(declared.name, { ...first, doc: declared.doc })
  }
  const storages = new Map<string, ClassEntity>()
  for (const entity of entities) {
    checkKeys(entity, diagnostics)
    checkColumns(entity, diagnostics)
    checkGroups(entity, diagnostics)
    const at = entity.storage?.span ?? entity.span
    const checked = checkStoragePath(entity.storage?.value ?? entity.name)
    if (!checked.ok && checked.problem !== 'absolute')
      diagnostics.push(
        messages.classStoragePath(
          at,
          entity.name,
          entity.storage?.value ?? entity.name,
          STORAGE_PROBLEMS[checked.problem],
        ),
      )
    const path = storagePath(entity).toLowerCase()
    const other = storages.get(path)
    if (other !== undefined)
      diagnostics.push(messages.classDuplicateStorage(at, entity.name, storagePath(entity), other.name))
    else storages.set(path, entity)
    for (const relation of entity.relations) checkRelation(entity, relation, byName, diagnostics)
  }
  return { entities, enums: [...enums.values()] }
}

function checkKeys(entity: ClassEntity, diagnostics: Diagnostic[]): void {
  if (entity.fields.length === 0) {
    diagnostics.push(messages.entityWithoutFields(entity.span, entity.name))
    return
  }
  const ids = entity.fields.filter((f) => f.id !== undefined)
  const [first, ...rest] = ids
  for (const extra of rest)
    diagnostics.push(messages.classMultipleIds(extra.id ?? extra.span, entity.name, first?.name ?? ''))
  const option = entity.primaryKey
  if (option !== undefined && first !== undefined && option.value !== first.name)
    diagnostics.push(messages.primaryKeyDisagrees(option.span, entity.name, option.value, first.name))
  const name = primaryKeyName(entity)
  if (name === undefined) {
    diagnostics.push(messages.classMissingPrimaryKey(entity.span, entity.name))
    return
  }
  const key = entity.fields.find((f) => f.name === name)
  if (key === undefined) {
    if (option !== undefined) unknownField(option, '@entity({ primaryKey })', entity, diagnostics)
    return
  }
  if (key.optional)
    diagnostics.push(messages.invalidPrimaryKey(key.typeSpan, entity.name, key.name, 'cannot be optional'))
  if (
    key.type !== undefined &&
    !(key.type.kind === 'enum' || (key.type.kind === 'scalar' && KEY_TYPES.has(key.type.name)))
  )
    diagnostics.push(
      messages.invalidPrimaryKey(
        key.typeSpan,
        entity.name,
        key.name,
        `cannot have type ${typeText(key.type)}`,
      ),
    )
}

function checkColumns(entity: ClassEntity, diagnostics: Diagnostic[]): void {
  const columns = new Map<string, ClassField>()
  for (const field of entity.fields) {
    const other = columns.get(field.column)
    if (other !== undefined)
      diagnostics.push(messages.classDuplicateColumn(field.span, entity.name, field.column, other.name))
    else columns.set(field.column, field)
  }
}

function unknownField(
  name: Spanned<string>,
  option: string,
  entity: ClassEntity,
  diagnostics: Diagnostic[],
): void {
  const candidates = entity.fields.map((f) => f.name)
  diagnostics.push(
    messages.unknownClassField(
      name.span,
      option,
      entity.name,
      name.value,
      closestName(name.value, candidates),
    ),
  )
}

function checkGroups(entity: ClassEntity, diagnostics: Diagnostic[]): void {
  const names = new Set(entity.fields.map((f) => f.name))
  const lists: [string, readonly Spanned<string>[]][] = [
    ['@entity({ partitionBy })', entity.partitionBy],
    ...entity.uniques.map((g): [string, readonly Spanned<string>[]] => ['@entity({ uniques })', g.fields]),
    ...entity.indexes.map((g): [string, readonly Spanned<string>[]] => ['@entity({ indexes })', g.fields]),
  ]
  for (const [option, list] of lists)
    for (const name of list) if (!names.has(name.value)) unknownField(name, option, entity, diagnostics)
}

function checkRelation(
  entity: ClassEntity,
  relation: ClassRelation,
  byName: ReadonlyMap<string, ClassEntity>,
  diagnostics: Diagnostic[],
): void {
  const where = `${entity.name}.${relation.name}`
  if (entity.fields.some((f) => f.name === relation.name))
    diagnostics.push(messages.relationNameClash(relation.span, entity.name, relation.name))
  if (relation.target === undefined) return
  const target = byName.get(relation.target.value)
  if (target === undefined) {
    diagnostics.push(
      messages.unknownRelationTarget(
        relation.target.span,
        where,
        relation.target.value,
        closestName(relation.target.value, byName.keys()),
      ),
    )
    return
  }
  if (relation.foreignKey === undefined) return
  if (relation.through !== undefined) {
    const join = byName.get(relation.through.entity.value)
    if (join === undefined) {
      const name = relation.through.entity
      diagnostics.push(
        messages.unknownRelationTarget(name.span, where, name.value, closestName(name.value, byName.keys())),
      )
      return
    }
    const targetKey = relation.through.targetKey
    if (targetKey === undefined) return
    checkKey(where, join, relation.foreignKey, entity, relation.references, relation.span, diagnostics)
    checkKey(where, join, targetKey, target, undefined, relation.span, diagnostics)
    return
  }
  const [holder, referenced] = relation.kind === 'one' ? [entity, target] : [target, entity]
  checkKey(where, holder, relation.foreignKey, referenced, relation.references, relation.span, diagnostics)
}

/** Checks that `key` is a stored field of `holder` whose type matches the referenced field of `referenced`. */
function checkKey(
  where: string,
  holder: ClassEntity,
  key: Spanned<string>,
  referenced: ClassEntity,
  references: Spanned<string> | undefined,
  relationSpan: DiagnosticSpan,
  diagnostics: Diagnostic[],
): void {
  const keyField = holder.fields.find((f) => f.name === key.value)
  if (keyField === undefined) {
    const candidates = holder.fields.map((f) => f.name)
    diagnostics.push(
      messages.classForeignKeyMissing(
        key.span,
        holder.name,
        key.value,
        where,
        closestName(key.value, candidates),
      ),
    )
    return
  }
  const refName = references?.value ?? primaryKeyName(referenced)
  if (refName === undefined) return // the missing primary key is reported on its own
  const refField = referenced.fields.find((f) => f.name === refName)
  if (refField === undefined) {
    if (references !== undefined) {
      const candidates = referenced.fields.map((f) => f.name)
      diagnostics.push(
        messages.classReferencesMissing(
          references.span,
          referenced.name,
          refName,
          where,
          closestName(refName, candidates),
        ),
      )
    }
    return
  }
  if (keyField.type === undefined || refField.type === undefined || sameType(keyField.type, refField.type))
    return
  diagnostics.push(
    messages.classForeignKeyTypeMismatch(
      key.span ?? relationSpan,
      where,
      `${holder.name}.${key.value}`,
      typeText(keyField.type),
      `${referenced.name}.${refName}`,
      typeText(refField.type),
    ),
  )
}
