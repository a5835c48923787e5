/**
 * The lines of one source text, indexed once (line starts) so each lookup costs only the line itself:
 * rendering N diagnostics stays linear instead of rescanning the text per diagnostic.
 */
export class SourceLines {
  private readonly starts: number[] = [0]

  constructor(private readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1)
  }

  /** Number of lines (a text ending in a newline has an empty last line). */
  get count(): number {
    return this.starts.length
  }

  /** Line `n` (1-based) without its line break (`\n` or `\r\n`); undefined past the end. */
  line(n: number): string | undefined {
    const start = this.starts[n - 1]
    if (start === undefined) return undefined
    const next = this.starts[n]
    const end = next === undefined ? this.text.length : next - 1
    const cut = end > start && this.text.charCodeAt(end - 1) === 13 ? end - 1 : end
    return this.text.slice(start, cut)
  }
}
