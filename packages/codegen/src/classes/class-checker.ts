import {
  checkSchemaRules,
  type SchemaConfigIR,
  type SchemaIR,
  type SchemaIssue,
  schemaRuleMessages,
} from '@parquetframe/runtime/schema'
import type { Diagnostic, DiagnosticSpan } from '../diagnostics/diagnostic.js'
import { diagnosticFromIssue, messages } from '../diagnostics/messages.js'
import { checkGeneratedNames } from '../emit/name-collisions.js'
import { normalizeStoragePath } from '../pfschema/storage-path.js'
import { lowerClasses } from './class-lowering.js'
import type { ClassEntity, DeclaredEnum } from './class-model.js'

/** The entities and enums that passed the schema-level checks, with lookups for the lowering. */
export interface CheckedClasses {
  readonly entities: readonly ClassEntity[]
  readonly enums: readonly DeclaredEnum[]
}

/** The primary key of an entity: `primaryKey`, else the `@id()` field. */
export function primaryKeyName(entity: ClassEntity): string | undefined {
  return entity.primaryKey?.value ?? entity.fields.find((f) => f.id !== undefined)?.name
}

/** The table folder of an entity as the IR holds it: `storage` tidied (see normalizeStoragePath), else its name. */
export function storagePath(entity: ClassEntity): string {
  return normalizeStoragePath(entity.storage?.value ?? entity.name)
}

/**
 * Checks across classes. What only decorators can get wrong is checked here: unique entity and enum names, one
 * consistent declaration per enum, several `@id()` fields, `primaryKey` disagreeing with `@id()`. Every entity rule
 * comes from the runtime's shared rule set (`checkSchemaRules`), run on the lowered IR and mapped back to the
 * TypeScript source, so the classes, a `.pfschema` and `registerEntity` give the same verdict. Then the generated
 * names are checked. `config` is the IR's config (its format decides which entities get `.avsc` files).
 */
export function checkClasses(
  found: readonly ClassEntity[],
  diagnostics: Diagnostic[],
  config: SchemaConfigIR = {},
): CheckedClasses {
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
  for (const entity of entities) checkIdDecorators(entity, diagnostics)
  const checked: CheckedClasses = { entities, enums: [...enums.values()] }
  const ir: SchemaIR = lowerClasses(checked, config, [])
  for (const issue of checkSchemaRules(ir)) {
    const entity = byName.get(issue.at.entity)
    if (entity === undefined || !judged(entity, issue)) continue
    diagnostics.push(diagnosticFromIssue(issueSpan(entity, issue), issue))
  }
  diagnostics.push(...checkGeneratedNames(ir))
  return checked
}

/** Several `@id()` fields, or `primaryKey` naming another field than `@id()`: decorator mistakes the IR cannot show. */
function checkIdDecorators(entity: ClassEntity, diagnostics: Diagnostic[]): void {
  const [first, ...rest] = entity.fields.filter((f) => f.id !== undefined)
  for (const extra of rest) {
    const issue = schemaRuleMessages.multiplePrimaryKeys(entity.name, extra.name, first?.name ?? '')
    diagnostics.push(diagnosticFromIssue(extra.id ?? extra.span, issue))
  }
  const option = entity.primaryKey
  if (option !== undefined && first !== undefined && option.value !== first.name)
    diagnostics.push(messages.primaryKeyDisagrees(option.span, entity.name, option.value, first.name))
}

/** False for issues caused by an earlier error: a field type or a relation target that could not be read. */
function judged(entity: ClassEntity, issue: SchemaIssue): boolean {
  const names = [issue.at.field, issue.at.item].filter((n) => n !== undefined)
  if (names.some((n) => entity.fields.some((f) => f.name === n && f.type === undefined))) return false
  const relation = entity.relations.find((r) => r.name === issue.at.field)
  return relation === undefined || relation.target !== undefined
}

/** Where in the TypeScript source an issue points. */
function issueSpan(entity: ClassEntity, issue: SchemaIssue): DiagnosticSpan {
  const { field: fieldName, item, part } = issue.at
  const field = entity.fields.find((f) => f.name === fieldName)
  const relation = entity.relations.find((r) => r.name === fieldName)
  const own = field?.span ?? relation?.span ?? entity.span
  switch (part) {
    case 'type':
      return field?.typeSpan ?? own
    case 'key':
      return field?.id ?? own
    case 'storage':
      return entity.storage?.span ?? entity.span
    case 'primaryKey':
      return entity.primaryKey?.span ?? entity.span
    case 'partitionBy':
      return entity.partitionBy.find((n) => n.value === item)?.span ?? entity.span
    case 'uniques':
    case 'indexes':
      for (const group of entity[part]) for (const n of group.fields) if (n.value === item) return n.span
      return entity.fields.find((f) => f.name === item)?.span ?? entity.span
    case 'foreignKey':
      return relation?.foreignKey?.span ?? own
    case 'references':
      return relation?.references?.span ?? own
    case 'target': {
      const join = relation?.through?.entity
      if (join !== undefined && join.value === item && relation?.target?.value !== item) return join.span
      return relation?.target?.span ?? own
    }
    default:
      return own
  }
}
