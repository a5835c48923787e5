import { wrapList } from './code-writer.js'
import { quote } from './naming.js'

/** One import declaration: value names and type-only names from a module. */
export interface ImportSpec {
  readonly from: string
  readonly names: readonly string[]
  readonly types?: readonly string[]
}

/**
 * Import declarations in the order the repo's formatter keeps them: packages before relative paths, each
 * group by module name; names in natural, case-insensitive order; `import type` when only types are imported.
 */
export function renderImports(specs: readonly ImportSpec[]): string[] {
  const merged = new Map<string, { names: Set<string>; types: Set<string> }>()
  for (const s of specs) {
    const entry = merged.get(s.from) ?? { names: new Set(), types: new Set() }
    for (const name of s.names) entry.names.add(name)
    for (const t of s.types ?? []) entry.types.add(t)
    merged.set(s.from, entry)
  }
  const lines: string[] = []
  for (const from of [...merged.keys()].sort(compareModules)) {
    const { names, types } = merged.get(from)!
    for (const n of names) types.delete(n)
    if (names.size === 0 && types.size === 0) continue
    const typeOnly = names.size === 0
    const specifiers = [
      ...[...names].map((n) => ({ key: importedName(n), text: n })),
      ...[...types].map((t) => ({ key: importedName(t), text: typeOnly ? t : `type ${t}` })),
    ]
      .sort((a, b) => naturalCompare(a.key, b.key))
      .map((s) => s.text)
    lines.push(
      ...wrapList(0, `import ${typeOnly ? 'type ' : ''}{ `, specifiers, ` } from ${quote(from)}`, 'comma'),
    )
  }
  return lines
}

/** The local name of a specifier (`PfEntity` for `Entity as PfEntity`), which the formatter sorts by. */
function importedName(specifier: string): string {
  return specifier.split(' as ').at(-1)!
}

function isRelative(from: string): boolean {
  return from.startsWith('.')
}

function compareModules(a: string, b: string): number {
  if (isRelative(a) !== isRelative(b)) return isRelative(a) ? 1 : -1
  return naturalCompare(a, b)
}

/**
 * The order the formatter sorts names and module paths in: character by character, letters
 * case-insensitively with the upper-case letter first when two differ only in case, digit runs as numbers
 * (`Entity2` before `Entity10`), and in paths `/` before `.` before `_` before `-` before letters and digits.
 */
export function naturalCompare(a: string, b: string): number {
  const pa = a.match(/\d+|\D/g) ?? []
  const pb = b.match(/\d+|\D/g) ?? []
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!
    const y = pb[i]!
    if (x === y) continue
    const dx = /^\d/.test(x)
    const dy = /^\d/.test(y)
    if (dx && dy) return Number(x) - Number(y) || x.length - y.length
    return rank(x, dx) - rank(y, dy) || (x < y ? -1 : 1)
  }
  return pa.length - pb.length
}

const PUNCTUATION_ORDER = '/._-'

/** Sort rank of one character (or digit run): separators, other punctuation, digits, then letters. */
function rank(token: string, digits: boolean): number {
  if (digits) return 1000
  const special = PUNCTUATION_ORDER.indexOf(token)
  if (special >= 0) return special
  const lower = token.toLowerCase()
  if (lower === token.toUpperCase()) return 10 + token.charCodeAt(0)
  // Letters: case-insensitive, upper case first on a tie.
  return 2000 + lower.charCodeAt(0) * 2 + (token === lower ? 1 : 0)
}
