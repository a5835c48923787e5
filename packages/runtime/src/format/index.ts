export { csvFormat } from './csv-format.js'
export { DELIMITED_INFER_SCHEMA_ROWS, type DelimitedFormatSpec, delimitedFormat } from './delimited-format.js'
export {
  formatForPath,
  getFormat,
  listFormats,
  registerFormat,
  supportedExtensions,
} from './format-registry.js'
export { ipcFormat } from './ipc-format.js'
export { NDJSON_INFER_SCHEMA_ROWS, ndjsonFormat } from './ndjson-format.js'
export { parquetFormat } from './parquet-format.js'
export type * from './storage-format.js'
export { tsvFormat } from './tsv-format.js'
