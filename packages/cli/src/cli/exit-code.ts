/** Process exit codes of `pf`: 0 success, 1 a user's mistake (arguments, schema, files), 2 a bug or crash. */
export const ExitCode = {
  Ok: 0,
  UserError: 1,
  InternalError: 2,
} as const

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]
