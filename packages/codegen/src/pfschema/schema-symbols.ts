import type { SchemaSource } from './parse-schema.js'
import type { AstSpan, AttributeNode, EntityNode, FieldNode, NameNode, ValueNode } from './pfschema-ast.js'
import { parsePfschemaFile } from './pfschema-parser.js'

export {
  BLOCK_ATTRIBUTES,
  ENTITY_ATTRIBUTES,
  FIELD_ATTRIBUTES,
  STORAGE_FORMATS,
} from './attribute-binder.js'
export { CONFIG_KEYS } from './schema-binder.js'

/** Where a name sits: 0-based offsets (`end` exclusive, UTF-16 units as in JS strings), 1-based line and column. */
export type SymbolSpan = AstSpan

/** A field's type as written: `Post[]?` is `{ name: 'Post', listDepth: 1, optional: true }`. */
export interface FieldTypeSymbol {
  readonly name: string
  readonly listDepth: number
  readonly optional: boolean
  /** The type name only, without `[]` and `?`. */
  readonly span: SymbolSpan
}

/** An attribute as written on a field or entity (`@id`, `@@index`); `span` covers its name. */
export interface AttributeSymbol {
  readonly name: string
  /** `@@name` inside an entity body. */
  readonly block: boolean
  readonly span: SymbolSpan
}

export interface FieldSymbol {
  readonly entity: string
  readonly name: string
  readonly span: SymbolSpan
  /** Undefined when a syntax error left the field without a type. */
  readonly type: FieldTypeSymbol | undefined
  readonly attributes: readonly AttributeSymbol[]
  /** The column name given by `@map("...")`, if any. */
  readonly column: string | undefined
  readonly doc: string | undefined
}

/** An entity or enum declaration; `span` covers its name. */
export type DeclarationSymbol =
  | {
      readonly kind: 'entity'
      readonly name: string
      readonly span: SymbolSpan
      readonly doc: string | undefined
      /** Attributes after the entity's name (`@storage`). */
      readonly attributes: readonly AttributeSymbol[]
      readonly fields: readonly FieldSymbol[]
      /** `@@index`, `@@unique` in the body. */
      readonly blockAttributes: readonly AttributeSymbol[]
    }
  | {
      readonly kind: 'enum'
      readonly name: string
      readonly span: SymbolSpan
      readonly doc: string | undefined
      readonly values: readonly { readonly name: string; readonly span: SymbolSpan }[]
    }

/** What a name in the schema refers to. */
export type SymbolTarget =
  | { readonly kind: 'type'; readonly name: string }
  | { readonly kind: 'field'; readonly entity: string; readonly field: string }
  | { readonly kind: 'enumValue'; readonly enum: string; readonly value: string }

/** One use of a name: a field type naming an entity or enum, a field named in `@relation`, `@@index`... */
export interface SymbolReference {
  readonly target: SymbolTarget
  readonly span: SymbolSpan
}

/** A `config` entry: its key and, when written, its value's span and text. */
export interface ConfigEntrySymbol {
  readonly key: string
  readonly span: SymbolSpan
  readonly value: { readonly text: string; readonly span: SymbolSpan } | undefined
}

/** Every declared name and every use of one, across the files of a schema, for editors (definition, references). */
export interface SchemaSymbols {
  readonly declarations: readonly DeclarationSymbol[]
  readonly references: readonly SymbolReference[]
  readonly config: readonly ConfigEntrySymbol[]
}

/**
 * Collects the symbols of a schema's files from their syntax trees (errors or not: whatever parsed is listed).
 * Pure; never throws. Relation keys are attributed as the checker reads them: on a list relation `foreignKey`
 * names a field of the target and `references` one of this entity, on a single relation the other way round.
 */
