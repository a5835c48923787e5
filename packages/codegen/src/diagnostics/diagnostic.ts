/** How bad a diagnostic is: an `error` stops generation, a `warning` does not. */
export type DiagnosticSeverity = 'error' | 'warning'

/** Where a diagnostic points: a 1-based line and column and a length in characters (on that line). */
export interface DiagnosticSpan {
  readonly file: string
  readonly line: number
  readonly column: number
  readonly length: number
}

/** One finding about a schema. Data, not an exception: render it with `renderDiagnostic`. */
export interface Diagnostic {
  /** Stable code, `PF` and four digits; see schema/README.md for the list. */
  readonly code: string
  readonly severity: DiagnosticSeverity
  readonly message: string
  readonly span: DiagnosticSpan
  /** A suggestion for the fix, when one helps. */
  readonly hint?: string
}

/** True when at least one diagnostic is an error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error')
}

/** Orders diagnostics by file, line, column, then code, so output is stable. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      (a.span.file < b.span.file ? -1 : a.span.file > b.span.file ? 1 : 0) ||
      a.span.line - b.span.line ||
      a.span.column - b.span.column ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  )
}
