/**
 * A mistake the user can fix (bad flag, missing file, broken schema). `pf` prints the message, no stack,
 * and exits with code 1.
 */
export class CliError extends Error {
  readonly code: string
  /** Text printed after the message, e.g. rendered diagnostics or a hint. */
  readonly details: string | undefined
  constructor(code: string, message: string, options?: { details?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.code = code
    this.details = options?.details
  }
}

/**
 * A bad command line: unknown flag, missing value, unknown command. The message names the problem only: `pf` adds
 * one line saying which `--help` to read.
 */
export class UsageError extends CliError {
  /** The command whose `--help` the user should read, or undefined for `pf --help`. */
  readonly command: string | undefined
  constructor(message: string, command?: string) {
    super('PF_CLI_USAGE', message)
    this.command = command
  }
}
