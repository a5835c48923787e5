/** Maximum line length of generated code, matching the repo's formatter. */
export const LINE_WIDTH = 110

/**
 * Builds generated source text line by line with two-space indentation, so
 * emitters read like the code they produce.
 */
export class CodeWriter {
  readonly #lines: string[] = []
  #depth = 0

  /** Writes one line at the current indentation (an empty string writes a blank line). */
  line(text = ''): this {
    this.#lines.push(text === '' ? '' : '  '.repeat(this.#depth) + text)
    return this
  }

  /** Writes several lines at the current indentation. */
  lines(texts: Iterable<string>): this {
    for (const text of texts) this.line(text)
    return this
  }

  /** Writes a blank line unless the previous line is blank or opens a block. */
  blank(): this {
    const last = this.#lines.at(-1)
    if (last !== undefined && last !== '' && !/[{([]$/.test(last)) this.#lines.push('')
    return this
  }

  /** Writes `open`, the body one level deeper, then `close`. */
  block(open: string, body: (w: this) => void, close = '}'): this {
    this.line(open)
    this.#depth++
    body(this)
    this.#depth--
    return this.line(close)
  }

  /** Writes a `/** … *\/` comment: one line when it fits, otherwise one line per source line. */
  doc(text: string | undefined): this {
    if (text === undefined || text.trim() === '') return this
    const lines = text
      .trim()
      .split(/\r?\n/)
      .map((l) => l.trimEnd().replace(/\*\//g, '*\\/'))
    const single = `/** ${lines[0]} */`
    if (lines.length === 1 && '  '.repeat(this.#depth).length + single.length <= LINE_WIDTH)
      return this.line(single)
    this.line('/**')
    for (const l of lines) this.line(l === '' ? ' *' : ` * ${l}`)
    return this.line(' */')
  }

  /** The text written so far, ending with exactly one newline. */
  toString(): string {
    while (this.#lines.at(-1) === '') this.#lines.pop()
    return `${this.#lines.join('\n')}\n`
  }
}

/**
 * `prefix` + items joined by `sep` + `suffix` on one line when it fits at
 * `indent`, otherwise one item per line (each with a trailing `sep` trimmed
 * to a comma for lists, or a leading `|` for unions).
 */
export function wrapList(
  indent: number,
  prefix: string,
  items: readonly string[],
  suffix: string,
  style: 'comma' | 'union',
): string[] {
  const sep = style === 'comma' ? ', ' : ' | '
  const flat = `${prefix}${items.join(sep)}${suffix}`
  if (indent * 2 + flat.length <= LINE_WIDTH || items.length < 2) return [flat]
  if (style === 'comma') return [prefix.trimEnd(), ...items.map((i) => `  ${i},`), suffix.trimStart()]
  return [prefix.trimEnd(), ...items.map((i) => `  | ${i}`)]
}
