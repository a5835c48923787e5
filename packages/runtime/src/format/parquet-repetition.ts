import { binaryOf, fieldOf, intOf, structFields, type TNode } from './thrift-compact-tree.js'

const REPEATED = 2
const CONVERTED_MAP = 1
const CONVERTED_MAP_KEY_VALUE = 2
const CONVERTED_LIST = 3
const LOGICAL_MAP = 2
const LOGICAL_LIST = 3

interface SchemaNode {
  readonly name: string
  readonly repeated: boolean
  readonly annotation: 'list' | 'map' | undefined
  readonly children: SchemaNode[]
}

function annotationOf(element: TNode): SchemaNode['annotation'] {
  const converted = intOf(fieldOf(element, 6))
  const logical = structFields(fieldOf(element, 10))[0]?.id
  if (converted === CONVERTED_LIST || logical === LOGICAL_LIST) return 'list'
  if (converted === CONVERTED_MAP || converted === CONVERTED_MAP_KEY_VALUE || logical === LOGICAL_MAP)
    return 'map'
  return undefined
}

/** The flattened, depth-first schema elements of a footer as a tree (undefined when the counts do not add up). */
function schemaTree(elements: readonly TNode[]): SchemaNode | undefined {
  let next = 0
  const build = (): SchemaNode | undefined => {
    const element = elements[next++]
    if (element === undefined) return undefined
    const children: SchemaNode[] = []
    for (let i = intOf(fieldOf(element, 5)) ?? 0; i > 0; i--) {
      const child = build()
      if (!child) return undefined
      children.push(child)
    }
    return {
      name: Buffer.from(binaryOf(fieldOf(element, 4)) ?? []).toString('utf8'),
      repeated: intOf(fieldOf(element, 3)) === REPEATED,
      annotation: annotationOf(element),
      children,
    }
  }
  return build()
}

/**
 * True for the one repeated layout polars 0.24 reads right: the middle group of the standard 3-level LIST
 * (`list` group with one field) or MAP (`key_value` group). The spec's backward-compatibility forms (2-level
 * lists, a repeated group named `array` or `<list>_tuple`, repeated fields outside any LIST/MAP) it misreads
 * silently: empty structs, empty lists or 0 rows.
 */
function isStandardRepeated(parent: SchemaNode, child: SchemaNode): boolean {
  if (parent.annotation === 'map') return child.children.length > 0
  if (parent.annotation !== 'list') return false
  return (
    parent.children.length === 1 &&
    child.children.length === 1 &&
    child.name !== 'array' &&
    child.name !== `${parent.name}_tuple`
  )
}

/**
 * The dotted path of the first repeated field in a layout polars misreads (see `isStandardRepeated`), or
 * undefined when every repeated field is a standard LIST/MAP level. Pure: reads the footer's schema elements.
 */
export function legacyRepetition(elements: readonly TNode[]): string | undefined {
  const root = schemaTree(elements)
  if (!root) return undefined
  const visit = (node: SchemaNode, path: string[]): string | undefined => {
    for (const child of node.children) {
      const childPath = [...path, child.name]
      if (child.repeated && !isStandardRepeated(node, child)) return childPath.join('.')
      const found = visit(child, childPath)
      if (found) return found
    }
    return undefined
  }
  return visit(root, [])
}
