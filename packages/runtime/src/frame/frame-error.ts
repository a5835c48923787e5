import { ParquetFrameError } from '../errors/pf-error.js'

/** A frame operation used wrongly (an unknown column, a join without keys, …). */
export class FrameError extends ParquetFrameError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PF_FRAME', message, options)
  }
}
