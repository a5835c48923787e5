import { ParquetFrameError } from '../errors/pf-error.js'

/**
 * A new data file of a column-mapped table holds a column its mapping gives no id, or its Parquet footer cannot be
 * read back to record the ids: the file is not written (a file without field ids reads as nulls in mode id).
 */
export class ParquetFieldIdError extends ParquetFrameError {
  constructor(
    readonly table: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      'PF_PARQUET_FIELD_ID',
      `Cannot write a data file of table ${table} with Parquet field ids: ${detail}`,
      options,
    )
  }
}
