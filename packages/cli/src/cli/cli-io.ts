/** Where output goes: a stream or a test's buffer. */
export interface OutputSink {
  write(text: string): void
  /** True when the sink is an interactive terminal (progress bars only there). */
  readonly isTTY?: boolean
}

/** Everything a command may touch outside its arguments: injected so commands run in-process in tests. */
export interface CliIo {
  readonly stdout: OutputSink
  readonly stderr: OutputSink
  readonly cwd: string
  readonly env: Readonly<Record<string, string | undefined>>
  /** Aborted on SIGINT/SIGTERM (long-running commands stop cleanly). */
  readonly signal?: AbortSignal
}

/** The real process: stdout, stderr, cwd and environment. */
export function processIo(signal?: AbortSignal): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    env: process.env,
    ...(signal ? { signal } : {}),
  }
}
