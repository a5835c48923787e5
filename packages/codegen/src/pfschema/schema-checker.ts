import { checkSchemaRules, type SchemaIssue } from '@parquetframe/runtime/schema'
import type { Diagnostic } from '../diagnostics/diagnostic.js'
import { diagnosticFromIssue, messages } from '../diagnostics/messages.js'
import { checkGeneratedNames } from '../emit/name-collisions.js'
import type { BoundEntity, BoundField, BoundSchema } from './bound-schema.js'
import { isStoredField } from './bound-schema.js'
import { checkDefault } from './default-value.js'
import { lowerToIR } from './ir-lowering.js'
import type { AstSpan } from './pfschema-ast.js'
import { toDiagnosticSpan } from './pfschema-ast.js'
import { resolveRelation } from './relation-resolver.js'

/**
 * Checks over a bound schema. What only `.pfschema` syntax can get wrong (attributes on relation fields, `@relation`
 * on a non-entity, the default literals, relation inference) is checked here; every entity rule comes from the
 * runtime's shared rule set (`checkSchemaRules`), run on the lowered IR and mapped back to the source, so
 * `pf validate`, decorated classes and `registerEntity` give the same verdict. Then the generated names are checked.
 */
export function checkSchema(schema: BoundSchema, diagnostics: Diagnostic[]): void {
  for (const entity of schema.entities) checkFieldSyntax(schema, entity, diagnostics)
  const ir = lowerToIR(schema)
  const reported = new Set(diagnostics.filter((d) => d.severity === 'error').map(spanKey))
  for (const issue of checkSchemaRules(ir)) {
    const entity = schema.entityByName.get(issue.at.entity)
    if (entity === undefined || !judged(entity, issue)) continue
    const diagnostic = diagnosticFromIssue(toDiagnosticSpan(issueSpan(entity, issue)), issue)
    // One error per place: what the syntax checks or the relation inference reported there is not said again.
    if (!reported.has(spanKey(diagnostic))) diagnostics.push(diagnostic)
  }
  for (const d of checkGeneratedNames(ir)) if (!reported.has(spanKey(d))) diagnostics.push(d)
}

const spanKey = (d: Diagnostic) => `${d.span.file}:${d.span.line}:${d.span.column}`

/** False for issues caused by an earlier error: an unclosed entity, or a field whose type is unknown. */
function judged(entity: BoundEntity, issue: SchemaIssue): boolean {
  if (entity.node.close === undefined) return false
  const names = [issue.at.field, issue.at.item].filter((n) => n !== undefined)
  return !names.some((n) => entity.fields.some((f) => f.name === n && f.type.kind === 'unknown'))
}

/** Where in the `.pfschema` source an issue points. */
function issueSpan(entity: BoundEntity, issue: SchemaIssue): AstSpan {
  const { field: fieldName, item, part } = issue.at
  const field = entity.fields.find((f) => f.name === fieldName)
  const name = field?.node.name.span ?? entity.node.name.span
  switch (part) {
    case 'type':
      return field?.typeSpan ?? name
    case 'key':
      return field?.id?.span ?? name
    case 'column':
      return field?.map?.span ?? name
    case 'default':
      return field?.default?.value.span ?? name
    case 'unique':
      return field?.unique?.span ?? name
    case 'index':
      return field?.index?.span ?? name
    case 'storage':
      return entity.storage?.span ?? entity.node.name.span
    case 'partitionBy':
      return entity.partitionBy.find((n) => n.text === item)?.span ?? entity.node.name.span
    case 'uniques':
    case 'indexes':
      return groupItemSpan(entity, part, item) ?? entity.node.name.span
    case 'foreignKey':
      return field?.relation?.foreignKey?.span ?? name
    case 'references':
      return field?.relation?.references?.span ?? name
    default:
      return name
  }
}

function groupItemSpan(
  entity: BoundEntity,
  part: 'uniques' | 'indexes',
  item: string | undefined,
): AstSpan | undefined {
  for (const list of entity[part]) for (const n of list.fields) if (n.text === item) return n.span
  const field = entity.fields.find((f) => f.name === item)
  return (part === 'uniques' ? field?.unique?.span : field?.index?.span) ?? undefined
}

/** What only the `.pfschema` syntax can get wrong about a field. */
function checkFieldSyntax(schema: BoundSchema, entity: BoundEntity, diagnostics: Diagnostic[]): void {
  for (const field of entity.fields) {
    if (field.type.kind === 'entity') {
      checkRelationField(entity, field, diagnostics)
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
    if (field.default !== undefined && field.type.kind !== 'unknown' && isStoredField(field)) {
      const result = checkDefault(entity.name, field, field.default.value, schema.enumByName)
      if (!result.ok) diagnostics.push(result.diagnostic)
    }
  }
}

function checkRelationField(entity: BoundEntity, field: BoundField, diagnostics: Diagnostic[]): void {
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
      messages.attributeOnRelationField(toDiagnosticSpan(field.map.span), '@map', entity.name, field.name),
    )
  }
}
