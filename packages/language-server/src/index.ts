// Public API of @parquetframe/language-server: start the `.pfschema` language server on a pair of streams.
// `pf lsp` (in @parquetframe/cli) runs it on stdin/stdout.

export { type LanguageServerOptions, startLanguageServer } from './language-server.js'
export type { SchemaLocation } from './workspace/schema-workspace.js'
