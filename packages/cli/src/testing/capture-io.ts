import type { CliIo } from '../cli/cli-io.js'

/** An in-memory CliIo for tests: what the command printed, as strings. */
export interface CapturedIo extends CliIo {
  readonly out: () => string
  readonly err: () => string
}

/** A CliIo whose stdout/stderr are buffers (not TTYs), with the given cwd and environment. */
export function captureIo(
  cwd: string,
  env: Record<string, string | undefined> = {},
  options: { signal?: AbortSignal; tty?: boolean } = {},
): CapturedIo {
  let out = ''
  let err = ''
  return {
    cwd,
    env,
    stdout: {
      write: (t: string) => {
        out += t
      },
      isTTY: options.tty ?? false,
    },
    stderr: {
      write: (t: string) => {
        err += t
      },
      isTTY: options.tty ?? false,
    },
    ...(options.signal ? { signal: options.signal } : {}),
    out: () => out,
    err: () => err,
  }
}
