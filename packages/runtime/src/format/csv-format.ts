import { delimitedFormat } from './delimited-format.js'

/** Comma-separated values with a header row, through polars. */
export const csvFormat = delimitedFormat({ name: 'csv', extensions: ['.csv'], separator: ',' })
