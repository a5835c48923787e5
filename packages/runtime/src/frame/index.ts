export { Frame } from './frame.js'
export { FrameError, ReadOptionError } from './frame-error.js'
export { FrameGroupBy } from './frame-group-by.js'
export type {
  ColumnRef,
  GroupByOptions,
  JoinOptions,
  ReadFrameOptions,
  SortOptions,
  ToAvroOptions,
  UniqueOptions,
  WriteFrameOptions,
} from './frame-options.js'
export { read, readAvro, readCsv, readIpc, readNdjson, readParquet, readTsv } from './read-frame.js'
export { dataFrameToRecords } from './records-converter.js'
