/** Why the spec oracle refused a table: a stable `code` and a message naming the table, version or file. */
export type SpecOracleErrorCode =
  | 'no-log'
  | 'version-gap'
  | 'version-missing'
  | 'missing-protocol'
  | 'missing-metadata'
  | 'unsupported-reader-version'
  | 'unsupported-reader-feature'
  | 'bad-deletion-vector'
  | 'bad-path'
  | 'missing-data-file'

/** The oracle's only error type, so tests can tell a refusal from a bug in the oracle. */
export class SpecOracleError extends Error {
  override readonly name = 'SpecOracleError'
  constructor(
    readonly code: SpecOracleErrorCode,
    message: string,
  ) {
    super(message)
  }
}
