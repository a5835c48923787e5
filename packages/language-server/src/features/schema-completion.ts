import { CONFIG_KEYS, type SchemaSymbols, STORAGE_FORMATS } from '@parquetframe/codegen/internal'
import { SCALAR_TYPE_NAMES } from '@parquetframe/runtime/schema'
import { type CompletionItem, CompletionItemKind, InsertTextFormat } from 'vscode-languageserver'
import {
  type AttributeDoc,
  BLOCK_ATTRIBUTE_DOCS,
  CONFIG_KEY_DOCS,
  ENTITY_ATTRIBUTE_DOCS,
  FIELD_ATTRIBUTE_DOCS,
  SCALAR_TYPES,
} from '../docs/schema-reference.js'
import { completionContext, type FieldLine } from './completion-context.js'
import { attributeMarkdown, enumsOf } from './schema-hover.js'
import { entity } from './symbol-lookup.js'

const markdown = (value: string) => ({ kind: 'markdown' as const, value })

/** Completion items at `offset` of `text`, given the symbols of the whole schema (other files too). */
export function completionItems(text: string, offset: number, symbols: SchemaSymbols): CompletionItem[] {
  const context = completionContext(text, offset)
  switch (context.kind) {
    case 'declaration':
      return [
        snippet('entity', 'entity $1 {\n  id Int @id\n  $0\n}', 'An entity: a table of records.'),
        snippet('enum', 'enum $1 {\n  $0\n}', 'An enum: a closed set of value names.'),
        snippet('config', 'config {\n  $0\n}', 'Storage, format and output settings (at most one block).'),
      ]
    case 'entityAttribute':
      return attributes(ENTITY_ATTRIBUTE_DOCS, '@')
    case 'fieldAttribute':
      return attributes(FIELD_ATTRIBUTE_DOCS, '@')
    case 'blockAttribute':
      return attributes(BLOCK_ATTRIBUTE_DOCS, '@@')
    case 'fieldType':
      return typeItems(symbols)
    case 'configKey':
      return CONFIG_KEYS.filter((k) => !context.used.includes(k)).map((key) => ({
        label: key,
        kind: CompletionItemKind.Property,
        insertText: CONFIG_KEY_DOCS[key]?.snippet ?? key,
        insertTextFormat: InsertTextFormat.Snippet,
        documentation: markdown(CONFIG_KEY_DOCS[key]?.doc ?? ''),
      }))
    case 'formatValue':
      return STORAGE_FORMATS.map((f) => ({ label: f, kind: CompletionItemKind.EnumMember }))
    case 'fieldName':
      return fieldNames(symbols, context.entity)
    case 'relationArgument':
      return ['foreignKey', 'references'].map((key) => ({
        label: key,
        kind: CompletionItemKind.Property,
        insertText: `${key}: `,
      }))
    case 'relationKey': {
      const target = context.field?.type
      const many = context.field?.list === true
      // foreignKey: on this entity for a single relation, on the target for a list; references the other side.
      const holder = (context.key === 'foreignKey') === many ? target : context.entity
      return holder === undefined ? [] : fieldNames(symbols, holder)
    }
    case 'defaultValue':
      return defaultValues(symbols, context.field)
    case 'none':
      return []
  }
}

function snippet(label: string, body: string, doc: string): CompletionItem {
  return {
    label,
    kind: CompletionItemKind.Keyword,
    insertText: body,
    insertTextFormat: InsertTextFormat.Snippet,
    documentation: markdown(doc),
  }
}

function attributes(docs: Readonly<Record<string, AttributeDoc>>, prefix: string): CompletionItem[] {
  return Object.entries(docs).map(([name, doc]) => ({
    label: `${prefix}${name}`,
    filterText: name,
    kind: CompletionItemKind.Property,
    detail: doc.signature,
    insertText: doc.snippet,
    insertTextFormat: InsertTextFormat.Snippet,
    documentation: markdown(attributeMarkdown(doc)),
  }))
}

function typeItems(symbols: SchemaSymbols): CompletionItem[] {
  const scalars = SCALAR_TYPE_NAMES.map((name) => ({
    label: name,
    kind: CompletionItemKind.TypeParameter,
    detail: `TypeScript ${SCALAR_TYPES[name].typescript}`,
    documentation: markdown(`${SCALAR_TYPES[name].doc} Parquet ${SCALAR_TYPES[name].parquet}.`),
  }))
  const declared = symbols.declarations.map((d) => ({
    label: d.name,
    kind: d.kind === 'entity' ? CompletionItemKind.Class : CompletionItemKind.Enum,
    detail: d.kind === 'entity' ? `entity ${d.name} (a relation)` : `enum ${d.name}`,
    ...(d.doc ? { documentation: markdown(d.doc) } : {}),
  }))
  return [...scalars, ...declared]
}

function fieldNames(symbols: SchemaSymbols, entityName: string): CompletionItem[] {
  return (entity(symbols, entityName)?.fields ?? []).map((f) => ({
    label: f.name,
    kind: CompletionItemKind.Field,
    detail: `${entityName}.${f.name}${f.type ? `: ${f.type.name}${'[]'.repeat(f.type.listDepth)}${f.type.optional ? '?' : ''}` : ''}`,
  }))
}

function defaultValues(symbols: SchemaSymbols, field: FieldLine | undefined): CompletionItem[] {
  if (field === undefined || field.list) return []
  const value = (label: string, doc?: string): CompletionItem => ({
    label,
    kind: CompletionItemKind.Value,
    ...(doc ? { documentation: markdown(doc) } : {}),
  })
  const values: CompletionItem[] = []
  const enumDecl = enumsOf(symbols).find((e) => e.name === field.type)
  if (enumDecl)
    values.push(...enumDecl.values.map((v) => ({ ...value(v), kind: CompletionItemKind.EnumMember })))
  if (field.type === 'DateTime') values.push(value('now()', 'The time of the create.'))
  if (field.type === 'Int' || field.type === 'BigInt')
    values.push(value('autoincrement()', 'The next integer.'))
  if (field.type === 'String') values.push(value('uuid()', 'A random UUID.'))
  if (field.type === 'Boolean') values.push(value('true'), value('false'))
  if (field.optional) values.push(value('null'))
  return values
}
