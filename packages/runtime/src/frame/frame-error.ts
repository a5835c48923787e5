import { ParquetFrameError } from '../errors/pf-error.js'

/** A frame operation used wrongly (an unknown column, a join without keys, …). */
export class FrameError extends ParquetFrameError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PF_FRAME', message, options)
  }
}

/** A `read()` option that does not apply to the path: `version` of a plain file or folder, `format` of a Delta table. */
export class ReadOptionError extends ParquetFrameError {
  constructor(
    readonly path: string,
    readonly option: 'version' | 'format',
    detail: string,
  ) {
    super('PF_READ_OPTION', `read ${path}: option ${option}: ${detail}`)
  }
}
