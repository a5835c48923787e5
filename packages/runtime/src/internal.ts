// @parquetframe/runtime/internal: what the CLI, codegen and language server use besides the public API (index.ts).
// Not for apps: these names may change in any release. test/packaging/public-api.test.ts lists them.

export { type ProjectSettings, withProjectSettings } from './config/index.js'
export { describeParquetFile, type ParquetFileFacts } from './engine/index.js'
export { entryOf, type RegisteredEntity } from './entity/index.js'
export { type AvroContainerHeader, arrowColumnTypes, readContainerHeader } from './format/index.js'
