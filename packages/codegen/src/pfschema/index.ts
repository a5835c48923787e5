export type { SchemaParseResult, SchemaSource } from './parse-schema.js'
export { parseSchema, parseSchemaSources } from './parse-schema.js'
export type { SchemaFileRead } from './schema-file-reader.js'
export { MAX_SCHEMA_FILE_BYTES, readSchemaFile } from './schema-file-reader.js'
export type { FormatResult } from './schema-formatter.js'
export { formatSchema } from './schema-formatter.js'
export { loadSchema, PFSCHEMA_EXTENSION } from './schema-loader.js'
export type {
  AttributeSymbol,
  ConfigEntrySymbol,
  DeclarationSymbol,
  FieldSymbol,
  FieldTypeSymbol,
  SchemaSymbols,
  SymbolReference,
  SymbolSpan,
  SymbolTarget,
} from './schema-symbols.js'
export {
  BLOCK_ATTRIBUTES,
  CONFIG_KEYS,
  collectSchemaSymbols,
  ENTITY_ATTRIBUTES,
  FIELD_ATTRIBUTES,
  STORAGE_FORMATS,
} from './schema-symbols.js'
export type { DecodedSchemaText } from './schema-text-decoder.js'
export { decodeSchemaText } from './schema-text-decoder.js'
export { defaultStoragePath } from './storage-path.js'
