import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'

/** The real `bin/pf.js`. */
export const PF_BIN = fileURLToPath(new URL('../../bin/pf.js', import.meta.url))

/**
 * Starts the real `pf` binary on the TypeScript sources (tsx, `@parquetframe/source` condition), so it runs
 * on a fresh clone without a build and always tests the current code.
 */
export function spawnPf(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string> },
): ChildProcessWithoutNullStreams {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
  const env: Record<string, string | undefined> = { ...process.env, ...options.env }
  delete env.PARQUETFRAME_VERBOSE
  delete env.NODE_OPTIONS
  // The test's own terminal settings must not colour the output it compares; a test sets them to test colour.
  if (options.env?.FORCE_COLOR === undefined) delete env.FORCE_COLOR
  if (options.env?.NO_COLOR === undefined) delete env.NO_COLOR
  return spawn(process.execPath, ['--conditions=@parquetframe/source', '--import', tsx, PF_BIN, ...args], {
    cwd: options.cwd,
    env,
  })
}

/** Output collected from a spawned `pf`. */
export interface PfOutput {
  stdout: string
  stderr: string
}

/** Collects a child's stdout and stderr as strings while it runs. */
export function collectOutput(child: ChildProcessWithoutNullStreams): PfOutput {
  const output: PfOutput = { stdout: '', stderr: '' }
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output.stdout += chunk
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    output.stderr += chunk
  })
  return output
}

/** Resolves with the exit code (or the signal name) when the child ends. */
export function exited(child: ChildProcessWithoutNullStreams): Promise<number | string> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode)
    else child.once('exit', (code, signal) => resolve(code ?? signal ?? -1))
  })
}

/** Runs `pf` to completion. */
export async function runPf(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<PfOutput & { code: number | string }> {
  const child = spawnPf(args, options)
  const output = collectOutput(child)
  const code = await exited(child)
  return { ...output, code }
}
