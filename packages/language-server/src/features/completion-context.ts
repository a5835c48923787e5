/** Where the cursor is, as far as completion cares. */
export type CompletionContext =
  | { readonly kind: 'none' }
  | { readonly kind: 'declaration' }
  | { readonly kind: 'entityAttribute' }
  | { readonly kind: 'fieldType'; readonly entity: string }
  | { readonly kind: 'fieldAttribute'; readonly entity: string }
  | { readonly kind: 'blockAttribute'; readonly entity: string }
  | { readonly kind: 'configKey'; readonly used: readonly string[] }
  | { readonly kind: 'formatValue' }
  | { readonly kind: 'defaultValue'; readonly entity: string; readonly field: FieldLine | undefined }
  | { readonly kind: 'relationArgument' }
  | {
      readonly kind: 'relationKey'
      readonly entity: string
      readonly field: FieldLine | undefined
      readonly key: 'foreignKey' | 'references'
    }
  | { readonly kind: 'fieldName'; readonly entity: string }

/** A field line's name and type as written before the cursor. */
export interface FieldLine {
  readonly name: string
  readonly type: string
  readonly list: boolean
  readonly optional: boolean
}

interface Block {
  readonly keyword: string
  readonly name: string
  readonly start: number
}

interface Paren {
  /** The attribute owning the parentheses, with its `@` or `@@`; empty for a call or a bare bracket. */
  readonly attribute: string
  readonly offset: number
}

const FIELD_LINE = /^\s*([A-Za-z_]\w*)\s+([A-Za-z_]\w*)((?:\[\])*)(\?)?/

/**
 * Reads the text before the cursor (skipping comments and strings) to find the enclosing declaration, the
 * attribute whose parentheses the cursor is in, and the shape of the current line. Works on broken text.
 */
export function completionContext(text: string, offset: number): CompletionContext {
  const blocks: Block[] = []
  const parens: Paren[] = []
  const words: { text: string; end: number }[] = []
  let i = 0
  while (i < offset) {
    const c = text[i]
    if (c === '/' && text[i + 1] === '/') {
      const eol = text.indexOf('\n', i)
      if (eol === -1 || eol >= offset) return { kind: 'none' }
      i = eol
      continue
    }
    if (c === '"') {
      let j = i + 1
      while (j < text.length && text[j] !== '"' && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1
      if (j >= offset) return { kind: 'none' } // in a string
      i = j + 1
      continue
    }
    if (c !== undefined && /[A-Za-z_@]/.test(c)) {
      let j = i + 1
      while (j < text.length && /[\w@]/.test(text[j] ?? '')) j++
      words.push({ text: text.slice(i, Math.min(j, offset)), end: j })
      i = j
      continue
    }
    if (c === '{') {
      blocks.push({ ...headerOf(words), start: i })
    } else if (c === '}') {
      blocks.pop()
      words.push({ text: '}', end: i + 1 })
    } else if (c === '(' || c === '[') {
      const before = text.slice(0, i).match(/(@@?[A-Za-z_]\w*)\s*$/)
      parens.push({ attribute: c === '(' && before ? (before[1] ?? '') : '', offset: i })
    } else if (c === ')' || c === ']') parens.pop()
    i++
  }
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1
  const line = text.slice(lineStart, offset)
  const block = blocks[blocks.length - 1]
  if (block === undefined) {
    if (/^\s*[A-Za-z_]*$/.test(line)) return { kind: 'declaration' }
    if (/^\s*entity\s+\w+.*(?:^|[^@])@\w*$/.test(line) && parens.length === 0)
      return { kind: 'entityAttribute' }
    const owner = [...parens].reverse().find((p) => p.attribute !== '')
    if (owner?.attribute === '@format') return { kind: 'formatValue' }
    if (owner?.attribute === '@partitionBy') {
      const name = text.slice(0, owner.offset).match(/entity\s+([A-Za-z_]\w*)[^{}]*$/)?.[1]
      return name ? { kind: 'fieldName', entity: name } : { kind: 'none' }
    }
    return { kind: 'none' }
  }
  if (block.keyword === 'config') {
    if (/^\s*[A-Za-z_]*$/.test(line))
      return { kind: 'configKey', used: configKeysIn(text.slice(block.start, offset)) }
    if (/^\s*format\s*=\s*[A-Za-z_]*$/.test(line)) return { kind: 'formatValue' }
    return { kind: 'none' }
  }
  if (block.keyword !== 'entity') return { kind: 'none' }
  const entity = block.name
  const owner = [...parens].reverse().find((p) => p.attribute !== '')
  if (owner !== undefined) {
    const ownerLineStart = text.lastIndexOf('\n', owner.offset - 1) + 1
    const field = fieldLine(text.slice(ownerLineStart, owner.offset))
    switch (owner.attribute) {
      case '@default':
        return parens[parens.length - 1] === owner
          ? { kind: 'defaultValue', entity, field }
          : { kind: 'none' }
      case '@relation': {
        const key = text.slice(owner.offset, offset).match(/(foreignKey|references)\s*:\s*\w*$/)?.[1]
        if (key === 'foreignKey' || key === 'references') return { kind: 'relationKey', entity, field, key }
        return /[(,]\s*\w*$/.test(text.slice(owner.offset, offset))
          ? { kind: 'relationArgument' }
          : { kind: 'none' }
      }
      case '@@index':
      case '@@unique':
      case '@partitionBy':
        return { kind: 'fieldName', entity }
      case '@format':
        return { kind: 'formatValue' }
      default:
        return { kind: 'none' }
    }
  }
  if (/^\s*@@\w*$/.test(line)) return { kind: 'blockAttribute', entity }
  if (/^\s*[A-Za-z_]\w*\s+[A-Za-z_]*$/.test(line)) return { kind: 'fieldType', entity }
  if (/^\s*[A-Za-z_]\w*\s+\S.*(?:\s)@\w*$/.test(line)) return { kind: 'fieldAttribute', entity }
  return { kind: 'none' }
}

/** The `entity Name` or `enum Name` (or `config`) heading the block that opens next. */
function headerOf(words: readonly { text: string }[]): { keyword: string; name: string } {
  for (let k = words.length - 1; k >= 0; k--) {
    const word = words[k]?.text
    if (word === '}') break
    if (word === 'entity' || word === 'enum') return { keyword: word, name: words[k + 1]?.text ?? '' }
    if (word === 'config') return { keyword: 'config', name: '' }
  }
  return { keyword: '', name: '' }
}

function fieldLine(prefix: string): FieldLine | undefined {
  const match = prefix.match(FIELD_LINE)
  if (!match?.[1] || !match[2]) return undefined
  return { name: match[1], type: match[2], list: (match[3] ?? '') !== '', optional: match[4] === '?' }
}

function configKeysIn(body: string): string[] {
  return [...body.matchAll(/^\s*([A-Za-z_]\w*)\s*=/gm)].map((m) => m[1] ?? '')
}
