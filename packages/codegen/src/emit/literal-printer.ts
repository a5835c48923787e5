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

/**
 * Prints a value as a TypeScript literal the way the repo's formatter lays it
 * out: on one line when it fits, otherwise one member per line. Arrays of two
 * or more objects with several keys always break, as the formatter does.
 * Returns the lines; the first starts at `indent` after `prefix`.
 */
export function printLiteral(value: LiteralValue, indent: number, prefix = '', suffix = ''): string[] {
  const flat = flatLiteral(value)
  if (!mustBreak(value) && indent * 2 + prefix.length + flat.length + suffix.length <= LINE_WIDTH) {
    return [`${prefix}${flat}${suffix}`]
  }
  if (Array.isArray(value)) {
    const items = value as readonly LiteralValue[]
    return [
      `${prefix}[`,
      ...items.flatMap((item) => nested(printLiteral(item, indent + 1, '', ','))),
      `]${suffix}`,
    ]
  }
  if (value !== null && typeof value === 'object') {
    const entries = objectEntries(value as { readonly [key: string]: LiteralValue | undefined })
    return [
      `${prefix}{`,
      ...entries.flatMap(([k, v]) => nested(printLiteral(v, indent + 1, `${propertyKey(k)}: `, ','))),
      `}${suffix}`,
    ]
  }
  return [`${prefix}${flat}${suffix}`]
}

function nested(lines: string[]): string[] {
  return lines.map((l) => `  ${l}`)
}

function objectEntries(value: {
  readonly [key: string]: LiteralValue | undefined
}): [string, LiteralValue][] {
  return Object.entries(value).filter((e): e is [string, LiteralValue] => e[1] !== undefined)
}

/** Whether the formatter would break this value even when it fits: an array of several multi-key objects, at any depth. */
function mustBreak(value: LiteralValue): boolean {
  if (value === null || typeof value !== 'object') return false
  if (Array.isArray(value)) {
    const items = value as readonly LiteralValue[]
    const allObjects =
      items.length > 1 &&
      items.every(
        (i) =>
          i !== null && typeof i === 'object' && !Array.isArray(i) && objectEntries(asObject(i)).length > 1,
      )
    return allObjects || items.some(mustBreak)
  }
  return objectEntries(asObject(value)).some(([, v]) => mustBreak(v))
}

function asObject(value: LiteralValue): { readonly [key: string]: LiteralValue | undefined } {
  return value as { readonly [key: string]: LiteralValue | undefined }
}

/** The one-line form of a literal. */
export function flatLiteral(value: LiteralValue): string {
  if (value === null) return 'null'
  if (typeof value === 'string') return quote(value)
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (Array.isArray(value)) return `[${(value as readonly LiteralValue[]).map(flatLiteral).join(', ')}]`
  const entries = objectEntries(value as { readonly [key: string]: LiteralValue | undefined })
  if (entries.length === 0) return '{}'
  return `{ ${entries.map(([k, v]) => `${propertyKey(k)}: ${flatLiteral(v)}`).join(', ')} }`
}
