export * from './schema-ir.js'
