import { type JSDocableNode, Node, SyntaxKind, type TypeNode } from 'ts-morph'
import { declarationOf } from './static-value.js'

/** What a property's TypeScript type says about the values it holds. */
export type TsShape =
  /** `date` is the JS `Date` (a DateTime); `dateOnly` the runtime's `DateOnly` ('YYYY-MM-DD' text). */
  | { readonly kind: 'number' | 'bigint' | 'string' | 'boolean' | 'date' | 'dateOnly' | 'bytes' }
  /** A union of string literals (inline, through an alias) or a string enum. `name` is the alias or enum. */
  | {
      readonly kind: 'literals'
      readonly values: readonly string[]
      readonly name?: string
      readonly doc?: string
      readonly node: Node
    }
  | { readonly kind: 'list'; readonly element: TsShape }
  /** No storage type follows from it; `why` is a hint. */
  | { readonly kind: 'unsupported'; readonly why: string }

/** A shape and whether `| null` / `| undefined` made it optional. */
export interface TsTypeReading {
  readonly shape: TsShape
  readonly optional: boolean
}

const unsupported = (why: string): TsTypeReading => ({ shape: { kind: 'unsupported', why }, optional: false })
const plain = (
  kind: 'number' | 'bigint' | 'string' | 'boolean' | 'date' | 'dateOnly' | 'bytes',
): TsTypeReading => ({
  shape: { kind },
  optional: false,
})

const JSON_HINT = "give the storage type, e.g. @field('json')"

/** Reads a type node: keywords, `Date`, `Uint8Array`, arrays, string-literal unions, aliases, string enums. */
export function readTypeNode(node: TypeNode, seen = new Set<Node>()): TsTypeReading {
  if (seen.has(node)) return unsupported('the type refers to itself')
  seen.add(node)
  switch (node.getKind()) {
    case SyntaxKind.StringKeyword:
      return plain('string')
    case SyntaxKind.NumberKeyword:
      return plain('number')
    case SyntaxKind.BigIntKeyword:
      return plain('bigint')
    case SyntaxKind.BooleanKeyword:
      return plain('boolean')
    case SyntaxKind.AnyKeyword:
    case SyntaxKind.UnknownKeyword:
    case SyntaxKind.ObjectKeyword:
    case SyntaxKind.TypeLiteral:
      return unsupported(JSON_HINT)
  }
  if (Node.isParenthesizedTypeNode(node)) return readTypeNode(node.getTypeNode(), seen)
  if (Node.isTypeOperatorTypeNode(node) && node.getOperator() === SyntaxKind.ReadonlyKeyword)
    return readTypeNode(node.getTypeNode(), seen)
  if (Node.isArrayTypeNode(node)) return listOf(readTypeNode(node.getElementTypeNode(), seen))
  if (Node.isLiteralTypeNode(node)) {
    const literal = node.getLiteral()
    if (Node.isStringLiteral(literal))
      return { shape: { kind: 'literals', values: [literal.getLiteralValue()], node }, optional: false }
    return unsupported('a literal type other than a string')
  }
  if (Node.isUnionTypeNode(node)) return readUnion(node.getTypeNodes(), node, seen)
  if (Node.isTypeReference(node)) return readReference(node, seen)
  return unsupported(JSON_HINT)
}

function listOf(element: TsTypeReading): TsTypeReading {
  if (element.optional) return unsupported('list elements cannot be null: store an empty list instead')
  if (element.shape.kind === 'unsupported') return element
  if (element.shape.kind === 'list') return unsupported('lists of lists are not supported: use Json')
  return { shape: { kind: 'list', element: element.shape }, optional: false }
}

function isNullish(node: TypeNode): boolean {
  if (node.getKind() === SyntaxKind.UndefinedKeyword) return true
  return Node.isLiteralTypeNode(node) && node.getLiteral().getKind() === SyntaxKind.NullKeyword
}

