import { type RelationIR, schemaRuleMessages } from '@parquetframe/runtime/schema'
import type { Diagnostic, DiagnosticSpan } from '../diagnostics/diagnostic.js'
import { diagnosticFromIssue, messages } from '../diagnostics/messages.js'
import type { BoundEntity, BoundField, BoundSchema } from './bound-schema.js'
import { isStoredField, typeLabel } from './bound-schema.js'
import { closestName } from './edit-distance.js'
import { toDiagnosticSpan } from './pfschema-ast.js'

/** A relation field resolved to its IR (when it can be), with the problems found on the way. */
export interface RelationResolution {
  readonly relation: Omit<RelationIR, 'doc' | 'span'> | undefined
  readonly diagnostics: readonly Diagnostic[]
}

/** The primary key field of an entity: its first `@id` field. */
export function primaryKeyField(entity: BoundEntity): BoundField | undefined {
  return entity.fields.find((f) => f.id !== undefined && isStoredField(f))
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1)

/** The foreign key a `one` relation field uses: explicit, else `<field>Id` when that field exists. */
function oneSideForeignKey(holder: BoundEntity, field: BoundField): string | undefined {
  const explicit = field.relation?.foreignKey?.text
  if (explicit !== undefined) return explicit
  const conventional = `${field.name}Id`
  return holder.fields.some((f) => f.name === conventional) ? conventional : undefined
}

/**
 * Resolves a field whose type is an entity. `author User` is a `one` relation: the key is on this entity (explicit
 * `foreignKey`, else `authorId`). `posts Post[]` is a `many` relation: the key is on the target (explicit, else the
 * key of the target's single `one` relation back here, else `<thisEntity>Id`). `references` defaults to the
 * referenced side's @id.
 */
export function resolveRelation(
  schema: BoundSchema,
  entity: BoundEntity,
  field: BoundField,
): RelationResolution {
  const diagnostics: Diagnostic[] = []
  const target = schema.entityByName.get(field.type.name)
  if (field.type.kind !== 'entity' || target === undefined) return { relation: undefined, diagnostics }
  const name = `${entity.name}.${field.name}`
  const kind = field.listDepth > 0 ? 'many' : 'one'
  const fieldSpan = toDiagnosticSpan(field.node.name.span)
  if (kind === 'many' && field.optional)
    diagnostics.push(messages.optionalListRelation(toDiagnosticSpan(field.typeSpan), entity.name, field.name))

  const holder = kind === 'one' ? entity : target
  const referenced = kind === 'one' ? target : entity
  const explicitKey = field.relation?.foreignKey
  let foreignKey: string | undefined
  if (kind === 'one') {
    foreignKey = oneSideForeignKey(entity, field)
  } else if (explicitKey !== undefined) {
    foreignKey = explicitKey.text
  } else {
    const back = target.fields.filter(
      (f) => f.type.kind === 'entity' && f.type.name === entity.name && f.listDepth === 0,
    )
    const keys = back.map((f) => oneSideForeignKey(target, f)).filter((k) => k !== undefined)
    const conventional = `${lowerFirst(entity.name)}Id`
    foreignKey =
      keys.length === 1
        ? keys[0]
        : target.fields.some((f) => f.name === conventional)
          ? conventional
          : undefined
  }
  if (foreignKey === undefined) {
    const example = kind === 'one' ? `${field.name}Id` : `${lowerFirst(entity.name)}Id`
    const hint = `name the key field: ${field.name} ${field.type.name}${kind === 'many' ? '[]' : ''} @relation(foreignKey: ${example})`
    diagnostics.push(messages.relationWithoutForeignKey(fieldSpan, entity.name, field.name, hint))
    return { relation: undefined, diagnostics }
  }
  const keySpan: DiagnosticSpan = explicitKey === undefined ? fieldSpan : toDiagnosticSpan(explicitKey.span)
  const keyField = holder.fields.find((f) => f.name === foreignKey)
  if (keyField === undefined) {
    if (kind === 'many' && entity.fields.some((f) => f.name === foreignKey)) {
      diagnostics.push(messages.manyToMany(keySpan, entity.name, field.name, target.name))
    } else {
      const candidates = holder.fields.filter(isStoredField).map((f) => f.name)
      diagnostics.push(
        messages.foreignKeyMissing(
          keySpan,
          holder.name,
          foreignKey,
          name,
          closestName(foreignKey, candidates),
        ),
      )
    }
    return { relation: undefined, diagnostics }
  }
  if (!isStoredField(keyField)) {
    diagnostics.push(messages.foreignKeyNotScalar(keySpan, name, foreignKey, 'is itself a relation'))
    return { relation: undefined, diagnostics }
  }
  if (keyField.listDepth > 0) {
    diagnostics.push(messages.foreignKeyNotScalar(keySpan, name, foreignKey, 'is a list'))
    return { relation: undefined, diagnostics }
  }

  const explicitRef = field.relation?.references
  const references = explicitRef?.text ?? primaryKeyField(referenced)?.name
  if (references === undefined) return { relation: undefined, diagnostics } // the missing @id is reported on its own
  const refField = referenced.fields.find((f) => f.name === references)
  const refSpan = explicitRef === undefined ? fieldSpan : toDiagnosticSpan(explicitRef.span)
  if (refField === undefined || !isStoredField(refField)) {
    const candidates = referenced.fields.filter(isStoredField).map((f) => f.name)
    diagnostics.push(
      diagnosticFromIssue(
        refSpan,
        schemaRuleMessages.referencesMissing(
          entity.name,
          field.name,
          referenced.name,
          references,
          closestName(references, candidates),
        ),
      ),
    )
    return { relation: undefined, diagnostics }
  }
  if (refField.id === undefined && refField.unique === undefined) {
    const singleUnique = referenced.uniques.some(
      (u) => u.fields.length === 1 && u.fields[0]?.text === references,
    )
    if (!singleUnique)
      diagnostics.push(messages.referencesNotUnique(refSpan, name, `${referenced.name}.${references}`))
  }
  const sameType =
    keyField.type.kind === refField.type.kind &&
    keyField.type.name === refField.type.name &&
    refField.listDepth === 0
  if (!sameType && keyField.type.kind !== 'unknown' && refField.type.kind !== 'unknown') {
    const keyLabel = typeLabel({ ...keyField, optional: false })
    const refLabel = typeLabel({ ...refField, optional: false })
    diagnostics.push(
      diagnosticFromIssue(
        keySpan,
        schemaRuleMessages.foreignKeyTypeMismatch(
          entity.name,
          field.name,
          `${holder.name}.${foreignKey}`,
          keyLabel,
          `${referenced.name}.${references}`,
          refLabel,
        ),
      ),
    )
  }
  return { relation: { name: field.name, target: target.name, kind, foreignKey, references }, diagnostics }
}
