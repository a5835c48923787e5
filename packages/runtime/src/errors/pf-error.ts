/** Base class of every error the runtime raises on purpose. `code` is stable: branch on it. */
export class ParquetFrameError extends Error {
  readonly code: string
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
    this.code = code
  }
}

/** A path that does not exist. */
export class NotFoundError extends ParquetFrameError {
  readonly path: string
  constructor(path: string, what = 'File or directory') {
    super('PF_NOT_FOUND', `${what} not found: ${path}`)
    this.path = path
  }
}

/** A configuration key or value that is not valid. */
export class ConfigError extends ParquetFrameError {
  constructor(message: string) {
    super('PF_CONFIG', message)
  }
}

/** A file format that is unknown, or a file that cannot be read in its format. */
export class FormatError extends ParquetFrameError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PF_FORMAT', message, options)
  }
}
