import { ParquetFrameError } from '../errors/pf-error.js'

/** An index file that cannot be used (truncated, damaged, or of another data file): it is rebuilt, never trusted. */
export class IndexFileDamagedError extends ParquetFrameError {
  constructor(
    /** The index file. */
    readonly path: string,
    /** What is wrong with it. */
    readonly detail: string,
  ) {
    super('PF_INDEX_DAMAGED', `index file ${path}: ${detail}`)
  }
}