export function collectSchemaSymbols(sources: readonly SchemaSource[]): SchemaSymbols {
  const declarations: DeclarationSymbol[] = []
  const references: SymbolReference[] = []
  const config: ConfigEntrySymbol[] = []
  const fileNodes = sources.map((s) => parsePfschemaFile(s.text, s.file).ast)
  const enumNames = new Set<string>()
  for (const file of fileNodes)
    for (const d of file.declarations) if (d.kind === 'enum' && d.name.text !== '') enumNames.add(d.name.text)
  for (const file of fileNodes) {
    for (const declaration of file.declarations) {
      if (declaration.kind === 'config') {
        for (const entry of declaration.entries) {
          config.push({
            key: entry.key.text,
            span: entry.key.span,
            value:
              entry.value === undefined
                ? undefined
                : {
                    text: file.text.slice(entry.value.span.offset, entry.value.span.end),
                    span: entry.value.span,
                  },
          })
        }
        continue
      }
      if (declaration.name.text === '') continue
      if (declaration.kind === 'enum') {
        declarations.push({
          kind: 'enum',
          name: declaration.name.text,
          span: declaration.name.span,
          doc: declaration.doc,
          values: declaration.values.map((v) => ({ name: v.name.text, span: v.name.span })),
        })
        continue
      }
      declarations.push(entitySymbol(declaration, enumNames, references))
    }
  }
  return { declarations, references, config }
}

function entitySymbol(
  node: EntityNode,
  enumNames: ReadonlySet<string>,
  references: SymbolReference[],
): DeclarationSymbol {
  const entity = node.name.text
  const fieldRef = (owner: string, name: NameNode) =>
    references.push({ target: { kind: 'field', entity: owner, field: name.text }, span: name.span })
  for (const attribute of node.attributes) {
    if (attribute.name.text === 'partitionBy')
      for (const name of identifiers(attribute)) fieldRef(entity, name)
  }
  const fields: FieldSymbol[] = []
  const blockAttributes: AttributeSymbol[] = []
  for (const member of node.members) {
    if (member.kind === 'blockAttribute') {
      blockAttributes.push(attributeSymbol(member.attribute))
      for (const name of identifiers(member.attribute)) fieldRef(entity, name)
      continue
    }
    fields.push(fieldSymbol(entity, member))
    const type = member.type
    if (type === undefined) continue
    references.push({ target: { kind: 'type', name: type.name.text }, span: type.name.span })
    for (const attribute of member.attributes) {
      if (attribute.name.text === 'relation') {
        const many = type.listDepth > 0
        for (const arg of attribute.args ?? []) {
          const key = arg.name?.text
          const owner =
            key === 'foreignKey'
              ? many
                ? type.name.text
                : entity
              : key === 'references'
                ? many
                  ? entity
                  : type.name.text
                : undefined
          if (owner === undefined) continue
          for (const name of valueIdentifiers(arg.value)) fieldRef(owner, name)
        }
      }
      if (attribute.name.text === 'default' && enumNames.has(type.name.text)) {
        const value = attribute.args?.[0]?.value
        if (value?.kind === 'ident' && attribute.args?.length === 1)
          references.push({
            target: { kind: 'enumValue', enum: type.name.text, value: value.name },
            span: value.span,
          })
      }
    }
  }
  return {
    kind: 'entity',
    name: entity,
    span: node.name.span,
    doc: node.doc,
    attributes: node.attributes.map(attributeSymbol),
    fields,
    blockAttributes,
  }
}

function fieldSymbol(entity: string, node: FieldNode): FieldSymbol {
  const map = node.attributes.find((a) => a.name.text === 'map')?.args?.[0]?.value
  return {
    entity,
    name: node.name.text,
    span: node.name.span,
    type:
      node.type === undefined
        ? undefined
        : {
            name: node.type.name.text,
            listDepth: node.type.listDepth,
            optional: node.type.optional,
            span: node.type.name.span,
          },
    attributes: node.attributes.map(attributeSymbol),
    column: map?.kind === 'string' ? map.value : undefined,
    doc: node.doc,
  }
}

function attributeSymbol(node: AttributeNode): AttributeSymbol {
  return { name: node.name.text, block: node.block, span: node.name.span }
}

/** Field names given as attribute arguments: `(a, b)`, `([a, b])`. */
function identifiers(attribute: AttributeNode): NameNode[] {
  return (attribute.args ?? []).filter((a) => a.name === undefined).flatMap((a) => valueIdentifiers(a.value))
}

function valueIdentifiers(value: ValueNode): NameNode[] {
  if (value.kind === 'ident') return [{ text: value.name, span: value.span }]
  if (value.kind === 'list')
    return value.items.flatMap((item) =>
      item.kind === 'ident' ? [{ text: item.name, span: item.span }] : [],
    )
  return []
}
