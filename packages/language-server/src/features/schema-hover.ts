import type { DeclarationSymbol, FieldSymbol, SchemaSymbols } from '@parquetframe/codegen/internal'
import { SCALAR_TYPE_NAMES, type ScalarTypeName } from '@parquetframe/runtime/schema'
import type { MarkupContent } from 'vscode-languageserver'
import {
  type AttributeDoc,
  BLOCK_ATTRIBUTE_DOCS,
  CONFIG_KEY_DOCS,
  ENTITY_ATTRIBUTE_DOCS,
  FIELD_ATTRIBUTE_DOCS,
  SCALAR_TYPES,
} from '../docs/schema-reference.js'
import { storageTypeOf } from './storage-type.js'
import { entity, type SymbolHit } from './symbol-lookup.js'

const code = (text: string) => `\`\`\`pfschema\n${text}\n\`\`\``
const isScalar = (name: string): name is ScalarTypeName =>
  (SCALAR_TYPE_NAMES as readonly string[]).includes(name)

/** Markdown for what the cursor is on: a field's type and storage types, a type's or attribute's documentation. */
export function hoverText(symbols: SchemaSymbols, hit: SymbolHit): MarkupContent | undefined {
  const value = hoverMarkdown(symbols, hit)
  return value === undefined ? undefined : { kind: 'markdown', value }
}

function hoverMarkdown(symbols: SchemaSymbols, hit: SymbolHit): string | undefined {
  switch (hit.kind) {
    case 'field':
      return fieldHover(symbols, hit.field)
    case 'reference': {
      const { target, span } = hit.reference
      if (target.kind === 'type') {
        // On a field's type: the field, then the type.
        const field = symbols.declarations
          .flatMap((d) => (d.kind === 'entity' ? d.fields : []))
          .find((f) => f.type?.span.file === span.file && f.type.span.offset === span.offset)
        const type = typeHover(symbols, target.name)
        return field
          ? [fieldHover(symbols, field), type].filter((p) => p !== undefined).join('\n\n---\n\n')
          : type
      }
      if (target.kind === 'field') {
        const field = entity(symbols, target.entity)?.fields.find((f) => f.name === target.field)
        return field ? fieldHover(symbols, field) : undefined
      }
      return code(`${target.enum}.${target.value}`)
    }
    case 'declaration':
      return typeHover(symbols, hit.declaration.name)
    case 'enumValue':
      return code(`${hit.enum}.${hit.value}`)
    case 'attribute': {
      const docs =
        hit.on === 'field'
          ? FIELD_ATTRIBUTE_DOCS
          : hit.on === 'entity'
            ? ENTITY_ATTRIBUTE_DOCS
            : BLOCK_ATTRIBUTE_DOCS
      const doc = docs[hit.attribute.name]
      return doc ? attributeMarkdown(doc) : undefined
    }
    case 'configKey': {
      const doc = CONFIG_KEY_DOCS[hit.entry.key]
      return doc ? `${code(`config ${hit.entry.key}`)}\n\n${doc.doc}` : undefined
    }
  }
}

/** `@default(value)` and what it does. */
export function attributeMarkdown(doc: AttributeDoc): string {
  return `${code(doc.signature)}\n\n${doc.doc}`
}

function fieldHover(symbols: SchemaSymbols, field: FieldSymbol): string {
  const type = field.type
  if (type === undefined) return code(`${field.entity}.${field.name}`)
  const written = `${type.name}${'[]'.repeat(type.listDepth)}${type.optional ? '?' : ''}`
  const target = entity(symbols, type.name)
  const lines: string[] = []
  if (target) {
    lines.push(code(`(relation) ${field.entity}.${field.name}: ${written}`))
    lines.push(
      type.listDepth > 0
        ? `Relation to many \`${type.name}\`: an accessor returning \`${type.name}[]\`, not a column.`
        : `Relation to one \`${type.name}\`: an accessor returning \`${type.name}${type.optional ? ' | null' : ''}\`, not a column.`,
    )
  } else {
    lines.push(code(`(field) ${field.entity}.${field.name}: ${written}`))
    const storage = storageTypeOf(type, enumsOf(symbols))
    if (storage) {
      lines.push(
        `Column \`${field.column ?? field.name}\`: Parquet ${storage.parquet}; Avro \`${storage.avro}\`.`,
      )
    }
  }
  if (field.doc) lines.push(field.doc)
  return lines.join('\n\n')
}

function typeHover(symbols: SchemaSymbols, name: string): string | undefined {
  if (isScalar(name)) {
    const doc = SCALAR_TYPES[name]
    return `${code(name)}\n\n${doc.doc} TypeScript \`${doc.typescript}\`; Parquet ${doc.parquet}.`
  }
  const decl = symbols.declarations.find((d) => d.name === name)
  return decl ? declarationHover(decl) : undefined
}

function declarationHover(decl: DeclarationSymbol): string {
  const head =
    decl.kind === 'enum'
      ? code(`enum ${decl.name} { ${decl.values.map((v) => v.name).join(' ')} }`)
      : code(`entity ${decl.name}`)
  const fields =
    decl.kind === 'entity' && decl.fields.length > 0
      ? `\n\n${decl.fields.map((f) => `\`${f.name}\``).join(', ')}`
      : ''
  return `${head}${decl.doc ? `\n\n${decl.doc}` : ''}${fields}`
}

/** The enums of the schema as the runtime describes them. */
export function enumsOf(symbols: SchemaSymbols): { name: string; values: string[] }[] {
  return symbols.declarations.flatMap((d) =>
    d.kind === 'enum' ? [{ name: d.name, values: d.values.map((v) => v.name) }] : [],
  )
}
