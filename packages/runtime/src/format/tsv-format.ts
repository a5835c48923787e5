import { delimitedFormat } from './delimited-format.js'

/** Tab-separated values with a header row, through polars. */
export const tsvFormat = delimitedFormat({ name: 'tsv', extensions: ['.tsv'], separator: '\t' })
