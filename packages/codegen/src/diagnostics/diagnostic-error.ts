import type { Diagnostic } from './diagnostic.js'
import {
  DEFAULT_RENDER_LIMIT,
  type RenderOptions,
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
    const listed = errors.length > 0 ? errors : diagnostics
    const shown = listed.slice(0, DEFAULT_RENDER_LIMIT).map((d) => renderDiagnostic(d))
    if (listed.length > shown.length) shown.push(`… and ${listed.length - shown.length} more`)
    super(`Schema has ${summarizeDiagnostics(diagnostics) || 'no problems'}:\n${shown.join('\n')}`)
    this.name = 'DiagnosticError'
    this.diagnostics = diagnostics
    this.sources = sources
  }

  /** The diagnostics with source lines and carets, as the CLI prints them (the first 50 unless `limit` says). */
  render(options?: RenderOptions): string {
    return renderDiagnostics(this.diagnostics, this.sources, options)
  }
}
