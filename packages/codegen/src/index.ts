// Public API of @parquetframe/codegen. The decorated-classes front-end (ts-morph, slow to load) is the
// separate entry point `@parquetframe/codegen/classes`.

export * from './diagnostics/index.js'
export * from './emit/index.js'
export * from './pfschema/index.js'