function readUnion(members: readonly TypeNode[], node: Node, seen: Set<Node>): TsTypeReading {
  const rest = members.filter((m) => !isNullish(m))
  const optional = rest.length < members.length
  const [only] = rest
  if (rest.length === 1 && only !== undefined) {
    const inner = readTypeNode(only, seen)
    return { shape: inner.shape, optional: optional || inner.optional }
  }
  const literals = rest.map((m) => (Node.isLiteralTypeNode(m) ? m.getLiteral() : undefined))
  if (literals.every((l) => l !== undefined && Node.isStringLiteral(l)))
    return {
      shape: {
        kind: 'literals',
        values: literals.map((l) => (l as { getLiteralValue(): string }).getLiteralValue()),
        node,
      },
      optional,
    }
  const kinds = new Set(literals.map((l) => l?.getKind()))
  if (kinds.size === 2 && kinds.has(SyntaxKind.TrueKeyword) && kinds.has(SyntaxKind.FalseKeyword))
    return { shape: { kind: 'boolean' }, optional }
  return unsupported('a union of different types has no storage type: use string literals, or Json')
}

function readReference(node: TypeNode & Node, seen: Set<Node>): TsTypeReading {
  if (!Node.isTypeReference(node)) return unsupported(JSON_HINT)
  const name = node.getTypeName()
  const text = name.getText()
  const args = node.getTypeArguments()
  const [arg] = args
  if ((text === 'Array' || text === 'ReadonlyArray') && args.length === 1 && arg !== undefined)
    return listOf(readTypeNode(arg, seen))
  const declaration = declarationOf(name)
  if (isRuntimeDateOnly(text, declaration)) return plain('dateOnly')
  if (declaration === undefined) {
    if (text === 'Date') return plain('date')
    if (text === 'Uint8Array') return plain('bytes')
    if (text === 'HasMany' || text === 'BelongsTo')
      return unsupported('a relation accessor is declared with @rel()')
    return unsupported(`${JSON_HINT}; the declaration of ${text} is not among the files read`)
  }
  if (Node.isTypeAliasDeclaration(declaration)) {
    if (declaration.getTypeParameters().length > 0) return unsupported(JSON_HINT)
    const aliased = declaration.getTypeNode()
    if (aliased === undefined) return unsupported(JSON_HINT)
    const inner = readTypeNode(aliased, seen)
    if (inner.shape.kind !== 'literals' || inner.shape.name !== undefined) return inner
    return {
      shape: {
        ...inner.shape,
        name: declaration.getName(),
        ...docOf(declaration),
        node: declaration.getNameNode(),
      },
      optional: inner.optional,
    }
  }
  if (Node.isEnumDeclaration(declaration)) {
    const values = declaration.getMembers().map((m) => m.getValue())
    if (!values.every((v) => typeof v === 'string'))
      return unsupported('only string enums map to a stored enum (enum Role { ADMIN = "ADMIN" })')
    return {
      shape: {
        kind: 'literals',
        values: values as string[],
        name: declaration.getName(),
        ...docOf(declaration),
        node: declaration.getNameNode(),
      },
      optional: false,
    }
  }
  if (Node.isClassDeclaration(declaration) || Node.isInterfaceDeclaration(declaration))
    return unsupported(`${text} is an object type: declare a relation with @rel(), or ${JSON_HINT}`)
  return unsupported(JSON_HINT)
}

/**
 * `DateOnly` (or `pf.DateOnly`) names the runtime's date-only type: when its declaration is not among the files
 * read, or is the runtime's own alias (branded with `DATE_ONLY`). A local alias of another name is read as usual.
 */
function isRuntimeDateOnly(text: string, declaration: Node | undefined): boolean {
  if (text !== 'DateOnly' && !text.endsWith('.DateOnly')) return false
  if (declaration === undefined) return true
  return (
    Node.isTypeAliasDeclaration(declaration) &&
    (declaration.getTypeNode()?.getText() ?? '').includes('DATE_ONLY')
  )
}

/** The description of a JSDoc comment (`/** ... *\/`) on a declaration, as a doc string. */
export function docOf(node: JSDocableNode): { doc?: string } {
  const docs = node.getJsDocs()
  const last = docs[docs.length - 1]
  const text = last?.getDescription().trim()
  return text ? { doc: text } : {}
}

/** Text of a shape, for messages: `number`, `string[]`, `'A' | 'B'`. */
export function shapeText(shape: TsShape): string {
  switch (shape.kind) {
    case 'list':
      return `${shapeText(shape.element)}[]`
    case 'literals':
      return shape.name ?? shape.values.map((v) => `'${v}'`).join(' | ')
    case 'date':
      return 'Date'
    case 'dateOnly':
      return 'DateOnly'
    case 'bytes':
      return 'Uint8Array'
    case 'unsupported':
      return 'unknown'
    default:
      return shape.kind
  }
}
