// `pf` run in-process as tests feed it argv: the exit code and what it printed.
import { main } from '../main.js'
import { captureIo } from './capture-io.js'

/** What one `pf` command line returned and printed. */
export interface MainResult {
  readonly code: number
  readonly out: string
  readonly err: string
}

/** Runs `main(argv)` in `cwd` with the given environment (else none), stdout and stderr captured. */
export async function runMain(
  cwd: string,
  argv: readonly string[],
  env: Record<string, string> = {},
): Promise<MainResult> {
  const io = captureIo(cwd, env)
  const code = await main(argv, io)
  return { code, out: io.out(), err: io.err() }
}
