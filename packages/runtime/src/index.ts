// Public API of @parquetframe/runtime. Each layer lists its exports in its own index.ts.
export * from './config/index.js'
export * from './engine/index.js'
export * from './entity/index.js'
export * from './errors/index.js'
export * from './format/index.js'
export * from './frame/index.js'
export * from './schema/index.js'
export * from './table/index.js'
