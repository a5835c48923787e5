export { arrowColumnTypes } from './arrow-values.js'
export { AVRO_CODECS, type AvroCodec, avroCodec, compressBlock, decompressBlock } from './avro-codecs.js'
export {
  type AvroBlock,
  AvroContainerError,
  type AvroContainerHeader,
  AvroContainerWriter,
  readContainerBlocks,
  readContainerHeader,
} from './avro-container.js'
export { avroSchemaForEntity } from './avro-entity-schema.js'
export { avroFormat, avroWriteSchema } from './avro-format.js'
export { decodeAvroFrame } from './avro-frame-reader.js'
export { AVRO_BLOCK_BYTES, encodeAvroFrame } from './avro-frame-writer.js'
export { type AvroColumnMapping, avroColumnMapping } from './avro-polars-types.js'
export { avroTypeForDtype, DEFAULT_AVRO_RECORD_NAME, inferAvroSchema } from './avro-schema-inference.js'
export type * from './avro-schema-types.js'
export { isValidAvroName, toAvroName } from './avro-schema-types.js'
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
export { SnappyError, snappyCompress, snappyDecompress } from './snappy.js'
export type * from './storage-format.js'
export { tsvFormat } from './tsv-format.js'
