import { readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { CliError, UsageError } from './cli/cli-error.js'
import { type CliIo, processIo } from './cli/cli-io.js'
import { withColour } from './cli/colour.js'
import { ExitCode } from './cli/exit-code.js'
import { type FileConfig, type LoadedFileConfig, rebaseFileConfig } from './config/file-config.js'
import { loadFileConfig } from './config/load-file-config.js'
import { findProjectDir } from './config/project-dir.js'
import { isDebug, resolveOptions } from './config/resolve-options.js'

/** The CLI's version, from its package.json. */
export function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
  return pkg.version
}

/**
 * Runs `pf` with the given arguments (without `node` and the script) and returns the exit code:
 * 0 success, 1 user error, 2 internal error. Without `io` it uses the real process and stops
 * long-running commands on SIGINT/SIGTERM.
 */
export async function main(argv: readonly string[], io?: CliIo): Promise<number> {
  if (io) return run(argv, io)
  const controller = new AbortController()
  const stop = () => controller.abort()
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  try {
    return await run(argv, processIo(controller.signal))
  } finally {
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
  }
}

async function run(argv: readonly string[], plainIo: CliIo): Promise<number> {
  const io = withColour(plainIo) // at the edge: every message on stderr, coloured only on a terminal
  const debug = isDebug(argv, io.env)
  try {
    let loaded: LoadedFileConfig | undefined
    let configError: unknown
    try {
      // From a subfolder too: the config file of the nearest folder that looks like a project (like git).
      loaded = await loadFileConfig((await findProjectDir(io.cwd)) ?? io.cwd)
    } catch (error) {
      configError = error // `pf --help` and `pf --version` work even with a broken config file
    }
    const fileConfig = loaded && {
      ...rebaseFileConfig(loaded.config, dirname(loaded.path)),
      path: loaded.path,
    }
    const resolution = resolveOptions(argv, io.env, fileConfig)
    if (resolution.kind === 'help') {
      io.stdout.write(resolution.text)
      return ExitCode.Ok
    }
    if (resolution.kind === 'version') {
      io.stdout.write(`${cliVersion()}\n`)
      return ExitCode.Ok
    }
    if (configError !== undefined) throw configError
    return await withFileSettings(fileConfig, () => resolution.command.run(io))
  } catch (error) {
    return reportError(error, io, debug)
  }
}

/**
 * Runs a command with the config file's runtime settings (`updateMode`, `engine` …) in effect, below variables, as
 * in the project's apps. The runtime is loaded only when the file has some (`pf --help` loads no polars).
 */
async function withFileSettings<T>(fileConfig: FileConfig | undefined, run: () => Promise<T>): Promise<T> {
  const values = fileConfig?.runtime
  if (values === undefined || fileConfig?.path === undefined) return run()
  const { withProjectSettings } = await import('@parquetframe/runtime/internal')
  return withProjectSettings({ file: fileConfig.path, values }, run)
}

/** Prints an error the way the CLI does and returns its exit code. */
export function reportError(error: unknown, io: CliIo, debug: boolean): number {
  if (error instanceof CliError || isUserFacingError(error)) {
    io.stderr.write(`error: ${error.message}\n`)
    if (error instanceof CliError && error.details) io.stderr.write(ensureNewline(error.details))
    if (error instanceof UsageError) {
      io.stderr.write(`Run "pf ${error.command ? `${error.command} ` : ''}--help" for usage.\n`)
    }
    if (debug && error.stack) io.stderr.write(ensureNewline(error.stack))
    return ExitCode.UserError
  }
  const message = error instanceof Error ? error.message : String(error)
  io.stderr.write(`internal error: ${message}\n`)
  if (debug) {
    if (error instanceof Error && error.stack) io.stderr.write(ensureNewline(error.stack))
  } else {
    io.stderr.write(
      'Run again with --debug (or PARQUETFRAME_VERBOSE=1) for the stack trace, and report it.\n',
    )
  }
  return ExitCode.InternalError
}

/**
 * Runtime errors raised on purpose (ParquetFrameError: stable `PF_*` code) and file-system errors naming a
 * path (ENOENT, EACCES …) are the user's to fix. Duck-typed so `pf --help` does not load the runtime.
 */
function isUserFacingError(error: unknown): error is Error {
  if (!(error instanceof Error)) return false
  const { code, path } = error as Error & { code?: unknown; path?: unknown }
  return typeof code === 'string' && (code.startsWith('PF_') || typeof path === 'string')
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`
}
