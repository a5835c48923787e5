import { ParquetFrameError } from '../errors/pf-error.js'

/** A checkpoint that cannot be written or read: names the file (or "checkpoint") and the column (`add.size`). */
export class CheckpointFormatError extends ParquetFrameError {
  constructor(
    /** The checkpoint file the caller named, or "checkpoint". */
    readonly file: string,
    /** The column path at fault (`add.size`), when one is. */
    readonly column: string | undefined,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      'PF_DELTA_CHECKPOINT',
      `Delta checkpoint ${file}${column === undefined ? '' : `, ${column}`}: ${detail}`,
      options,
    )
  }
}
