import type {
  AttributeSymbol,
  ConfigEntrySymbol,
  DeclarationSymbol,
  FieldSymbol,
  SchemaSymbols,
  SymbolReference,
  SymbolSpan,
  SymbolTarget,
} from '@parquetframe/codegen/internal'
import { spanContains } from '../protocol/lsp-ranges.js'

/** What the cursor is on. */
export type SymbolHit =
  | { readonly kind: 'declaration'; readonly declaration: DeclarationSymbol }
  | { readonly kind: 'field'; readonly field: FieldSymbol }
  | { readonly kind: 'enumValue'; readonly enum: string; readonly value: string; readonly span: SymbolSpan }
  | { readonly kind: 'reference'; readonly reference: SymbolReference }
  | {
      readonly kind: 'attribute'
      readonly attribute: AttributeSymbol
      /** `field` after a field's type, `entity` after an entity's name, `block` for `@@` in a body. */
      readonly on: 'field' | 'entity' | 'block'
    }
  | { readonly kind: 'configKey'; readonly entry: ConfigEntrySymbol }

/** The symbol at a 0-based offset of a file (named as in the symbols' spans). */
export function symbolAt(symbols: SchemaSymbols, file: string, offset: number): SymbolHit | undefined {
  const here = (span: SymbolSpan) => span.file === file && spanContains(span, offset)
  const reference = symbols.references.find((r) => here(r.span))
  if (reference) return { kind: 'reference', reference }
  for (const declaration of symbols.declarations) {
    if (here(declaration.span)) return { kind: 'declaration', declaration }
    if (declaration.kind === 'enum') {
      const value = declaration.values.find((v) => here(v.span))
      if (value) return { kind: 'enumValue', enum: declaration.name, value: value.name, span: value.span }
      continue
    }
    const entityAttribute = declaration.attributes.find((a) => here(a.span))
    if (entityAttribute) return { kind: 'attribute', attribute: entityAttribute, on: 'entity' }
    for (const field of declaration.fields) {
      if (here(field.span)) return { kind: 'field', field }
      const attribute = field.attributes.find((a) => here(a.span))
      if (attribute) return { kind: 'attribute', attribute, on: 'field' }
    }
    const block = declaration.blockAttributes.find((a) => here(a.span))
    if (block) return { kind: 'attribute', attribute: block, on: 'block' }
  }
  const entry = symbols.config.find((c) => here(c.span))
  return entry ? { kind: 'configKey', entry } : undefined
}

/** The name a hit stands for, when it can be defined or referenced. */
export function targetOf(hit: SymbolHit): SymbolTarget | undefined {
  switch (hit.kind) {
    case 'reference':
      return hit.reference.target
    case 'declaration':
      return { kind: 'type', name: hit.declaration.name }
    case 'field':
      return { kind: 'field', entity: hit.field.entity, field: hit.field.name }
    case 'enumValue':
      return { kind: 'enumValue', enum: hit.enum, value: hit.value }
    default:
      return undefined
  }
}

/** Where a name is declared; undefined when it is not (an unknown type, a scalar, a missing field). */
export function definitionOf(symbols: SchemaSymbols, target: SymbolTarget): SymbolSpan | undefined {
  switch (target.kind) {
    case 'type':
      return symbols.declarations.find((d) => d.name === target.name)?.span
    case 'field':
      return entity(symbols, target.entity)?.fields.find((f) => f.name === target.field)?.span
    case 'enumValue': {
      const decl = symbols.declarations.find((d) => d.kind === 'enum' && d.name === target.enum)
      return decl?.kind === 'enum' ? decl.values.find((v) => v.name === target.value)?.span : undefined
    }
  }
}

/** Every use of a name, in file order. */
export function referencesOf(symbols: SchemaSymbols, target: SymbolTarget): SymbolReference[] {
  return symbols.references.filter((r) => sameTarget(r.target, target))
}

/** The entity declared with this name. */
export function entity(
  symbols: SchemaSymbols,
  name: string,
): Extract<DeclarationSymbol, { kind: 'entity' }> | undefined {
  const decl = symbols.declarations.find((d) => d.kind === 'entity' && d.name === name)
  return decl?.kind === 'entity' ? decl : undefined
}

function sameTarget(a: SymbolTarget, b: SymbolTarget): boolean {
  if (a.kind === 'type' && b.kind === 'type') return a.name === b.name
  if (a.kind === 'field' && b.kind === 'field') return a.entity === b.entity && a.field === b.field
  if (a.kind === 'enumValue' && b.kind === 'enumValue') return a.enum === b.enum && a.value === b.value
  return false
}
