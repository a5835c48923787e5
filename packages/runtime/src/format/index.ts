export { formatForPath, getFormat, registerFormat, supportedExtensions } from './format-registry.js'
export { parquetFormat } from './parquet-format.js'
export type * from './storage-format.js'
