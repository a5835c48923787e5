// Public API of @parquetframe/codegen: parse and check a .pfschema, generate code from the schema IR, format a
// schema, render diagnostics. Every name is listed on purpose (no `export *`); what the language server needs
// besides is in ./internal.ts. The decorated-classes front-end (ts-morph, slow to load) is the separate entry point
// `@parquetframe/codegen/classes`. test/packaging/public-api.test.ts lists every entry's names.

export {
  type Diagnostic,
  DiagnosticError,
  type DiagnosticSeverity,
  type DiagnosticSpan,
  hasErrors,
  type RenderOptions,
  renderDiagnostic,
  renderDiagnostics,
  type SourceLookup,
  sortDiagnostics,
  summarizeDiagnostics,
} from './diagnostics/index.js'
export { type GeneratedFiles, type GenerateOptions, generate, type ImportExtension } from './emit/index.js'
export {
  type FormatResult,
  formatSchema,
  loadSchema,
  MAX_SCHEMA_FILE_BYTES,
  PFSCHEMA_EXTENSION,
  parseSchema,
  parseSchemaSources,
  readSchemaFile,
  type SchemaFileRead,
  type SchemaParseResult,
  type SchemaSource,
} from './pfschema/index.js'
