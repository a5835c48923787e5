import { type Diagnostic, parseSchemaSources } from '@parquetframe/codegen'
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic } from 'vscode-languageserver'
import { diagnosticRange } from '../protocol/lsp-ranges.js'
import type { SchemaGroup } from '../workspace/schema-workspace.js'

/** Diagnostics to publish for one file. */
export interface FileDiagnostics {
  readonly uri: string
  readonly version: number | undefined
  readonly diagnostics: readonly LspDiagnostic[]
}

/**
 * What `pf validate` reports for a group, per file (every file of the group, empty lists included so stale ones
 * are cleared): the same codes, messages and ranges. A file of the folder that cannot be read makes `pf validate`
 * report only the unreadable files, and so does this.
 */
export function schemaDiagnostics(group: SchemaGroup): FileDiagnostics[] {
  const all = [...group.files, ...group.unreadable.map((u) => u.file)]
  const found: readonly Diagnostic[] =
    group.unreadable.length > 0
      ? group.unreadable.map((u) => u.diagnostic)
      : parseSchemaSources(group.files.map((f) => ({ file: f.name, text: f.text }))).diagnostics
  return all.map((file) => ({
    uri: file.uri,
    version: file.version,
    diagnostics: found.filter((d) => d.span.file === file.name).map(toLspDiagnostic),
  }))
}

/** One diagnostic in LSP form; the hint follows the message on its own line, as `pf validate` prints it. */
export function toLspDiagnostic(diagnostic: Diagnostic): LspDiagnostic {
  return {
    range: diagnosticRange(diagnostic.span),
    severity: diagnostic.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: diagnostic.code,
    source: 'pf',
    message:
      diagnostic.hint === undefined ? diagnostic.message : `${diagnostic.message}\nhint: ${diagnostic.hint}`,
  }
}
