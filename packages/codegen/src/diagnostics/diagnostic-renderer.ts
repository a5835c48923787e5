import type { Diagnostic } from './diagnostic.js'

/** Source texts by file name, used to print the offending line under a diagnostic. */
export type SourceLookup = ReadonlyMap<string, string> | ((file: string) => string | undefined)

function lookup(sources: SourceLookup | undefined, file: string): string | undefined {
  if (sources === undefined) return undefined
  return typeof sources === 'function' ? sources(file) : sources.get(file)
}

/**
 * Renders one diagnostic as
 * `file:line:col: error PF1234: message`, the source line with a caret underline, and `hint: ...`.
 * Without `source` only the first line and the hint are printed.
 */
export function renderDiagnostic(diagnostic: Diagnostic, source?: string): string {
  const { span } = diagnostic
  const out = [
    `${span.file}:${span.line}:${span.column}: ${diagnostic.severity} ${diagnostic.code}: ${diagnostic.message}`,
  ]
  const lineText = source === undefined ? undefined : source.split(/\r?\n/)[span.line - 1]
  if (lineText !== undefined) {
    const gutter = String(span.line)
    const pad = ' '.repeat(gutter.length)
    // Keep tabs from the source line in the caret prefix so the caret lines up in any tab width.
    const prefix = lineText.slice(0, Math.max(0, span.column - 1)).replace(/[^\t]/g, ' ')
    const room = Math.max(1, lineText.length - (span.column - 1))
    const carets = '^'.repeat(Math.max(1, Math.min(span.length, room)))
    out.push(`${gutter} | ${lineText}`.trimEnd(), `${pad} | ${prefix}${carets}`)
  }
  if (diagnostic.hint !== undefined) out.push(`hint: ${diagnostic.hint}`)
  return out.join('\n')
}

/** Renders diagnostics in order, separated by blank lines, followed by a count line (`2 errors, 1 warning`). */
export function renderDiagnostics(diagnostics: readonly Diagnostic[], sources?: SourceLookup): string {
  if (diagnostics.length === 0) return ''
  const blocks = diagnostics.map((d) => renderDiagnostic(d, lookup(sources, d.span.file)))
  return `${blocks.join('\n\n')}\n\n${summarizeDiagnostics(diagnostics)}`
}

/** `2 errors, 1 warning`: the counts of a diagnostic list. */
export function summarizeDiagnostics(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length
  const warnings = diagnostics.length - errors
  const parts: string[] = []
  if (errors > 0) parts.push(`${errors} error${errors === 1 ? '' : 's'}`)
  if (warnings > 0) parts.push(`${warnings} warning${warnings === 1 ? '' : 's'}`)
  return parts.join(', ')
}
