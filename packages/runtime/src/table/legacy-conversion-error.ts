import { ParquetFrameError } from '../errors/pf-error.js'

/**
 * Converting a parquetframe 0.1 table (`_pf_log/`) to a Delta table failed: a damaged 0.1 log entry, a data file
 * that does not match its log, an undecided transaction, or rows the new table would read differently. The 0.1
 * table is as it was (convert again once the cause is fixed).
 */
export class LegacyConversionError extends ParquetFrameError {
  constructor(
    /** The table folder. */
    readonly path: string,
    /** What failed, naming the file or version. */
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      'PF_TABLE_LEGACY_CONVERSION',
      `Cannot convert the parquetframe 0.1 table at ${path}: ${detail}. The 0.1 table is unchanged`,
      options,
    )
  }
}
