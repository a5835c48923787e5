import type { FormatName } from '../format/storage-format.js'
import { ReadOptionError } from '../frame/frame-error.js'
import { isDeltaTable } from './delta-dataset.js'

/** What a `read()` path is: a Delta table folder (its log says which files are rows) or plain files. */
export type ReadSource = 'delta' | 'files'

/** The options of a read that depend on what the path is. */
export interface ReadSourceOptions {
  readonly format?: FormatName
  readonly version?: number
}

/**
 * Whether `path` reads as a Delta table or as plain files, for every entry taking a path (`read()`,
 * `explainEngine`): one decision, so none of them reads a Delta table's removed files as rows. ReadOptionError
 * for `version` of plain files (only a Delta table has versions) and a `format` other than Parquet of a Delta table.
 */
export async function readSourceOf(path: string, options: ReadSourceOptions = {}): Promise<ReadSource> {
  if (await isDeltaTable(path)) {
    if (options.format !== undefined && options.format !== 'parquet')
      throw new ReadOptionError(
        path,
        'format',
        `a Delta table's data files are Parquet, not ${options.format}`,
      )
    return 'delta'
  }
  if (options.version !== undefined)
    throw new ReadOptionError(
      path,
      'version',
      'not a Delta table (no _delta_log/ folder), which alone has versions',
    )
  return 'files'
}
