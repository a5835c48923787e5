import pl from 'nodejs-polars'
import { guardRead, guardWrite } from './format-io-errors.js'
import { collectWithOptions, concatLazy } from './lazy-projection.js'
import { assertFlatColumns } from './nested-columns.js'
import type { FormatName, ReadOptions, StorageFormat, WriteOptions } from './storage-format.js'

/** Rows polars looks at to infer column types. Default 10,000 (polars' own default of 100 misreads late floats). */
export const DELIMITED_INFER_SCHEMA_ROWS = 10_000

export interface DelimitedFormatSpec {
  readonly name: Extract<FormatName, 'csv' | 'tsv'>
  readonly extensions: readonly string[]
  /** The one-character field separator. */
  readonly separator: string
}

function scanDelimited(path: string, separator: string, nRows?: number): pl.LazyDataFrame {
  return pl.scanCSV(path, {
    sep: separator,
    hasHeader: true,
    inferSchemaLength: DELIMITED_INFER_SCHEMA_ROWS,
    ignoreErrors: false,
    parseDates: true,
    raiseIfEmpty: false,
    ...(nRows !== undefined ? { nRows } : {}),
  })
}

/**
 * A header-first delimited text format read and written by polars. Datetimes are written as ISO 8601 with
 * offset and parsed back; list and struct columns are refused. Codecs are ignored (text is written plain).
 */
export function delimitedFormat(spec: DelimitedFormatSpec): StorageFormat {
  const { name, separator } = spec
  return {
    name,
    extensions: spec.extensions,
    capabilities: { typed: false, temporal: true, nested: false, emptyKeepsColumns: true },
    read(path: string, options: ReadOptions = {}) {
      return guardRead(name, path, () =>
        collectWithOptions(scanDelimited(path, separator, options.nRows), options),
      )
    },
    scan(paths: string | readonly string[]) {
      const list = typeof paths === 'string' ? [paths] : [...paths]
      return concatLazy(list.map((p) => scanDelimited(p, separator)))
    },
    write(df: pl.DataFrame, path: string, _options: WriteOptions = {}) {
      return guardWrite(name, path, () => {
        assertFlatColumns(df, name, path)
        df.writeCSV(path, { separator, includeHeader: true })
      })
    },
  }
}
