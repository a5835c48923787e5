// Public API of @parquetframe/codegen.

export * from './classes/index.js'
export * from './diagnostics/index.js'
export * from './emit/index.js'
export * from './pfschema/index.js'
