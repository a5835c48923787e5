import type { SchemaIssueSeverity } from './schema-issue.js'

// The wording rules every schema message catalogue shares (codegen's diagnostics, the runtime's entity rules):
// how a name is quoted, how a likely typo is hinted at, and one factory per severity.

/** A name as schema messages quote it: `"User"`. */
export const quoted = (name: string): string => `"${name}"`

/** The hint for a likely typo, `did you mean "email"?`; none without a suggestion. */
export const didYouMean = (suggestion: string | undefined): string | undefined =>
  suggestion === undefined ? undefined : `did you mean ${quoted(suggestion)}?`

/** A finding factory of one severity: code, where it is, the message and an optional hint. */
export type SeverityFactory<L, T> = (code: string, at: L, message: string, hint?: string) => T

/** The `error` and `warning` factories of a catalogue whose findings `make` builds. */
export function severityFactories<L, T>(
  make: (severity: SchemaIssueSeverity, code: string, at: L, message: string, hint: string | undefined) => T,
): { readonly error: SeverityFactory<L, T>; readonly warning: SeverityFactory<L, T> } {
  return {
    error: (code, at, message, hint) => make('error', code, at, message, hint),
    warning: (code, at, message, hint) => make('warning', code, at, message, hint),
  }
}
