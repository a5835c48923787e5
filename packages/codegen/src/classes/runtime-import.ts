import { type ImportDeclaration, Node, ts } from 'ts-morph'

/** Where the decorators and type helpers are imported from. */
export interface RuntimeNames {
  /** Module specifiers whose exports count as the runtime's. Default `@parquetframe/runtime`. */
  readonly modules: ReadonlySet<string>
}

/**
 * The runtime export a callee names (`entity`, `field`, `listOf`, ...): an import from a runtime module under any
 * alias, or a member of a namespace import (`pf.entity`). A name declared nowhere (a snippet without imports)
 * counts by its text; a name declared locally does not count.
 */
export function runtimeExportName(callee: Node, runtime: RuntimeNames): string | undefined {
  if (Node.isPropertyAccessExpression(callee)) {
    const owner = callee.getExpression()
    if (!Node.isIdentifier(owner)) return undefined
    const declaration = owner.getSymbol()?.getDeclarations()[0]
    if (declaration === undefined) return callee.getName()
    if (!Node.isNamespaceImport(declaration)) return undefined
    const from = moduleOf(declaration.getFirstAncestor(Node.isImportDeclaration))
    return from !== undefined && runtime.modules.has(from) ? callee.getName() : undefined
  }
  if (!Node.isIdentifier(callee)) return undefined
  const declaration = callee.getSymbol()?.getDeclarations()[0]
  if (declaration === undefined) return callee.getText()
  if (!Node.isImportSpecifier(declaration)) return undefined
  const from = moduleOf(declaration.getImportDeclaration())
  return from !== undefined && runtime.modules.has(from) ? declaration.getName() : undefined
}

/** The module an import names; undefined while the code is being typed (`import { a } from {`). */
function moduleOf(declaration: ImportDeclaration | undefined): string | undefined {
  const specifier = declaration?.compilerNode.moduleSpecifier
  return specifier !== undefined && ts.isStringLiteral(specifier) ? specifier.text : undefined
}
