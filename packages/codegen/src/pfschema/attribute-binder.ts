import type { StorageFormatName } from '@parquetframe/runtime/schema'
import type { Diagnostic } from '../diagnostics/diagnostic.js'
import { messages } from '../diagnostics/messages.js'
import type { BoundFieldList, BoundRelationAttribute, Located } from './bound-schema.js'
import { closestName } from './edit-distance.js'
import type { AttributeNode, EntityNode, FieldNode, NameNode, ValueNode } from './pfschema-ast.js'
import { toDiagnosticSpan } from './pfschema-ast.js'

/** Attributes allowed after a field's type. */
export const FIELD_ATTRIBUTES = ['id', 'unique', 'index', 'default', 'map', 'relation'] as const
/** Attributes allowed after an entity's name. */
export const ENTITY_ATTRIBUTES = ['storage', 'format', 'partitionBy'] as const
/** `@@` attributes allowed inside an entity. */
export const BLOCK_ATTRIBUTES = ['index', 'unique'] as const
/** Storage formats an entity may use. */
export const STORAGE_FORMATS: readonly StorageFormatName[] = ['parquet', 'avro']

type FieldAttributeName = (typeof FIELD_ATTRIBUTES)[number]

export interface BoundFieldAttributes {
  id: AttributeNode | undefined
  unique: AttributeNode | undefined
  index: AttributeNode | undefined
  default: { readonly attribute: AttributeNode; readonly value: ValueNode } | undefined
  map: Located<string> | undefined
  relation: BoundRelationAttribute | undefined
}

const span = (node: { span: Parameters<typeof toDiagnosticSpan>[0] }) => toDiagnosticSpan(node.span)

function positional(attribute: AttributeNode): ValueNode[] | undefined {
  const args = attribute.args ?? []
  return args.every((a) => a.name === undefined) ? args.map((a) => a.value) : undefined
}

function noArguments(attribute: AttributeNode, diagnostics: Diagnostic[]): boolean {
  if (attribute.args === undefined || attribute.args.length === 0) return true
  const name = `@${attribute.name.text}`
  diagnostics.push(messages.invalidAttributeArguments(span(attribute), name, 'no arguments', name))
  return false
}

function singleString(
  attribute: AttributeNode,
  example: string,
  diagnostics: Diagnostic[],
): Located<string> | undefined {
  const values = positional(attribute)
  const value = values?.length === 1 ? values[0] : undefined
  if (value?.kind === 'string') return { value: value.value, span: value.span }
  diagnostics.push(
    messages.invalidAttributeArguments(
      span(attribute),
      `@${attribute.name.text}`,
      'one string argument',
      example,
    ),
  )
  return undefined
}

/** Identifiers given as `(a, b)` or `([a, b])`; undefined (after a diagnostic) when the arguments are anything else. */
function nameList(
  attribute: AttributeNode,
  example: string,
  allowBare: boolean,
  diagnostics: Diagnostic[],
): NameNode[] | undefined {
  const values = positional(attribute) ?? []
  const items = values.length === 1 && values[0]?.kind === 'list' ? values[0].items : allowBare ? values : []
  const names = items.flatMap((v) => (v.kind === 'ident' ? [{ text: v.name, span: v.span }] : []))
  if (names.length > 0 && names.length === items.length) return names
  const prefix = attribute.block ? '@@' : '@'
  diagnostics.push(
    messages.invalidAttributeArguments(
      span(attribute),
      `${prefix}${attribute.name.text}`,
      'a list of field names',
      example,
    ),
  )
  return undefined
}

function checkDuplicate(
  seen: Set<string>,
  attribute: AttributeNode,
  owner: string,
  diagnostics: Diagnostic[],
): boolean {
  const key = attribute.name.text
  if (!seen.has(key)) {
    seen.add(key)
    return true
  }
  diagnostics.push(messages.duplicateAttribute(span(attribute.name), `@${key}`, owner))
  return false
}

/** Binds `@id @unique @index @default @map @relation` on one field, reporting unknown or malformed ones. */
export function bindFieldAttributes(
  field: FieldNode,
  entity: string,
  diagnostics: Diagnostic[],
): BoundFieldAttributes {
  const bound: BoundFieldAttributes = {
    id: undefined,
    unique: undefined,
    index: undefined,
    default: undefined,
    map: undefined,
    relation: undefined,
  }
  const owner = `${entity}.${field.name.text}`
  const seen = new Set<string>()
  for (const attribute of field.attributes) {
    if (!attribute.complete) continue // its syntax error was reported
    const name = attribute.name.text
    if (!(FIELD_ATTRIBUTES as readonly string[]).includes(name)) {
      if ((ENTITY_ATTRIBUTES as readonly string[]).includes(name)) {
        diagnostics.push(
          messages.attributeNotAllowedHere(
            span(attribute.name),
            `@${name}`,
            'a field',
            `put it after the entity name: entity ${entity} @${name}(...)`,
          ),
        )
      } else {
        diagnostics.push(
          messages.unknownAttribute(
            span(attribute.name),
            `@${name}`,
            'field',
            closestName(name, FIELD_ATTRIBUTES),
          ),
        )
      }
      continue
    }
    if (!checkDuplicate(seen, attribute, owner, diagnostics)) continue
    switch (name as FieldAttributeName) {
      case 'id':
      case 'unique':
      case 'index':
        if (noArguments(attribute, diagnostics)) bound[name as 'id' | 'unique' | 'index'] = attribute
        break
      case 'default': {
        const values = positional(attribute)
        const value = values?.length === 1 ? values[0] : undefined
        if (value === undefined) {
          diagnostics.push(
            messages.invalidAttributeArguments(
              span(attribute),
              '@default',
              'one value: a literal, now(), uuid() or autoincrement()',
              '@default(0)',
            ),
          )
        } else {
          bound.default = { attribute, value }
        }
        break
      }
      case 'map': {
        const column = singleString(attribute, '@map("column_name")', diagnostics)
        if (column !== undefined && column.value.trim() === '') {
          diagnostics.push(
            messages.invalidAttributeArguments(
              span(attribute),
              '@map',
              'a non-empty column name',
              '@map("column_name")',
            ),
          )
        } else if (column !== undefined) {
          bound.map = column
        }
        break
      }
      case 'relation':
        bound.relation = bindRelation(attribute, diagnostics)
        break
    }
  }
  return bound
}

