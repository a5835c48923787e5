import { LINE_WIDTH } from './code-writer.js'
import { propertyKey, quote } from './naming.js'

/** A JSON-like value that can be printed as a TypeScript literal. */
export type LiteralValue =
  | string
  | number
  | boolean
  | null
  | readonly LiteralValue[]
  | { readonly [key: string]: LiteralValue | undefined }

/** A value measured once: the width of its one-line form, whether the formatter always breaks it, and its members. */
interface Measured {
  readonly width: number
  /** The text of a scalar. */
  readonly text: string
  readonly mustBreak: boolean
  readonly kind: 'array' | 'object' | 'scalar'
  /** Array items (key undefined) or object properties. */
  readonly members: readonly { readonly key: string | undefined; readonly node: Measured }[]
}

/**
 * Prints a value as a TypeScript literal the way the repo's formatter lays it out: on one line when it fits,
 * otherwise one member per line. Arrays of two or more objects with several keys always break, as the
 * formatter does. Returns the lines; the first starts at `indent` after `prefix`.
 */
export function printLiteral(value: LiteralValue, indent: number, prefix = '', suffix = ''): string[] {
  const out: string[] = []
  print(measure(value), indent, prefix, suffix, '', out)
  return out
}

/** The one-line form of a literal. */
export function flatLiteral(value: LiteralValue): string {
  return flat(measure(value))
}

function flat(node: Measured): string {
  if (node.kind === 'scalar') return node.text
  if (node.kind === 'array') return `[${node.members.map((m) => flat(m.node)).join(', ')}]`
  if (node.members.length === 0) return '{}'
  return `{ ${node.members.map((m) => `${propertyKey(m.key!)}: ${flat(m.node)}`).join(', ')} }`
}

function print(
  node: Measured,
  indent: number,
  prefix: string,
  suffix: string,
  pad: string,
  out: string[],
): void {
  if (
    node.kind === 'scalar' ||
    (!node.mustBreak && indent * 2 + prefix.length + node.width + suffix.length <= LINE_WIDTH)
  ) {
    out.push(`${pad}${prefix}${flat(node)}${suffix}`)
    return
  }
  const [open, close] = node.kind === 'array' ? ['[', ']'] : ['{', '}']
  out.push(`${pad}${prefix}${open}`)
  for (const m of node.members) {
    print(m.node, indent + 1, m.key === undefined ? '' : `${propertyKey(m.key)}: `, ',', `${pad}  `, out)
  }
  out.push(`${pad}${close}${suffix}`)
}

function measure(value: LiteralValue): Measured {
  if (value === null || typeof value !== 'object') {
    const text = value === null ? 'null' : typeof value === 'string' ? quote(value) : String(value)
    return { width: text.length, text, mustBreak: false, kind: 'scalar', members: [] }
  }
  if (Array.isArray(value)) {
    const members = (value as readonly LiteralValue[]).map((item) => ({
      key: undefined,
      node: measure(item),
    }))
    // The formatter breaks an array of two or more objects that each have several keys.
    const objectRows =
      members.length > 1 && members.every((m) => m.node.kind === 'object' && m.node.members.length > 1)
    return {
      width: 2 + sumWidths(members, 0),
      text: '',
      mustBreak: objectRows || members.some((m) => m.node.mustBreak),
      kind: 'array',
      members,
    }
  }
  const members = Object.entries(value as { readonly [key: string]: LiteralValue | undefined })
    .filter((e): e is [string, LiteralValue] => e[1] !== undefined)
    .map(([key, v]) => ({ key, node: measure(v) }))
  return {
    width: members.length === 0 ? 2 : 4 + sumWidths(members, 2),
    text: '',
    mustBreak: members.some((m) => m.node.mustBreak),
    kind: 'object',
    members,
  }
}

/** Total width of members joined by `, `, each key taking `keyExtra` more than its name (`: `). */
function sumWidths(
  members: readonly { readonly key: string | undefined; readonly node: Measured }[],
  keyExtra: number,
): number {
  let width = Math.max(0, members.length - 1) * 2
  for (const m of members)
    width += m.node.width + (m.key === undefined ? 0 : propertyKey(m.key).length + keyExtra)
  return width
}
