import type { CommentToken } from './pfschema-token.js'

/** Where a node sits in its file: offsets are 0-based (`end` exclusive), line and column 1-based. */
export interface AstSpan {
  readonly file: string
  readonly offset: number
  readonly end: number
  readonly line: number
  readonly column: number
}

/** A name as written, with its position. */
export interface NameNode {
  readonly text: string
  readonly span: AstSpan
}

/** An attribute argument value: `"users"`, `42`, `MEMBER`, `now()`, `[a, b]`. */
export type ValueNode =
  | { readonly kind: 'string'; readonly value: string; readonly span: AstSpan }
  | { readonly kind: 'number'; readonly raw: string; readonly span: AstSpan }
  | { readonly kind: 'ident'; readonly name: string; readonly span: AstSpan }
  | {
      readonly kind: 'call'
      readonly name: string
      readonly args: readonly ArgNode[]
      readonly span: AstSpan
    }
  | { readonly kind: 'list'; readonly items: readonly ValueNode[]; readonly span: AstSpan }

/** One argument, positional (`authorId`) or named (`foreignKey: authorId`). */
export interface ArgNode {
  readonly name?: NameNode
  readonly value: ValueNode
  readonly span: AstSpan
}

/** `@name(args)` on a field or entity, or `@@name(args)` inside an entity. `args` is undefined without parentheses. */
export interface AttributeNode {
  readonly name: NameNode
  readonly block: boolean
  readonly args: readonly ArgNode[] | undefined
  /** False when a syntax error cut the arguments short (the binder then skips it rather than report it twice). */
  readonly complete: boolean
  readonly span: AstSpan
}

/** `Type`, `Type[]`, `Type?`, `Type[]?`, `Decimal(10, 2)`. */
export interface TypeRefNode {
  readonly name: NameNode
  /** Type arguments in parentheses right after the name (`Decimal(10, 2)`); undefined without parentheses. */
  readonly args?: readonly ArgNode[]
  readonly listDepth: number
  readonly optional: boolean
  readonly span: AstSpan
}

export interface FieldNode {
  readonly kind: 'field'
  readonly name: NameNode
  /** Undefined when the source has none (a syntax error was reported). */
  readonly type: TypeRefNode | undefined
  readonly attributes: readonly AttributeNode[]
  readonly doc: string | undefined
  readonly span: AstSpan
}

export interface BlockAttributeNode {
  readonly kind: 'blockAttribute'
  readonly attribute: AttributeNode
  readonly span: AstSpan
}

export type EntityMemberNode = FieldNode | BlockAttributeNode

/** Common shape of the three block declarations. `close` is the `}` position, undefined if missing. */
interface BlockNode {
  readonly span: AstSpan
  /** Offset just after the opening `{`. */
  readonly bodyStart: number
  readonly close: AstSpan | undefined
}

export interface EntityNode extends BlockNode {
  readonly kind: 'entity'
  readonly name: NameNode
  readonly attributes: readonly AttributeNode[]
  readonly members: readonly EntityMemberNode[]
  readonly doc: string | undefined
}

export interface EnumValueNode {
  readonly name: NameNode
  readonly span: AstSpan
}

export interface EnumNode extends BlockNode {
  readonly kind: 'enum'
  readonly name: NameNode
  readonly values: readonly EnumValueNode[]
  readonly doc: string | undefined
}

export interface ConfigEntryNode {
  readonly key: NameNode
  /** Undefined when the value is missing (a syntax error was reported). */
  readonly value: ValueNode | undefined
  readonly span: AstSpan
}

export interface ConfigNode extends BlockNode {
  readonly kind: 'config'
  readonly keyword: NameNode
  readonly entries: readonly ConfigEntryNode[]
}

export type DeclarationNode = EntityNode | EnumNode | ConfigNode

/** One parsed `.pfschema` file. */
export interface SchemaFileNode {
  readonly file: string
  readonly text: string
  readonly declarations: readonly DeclarationNode[]
  readonly comments: readonly CommentToken[]
}

/** The diagnostic span of a node: its start and its length (clamped to the line when diagnostics are finalised). */
export function toDiagnosticSpan(span: AstSpan): {
  file: string
  line: number
  column: number
  length: number
} {
  return {
    file: span.file,
    line: span.line,
    column: span.column,
    length: Math.max(1, span.end - span.offset),
  }
}
