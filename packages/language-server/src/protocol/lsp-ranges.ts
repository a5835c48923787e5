import type { DiagnosticSpan } from '@parquetframe/codegen'
import type { SymbolSpan } from '@parquetframe/codegen/internal'
import type { Range } from 'vscode-languageserver'

/** A diagnostic's 1-based line/column and length as an LSP range (0-based, UTF-16 units, one line). */
export function diagnosticRange(span: DiagnosticSpan): Range {
  const line = Math.max(0, span.line - 1)
  const character = Math.max(0, span.column - 1)
  return { start: { line, character }, end: { line, character: character + span.length } }
}

/** A symbol's span (a name: never crosses a line) as an LSP range. */
export function symbolRange(span: SymbolSpan): Range {
  const line = span.line - 1
  const character = span.column - 1
  return { start: { line, character }, end: { line, character: character + (span.end - span.offset) } }
}

/** True when the 0-based `offset` lies in the span or right after it (the cursor at a name's end). */
export function spanContains(span: { offset: number; end: number }, offset: number): boolean {
  return offset >= span.offset && offset <= span.end
}
