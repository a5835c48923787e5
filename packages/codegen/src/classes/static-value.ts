import { type ClassDeclaration, type EnumDeclaration, type Expression, Node, SyntaxKind } from 'ts-morph'
import { type RuntimeNames, runtimeExportName } from './runtime-import.js'

/** A decorator argument evaluated without running the code, with the node it came from (for spans). */
export type StaticValue =
  | { readonly kind: 'string'; readonly value: string; readonly node: Node }
  | { readonly kind: 'number'; readonly value: number; readonly raw: string; readonly node: Node }
  | { readonly kind: 'bigint'; readonly raw: string; readonly node: Node }
  | { readonly kind: 'boolean'; readonly value: boolean; readonly node: Node }
  | { readonly kind: 'null'; readonly node: Node }
  | { readonly kind: 'undefined'; readonly node: Node }
  | { readonly kind: 'array'; readonly items: readonly StaticValue[]; readonly node: Node }
  | { readonly kind: 'object'; readonly entries: ReadonlyMap<string, StaticEntry>; readonly node: Node }
  /** A class, named directly or by a thunk `() => Post`. */
  | { readonly kind: 'class'; readonly declaration: ClassDeclaration; readonly node: Node }
  /** A TypeScript enum object (for `enumOf(name, Role)`). */
  | { readonly kind: 'enum'; readonly declaration: EnumDeclaration; readonly node: Node }
  /** `listOf(...)` or `enumOf(...)` from the runtime. */
  | {
      readonly kind: 'call'
      readonly callee: string
      readonly args: readonly StaticValue[]
      readonly node: Node
    }
  /** Something only running the code could tell. */
  | { readonly kind: 'unknown'; readonly node: Node }

/** An object literal property: its value and the node of its key. */
export interface StaticEntry {
  readonly key: Node
  readonly value: StaticValue
}

const CALLS = new Set(['listOf', 'enumOf'])

/** Evaluates an expression as far as it can be without running it: literals, consts, enum members, classes. */
export function evaluate(expression: Node, runtime: RuntimeNames, seen = new Set<Node>()): StaticValue {
  const node = expression
  const unknown: StaticValue = { kind: 'unknown', node }
  if (seen.has(node)) return unknown
  seen.add(node)
  if (Node.isParenthesizedExpression(node) || Node.isAsExpression(node) || Node.isSatisfiesExpression(node))
    return { ...evaluate(node.getExpression(), runtime, seen), node }
  if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node))
    return { kind: 'string', value: node.getLiteralValue(), node }
  if (Node.isNumericLiteral(node))
    return { kind: 'number', value: node.getLiteralValue(), raw: node.getText(), node }
  if (Node.isBigIntLiteral(node)) return { kind: 'bigint', raw: node.getText().replace(/n$/, ''), node }
  if (Node.isTrueLiteral(node) || Node.isFalseLiteral(node))
    return { kind: 'boolean', value: node.getLiteralValue(), node }
  if (Node.isNullLiteral(node)) return { kind: 'null', node }
  if (Node.isPrefixUnaryExpression(node) && node.getOperatorToken() === SyntaxKind.MinusToken) {
    const inner = evaluate(node.getOperand(), runtime, seen)
    if (inner.kind === 'number') return { kind: 'number', value: -inner.value, raw: `-${inner.raw}`, node }
    if (inner.kind === 'bigint') return { kind: 'bigint', raw: `-${inner.raw}`, node }
    return unknown
  }
  if (Node.isArrayLiteralExpression(node)) {
    const items = node.getElements().map((e) => evaluate(e, runtime, seen))
    return items.some((i) => i.kind === 'unknown' && Node.isSpreadElement(i.node))
      ? unknown
      : { kind: 'array', items, node }
  }
  if (Node.isObjectLiteralExpression(node)) return evaluateObject(node.getProperties(), node, runtime, seen)
  if (Node.isArrowFunction(node)) {
    const body = node.getBody()
    const value = Node.isExpression(body) ? evaluate(body, runtime, seen) : unknown
    return value.kind === 'class' ? { ...value, node } : unknown
  }
  if (Node.isCallExpression(node)) {
    const callee = runtimeExportName(node.getExpression(), runtime)
    if (callee === undefined || !CALLS.has(callee)) return unknown
    return { kind: 'call', callee, args: node.getArguments().map((a) => evaluate(a, runtime, seen)), node }
  }
  if (Node.isIdentifier(node) || Node.isPropertyAccessExpression(node)) {
    if (Node.isIdentifier(node) && node.getText() === 'undefined') return { kind: 'undefined', node }
    const declaration = declarationOf(node)
    if (declaration === undefined) return unknown
    if (Node.isClassDeclaration(declaration)) return { kind: 'class', declaration, node }
    if (Node.isEnumDeclaration(declaration)) return { kind: 'enum', declaration, node }
    if (Node.isEnumMember(declaration)) {
      const value = declaration.getValue()
      if (typeof value === 'string') return { kind: 'string', value, node }
      if (typeof value === 'number') return { kind: 'number', value, raw: String(value), node }
      return unknown
    }
    if (
      Node.isVariableDeclaration(declaration) &&
      declaration.getVariableStatement()?.getDeclarationKind() === 'const'
    ) {
      const initializer = declaration.getInitializer()
      if (initializer === undefined) return unknown
      return { ...evaluate(initializer, runtime, seen), node }
    }
    if (Node.isPropertyAccessExpression(node)) {
      const owner = evaluate(node.getExpression(), runtime, seen)
      if (owner.kind === 'object') {
        const entry = owner.entries.get(node.getName())
        return entry === undefined ? unknown : { ...entry.value, node }
      }
    }
  }
  return unknown
}

function evaluateObject(
  properties: readonly Node[],
  node: Node,
  runtime: RuntimeNames,
  seen: Set<Node>,
): StaticValue {
  const entries = new Map<string, StaticEntry>()
  for (const property of properties) {
    if (Node.isPropertyAssignment(property)) {
      const name = property.getNameNode()
      const key =
        Node.isIdentifier(name) || Node.isStringLiteral(name) || Node.isNumericLiteral(name)
          ? String(Node.isIdentifier(name) ? name.getText() : name.getLiteralValue())
          : undefined
      const initializer = property.getInitializer()
      if (key === undefined || initializer === undefined) return { kind: 'unknown', node: property }
      entries.set(key, { key: name, value: evaluate(initializer, runtime, seen) })
    } else if (Node.isShorthandPropertyAssignment(property)) {
      const name = property.getNameNode()
      entries.set(name.getText(), { key: name, value: evaluate(name, runtime, seen) })
    } else {
      return { kind: 'unknown', node: property }
    }
  }
  return { kind: 'object', entries, node }
}

/** The declaration a name refers to, through imports and re-exports. */
export function declarationOf(node: Node): Node | undefined {
  let symbol = node.getSymbol()
  if (symbol === undefined) return undefined
  if (symbol.isAlias()) symbol = symbol.getAliasedSymbol() ?? symbol
  const declaration = symbol.getDeclarations()[0]
  if (declaration === undefined) return undefined
  if (Node.isShorthandPropertyAssignment(declaration))
    return declaration.getValueSymbol()?.getDeclarations()[0]
  return declaration
}

/** True for an expression node (arguments of decorator calls are). */
export function isExpression(node: Node): node is Expression {
  return Node.isExpression(node)
}