function bindRelation(
  attribute: AttributeNode,
  diagnostics: Diagnostic[],
): BoundRelationAttribute | undefined {
  let foreignKey: NameNode | undefined
  let references: NameNode | undefined
  const example = '@relation(foreignKey: authorId, references: id)'
  for (const arg of attribute.args ?? []) {
    const key = arg.name?.text
    const value = arg.value.kind === 'ident' ? { text: arg.value.name, span: arg.value.span } : undefined
    if ((key === 'foreignKey' || key === 'references') && value !== undefined) {
      if (key === 'foreignKey') foreignKey = value
      else references = value
      continue
    }
    diagnostics.push(
      messages.invalidAttributeArguments(
        span(arg),
        '@relation',
        'named arguments foreignKey: <field> and references: <field>',
        example,
      ),
    )
    return undefined
  }
  return { attribute, foreignKey, references }
}

export interface BoundEntityAttributes {
  storage: Located<string> | undefined
  format: Located<StorageFormatName> | undefined
  partitionBy: NameNode[]
}

/** Binds `@storage @format @partitionBy` after an entity's name. */
export function bindEntityAttributes(entity: EntityNode, diagnostics: Diagnostic[]): BoundEntityAttributes {
  const bound: BoundEntityAttributes = { storage: undefined, format: undefined, partitionBy: [] }
  const seen = new Set<string>()
  for (const attribute of entity.attributes) {
    if (!attribute.complete) continue // its syntax error was reported
    const name = attribute.name.text
    if (name === 'storage' || name === 'format' || name === 'partitionBy') {
      if (!checkDuplicate(seen, attribute, `entity "${entity.name.text}"`, diagnostics)) continue
    }
    if (name === 'storage') {
      bound.storage = singleString(attribute, '@storage("users")', diagnostics)
    } else if (name === 'format') {
      bound.format = bindFormat(attribute, diagnostics)
    } else if (name === 'partitionBy') {
      bound.partitionBy = nameList(attribute, '@partitionBy(day)', true, diagnostics) ?? []
    } else if ((FIELD_ATTRIBUTES as readonly string[]).includes(name)) {
      diagnostics.push(
        messages.attributeNotAllowedHere(
          span(attribute.name),
          `@${name}`,
          'an entity',
          `put it after a field's type, e.g. id Int @${name}`,
        ),
      )
    } else {
      diagnostics.push(
        messages.unknownAttribute(
          span(attribute.name),
          `@${name}`,
          'entity',
          closestName(name, ENTITY_ATTRIBUTES),
        ),
      )
    }
  }
  return bound
}

/** `@format(parquet)`: one identifier naming a storage format. Also used for the config `format` key. */
export function bindFormat(
  attribute: AttributeNode,
  diagnostics: Diagnostic[],
): Located<StorageFormatName> | undefined {
  const values = positional(attribute)
  const value = values?.length === 1 ? values[0] : undefined
  if (value?.kind !== 'ident') {
    diagnostics.push(
      messages.invalidAttributeArguments(
        span(attribute),
        '@format',
        'one format name, parquet or avro',
        '@format(avro)',
      ),
    )
    return undefined
  }
  return checkFormatName(value.name, value.span, diagnostics)
}

/** A format name checked against the known formats. */
export function checkFormatName(
  name: string,
  at: Located<string>['span'],
  diagnostics: Diagnostic[],
): Located<StorageFormatName> | undefined {
  const format = STORAGE_FORMATS.find((f) => f === name)
  if (format !== undefined) return { value: format, span: at }
  diagnostics.push(
    messages.unknownFormat(toDiagnosticSpan(at), name, STORAGE_FORMATS, closestName(name, STORAGE_FORMATS)),
  )
  return undefined
}

/** Binds `@@index([a, b])` / `@@unique([a, b])` inside an entity. */
export function bindBlockAttribute(
  attribute: AttributeNode,
  diagnostics: Diagnostic[],
): { kind: 'index' | 'unique'; list: BoundFieldList } | undefined {
  if (!attribute.complete) return undefined // its syntax error was reported
  const name = attribute.name.text
  if (name !== 'index' && name !== 'unique') {
    if (
      (FIELD_ATTRIBUTES as readonly string[]).includes(name) ||
      (ENTITY_ATTRIBUTES as readonly string[]).includes(name)
    ) {
      const where = (FIELD_ATTRIBUTES as readonly string[]).includes(name)
        ? "after a field's type"
        : 'after the entity name'
      diagnostics.push(
        messages.attributeNotAllowedHere(
          span(attribute.name),
          `@@${name}`,
          'an entity body',
          `use @${name} ${where}`,
        ),
      )
    } else {
      diagnostics.push(
        messages.unknownAttribute(
          span(attribute.name),
          `@@${name}`,
          'block',
          closestName(name, BLOCK_ATTRIBUTES),
        ),
      )
    }
    return undefined
  }
  const fields = nameList(attribute, `@@${name}([a, b])`, false, diagnostics)
  return fields === undefined ? undefined : { kind: name, list: { fields, span: attribute.span } }
}
