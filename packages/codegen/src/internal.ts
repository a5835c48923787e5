// @parquetframe/codegen/internal: what the language server uses besides the public API (index.ts): the symbols of
// a parsed schema and the names the schema language knows. Not for apps: these may change in any release.
// test/packaging/public-api.test.ts lists these names.

export {
  type AttributeSymbol,
  BLOCK_ATTRIBUTES,
  CONFIG_KEYS,
  type ConfigEntrySymbol,
  collectSchemaSymbols,
  type DeclarationSymbol,
  ENTITY_ATTRIBUTES,
  FIELD_ATTRIBUTES,
  type FieldSymbol,
  type FieldTypeSymbol,
  type SchemaSymbols,
  STORAGE_FORMATS,
  type SymbolReference,
  type SymbolSpan,
  type SymbolTarget,
} from './pfschema/index.js'
