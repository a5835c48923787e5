import type { ParsedArgv } from '../args/argv-parser.js'
import type { OptionSpec, PositionalSpec } from '../args/option-spec.js'
import type { CliIo } from '../cli/cli-io.js'
import type { FileConfig } from '../config/file-config.js'

/** What a command's option resolver sees: parsed flags, the environment and the config file. */
export interface ResolveInput {
  readonly argv: ParsedArgv
  readonly env: Readonly<Record<string, string | undefined>>
  readonly fileConfig: FileConfig | undefined
}

/** Runs a command with resolved options; returns the exit code. */
export type CommandHandler<O> = (options: O, io: CliIo) => Promise<number>

/** What `--help` and the argv parser know of a command: its name, texts and flags. */
export interface CommandInfo {
  /** `generate`, or `migrate format` for a subcommand. */
  readonly name: string
  /** One line for the command list. */
  readonly summary: string
  /** Paragraph(s) for `pf <command> --help`. */
  readonly description?: string
  readonly positionals: readonly PositionalSpec[]
  readonly options: readonly OptionSpec[]
  readonly examples?: readonly string[]
}

/**
 * One `pf` command: its flags, a pure resolver from arguments to typed options, and a handler imported
 * only when the command runs (so `pf --help` loads no polars).
 */
export interface Command<O> extends CommandInfo {
  /** Pure: arguments, environment and config file to options. Throws UsageError naming the bad flag. */
  resolve(input: ResolveInput): O
  /** Imports the handler. */
  load(): Promise<CommandHandler<O>>
}

/** A command with its option type erased, as held by the registry. */
export interface AnyCommand extends CommandInfo {
  /** Resolves options and binds them to the handler. */
  bind(input: ResolveInput): BoundCommand
}

/** A command ready to run: its resolved options (for tests and `--debug`) and a runner. */
export interface BoundCommand {
  readonly name: string
  readonly options: object
  run(io: CliIo): Promise<number>
}

/** Declares a command; keeps its option type between resolver and handler. */
export function defineCommand<O extends object>(command: Command<O>): AnyCommand {
  return {
    name: command.name,
    summary: command.summary,
    ...(command.description === undefined ? {} : { description: command.description }),
    positionals: command.positionals,
    options: command.options,
    ...(command.examples === undefined ? {} : { examples: command.examples }),
    bind(input) {
      const options = command.resolve(input)
      return {
        name: command.name,
        options,
        run: async (io) => (await command.load())(options, io),
      }
    },
  }
}
