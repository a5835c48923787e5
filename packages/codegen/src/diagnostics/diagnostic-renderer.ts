import type { Diagnostic } from './diagnostic.js'
import { SourceLines } from './source-lines.js'

/** Source texts by file name, used to print the offending line under a diagnostic. */
export type SourceLookup = ReadonlyMap<string, string> | ((file: string) => string | undefined)

/** How much `renderDiagnostics` prints. */
export interface RenderOptions {
  /** Diagnostics printed in full; the rest are counted in one line. Default 50. */
  readonly limit?: number
}

/** Diagnostics printed in full by default; a broken file can produce tens of thousands. */
export const DEFAULT_RENDER_LIMIT = 50
/** Source lines longer than this many characters are clipped around the caret, with `…` marking the cuts. */
export const MAX_SHOWN_LINE = 120
/** Messages and hints longer than this are shortened in the middle (they may quote a whole line of input). */
export const MAX_MESSAGE = 300
/** Characters kept before the caret when a long line is clipped. */
const CONTEXT_BEFORE = 40
const ELLIPSIS = '…'

/**
 * Renders one diagnostic as
 * `file:line:col: error PF1234: message`, the source line with a caret underline, and `hint: ...`.
 * Without `source` only the first line and the hint are printed.
 */
export function renderDiagnostic(diagnostic: Diagnostic, source?: string): string {
  return renderWithLines(diagnostic, source === undefined ? undefined : new SourceLines(source))
}

/**
 * Renders diagnostics in order, separated by blank lines, followed by a count line (`2 errors, 1 warning`) that
 * counts all of them. Past `limit` one line says how many more there are. Linear in the diagnostics and sources:
 * each file's text is looked up and indexed once.
 */
export function renderDiagnostics(
  diagnostics: readonly Diagnostic[],
  sources?: SourceLookup,
  options: RenderOptions = {},
): string {
  if (diagnostics.length === 0) return ''
  const limit = Math.max(0, options.limit ?? DEFAULT_RENDER_LIMIT)
  const indexed = new Map<string, SourceLines | undefined>()
  const linesOf = (file: string): SourceLines | undefined => {
    if (indexed.has(file)) return indexed.get(file)
    const text = lookup(sources, file)
    const lines = text === undefined ? undefined : new SourceLines(text)
    indexed.set(file, lines)
    return lines
  }
  const shown = diagnostics.slice(0, limit)
  const blocks = shown.map((d) => renderWithLines(d, linesOf(d.span.file)))
  const rest = diagnostics.slice(shown.length)
  if (rest.length > 0) blocks.push(`${ELLIPSIS} and ${rest.length} more (${summarizeDiagnostics(rest)})`)
  return `${blocks.join('\n\n')}\n\n${summarizeDiagnostics(diagnostics)}`
}

/** `2 errors, 1 warning`: the counts of a diagnostic list. */
export function summarizeDiagnostics(diagnostics: readonly Diagnostic[]): string {
  let errors = 0
  for (const d of diagnostics) if (d.severity === 'error') errors++
  const warnings = diagnostics.length - errors
  const parts: string[] = []
  if (errors > 0) parts.push(`${errors} error${errors === 1 ? '' : 's'}`)
  if (warnings > 0) parts.push(`${warnings} warning${warnings === 1 ? '' : 's'}`)
  return parts.join(', ')
}

/** The part of a source line that is printed, and where the caret goes in it. */
export interface ClippedLine {
  readonly text: string
  /** 0-based index in `text` where the underline starts. */
  readonly caretAt: number
  /** Underline length, at least 1, within `text`. */
  readonly caretLength: number
}

/**
 * Clips `line` to at most `width` characters of source around the underlined range (0-based `start`, `length`),
 * marking each cut with `…`, so a 200 KB line prints as one screen line with the caret under the same character.
 */
export function clipLine(line: string, start: number, length: number, width = MAX_SHOWN_LINE): ClippedLine {
  const at = Math.min(Math.max(0, start), line.length)
  const underline = Math.max(1, Math.min(length, line.length - at))
  if (line.length <= width) return { text: line, caretAt: at, caretLength: underline }
  let from = Math.max(0, at - CONTEXT_BEFORE)
  let to = Math.min(line.length, from + width)
  from = Math.max(0, to - width)
  // Never split a surrogate pair at either cut.
  if (from > 0 && isLowSurrogate(line.charCodeAt(from))) from++
  if (to < line.length && isLowSurrogate(line.charCodeAt(to))) to--
  const head = from > 0 ? ELLIPSIS : ''
  const tail = to < line.length ? ELLIPSIS : ''
  return {
    text: `${head}${line.slice(from, to)}${tail}`,
    caretAt: head.length + (at - from),
    caretLength: Math.max(1, Math.min(underline, to - at)),
  }
}

function renderWithLines(diagnostic: Diagnostic, lines: SourceLines | undefined): string {
  const { span } = diagnostic
  const out = [
    `${span.file}:${span.line}:${span.column}: ${diagnostic.severity} ${diagnostic.code}: ${clipText(diagnostic.message)}`,
  ]
  const lineText = lines?.line(span.line)
  if (lineText !== undefined) {
    const gutter = String(span.line)
    const pad = ' '.repeat(gutter.length)
    const clipped = clipLine(lineText, span.column - 1, span.length)
    // Keep tabs from the source line in the caret prefix so the caret lines up in any tab width.
    const prefix = clipped.text.slice(0, clipped.caretAt).replace(/[^\t]/g, ' ')
    out.push(`${gutter} | ${clipped.text}`.trimEnd(), `${pad} | ${prefix}${'^'.repeat(clipped.caretLength)}`)
  }
  if (diagnostic.hint !== undefined) out.push(`hint: ${clipText(diagnostic.hint)}`)
  return out.join('\n')
}

/** Messages quoting user text (a 200 KB identifier) are cut in the middle, keeping both ends readable. */
function clipText(text: string): string {
  if (text.length <= MAX_MESSAGE) return text
  const half = Math.floor(MAX_MESSAGE / 2)
  let head = half
  let tail = text.length - half
  if (isLowSurrogate(text.charCodeAt(head))) head--
  if (isLowSurrogate(text.charCodeAt(tail))) tail++
  return `${text.slice(0, head)}${ELLIPSIS}${text.slice(tail)}`
}

function lookup(sources: SourceLookup | undefined, file: string): string | undefined {
  if (sources === undefined) return undefined
  return typeof sources === 'function' ? sources(file) : sources.get(file)
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff
}
