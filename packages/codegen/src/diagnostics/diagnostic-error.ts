import type { Diagnostic } from './diagnostic.js'
import {
  renderDiagnostic,
  renderDiagnostics,
  type SourceLookup,
  summarizeDiagnostics,
} from './diagnostic-renderer.js'

/**
 * The one error type that carries schema diagnostics. `code` is stable (`PF_SCHEMA`); `diagnostics` holds
 * every finding (errors and warnings), and `render()` prints them with their source lines.
 */
export class DiagnosticError extends Error {
  readonly code = 'PF_SCHEMA'
  readonly diagnostics: readonly Diagnostic[]
  readonly sources: SourceLookup | undefined

  constructor(diagnostics: readonly Diagnostic[], sources?: SourceLookup) {
    const errors = diagnostics.filter((d) => d.severity === 'error')
    const shown = errors.length > 0 ? errors : diagnostics
    super(
      `Schema has ${summarizeDiagnostics(diagnostics) || 'no problems'}:\n${shown.map((d) => renderDiagnostic(d)).join('\n')}`,
    )
    this.name = 'DiagnosticError'
    this.diagnostics = diagnostics
    this.sources = sources
  }

  /** All diagnostics with source lines and carets, as the CLI prints them. */
  render(): string {
    return renderDiagnostics(this.diagnostics, this.sources)
  }
}
