// Public API of @parquetframe/cli: the `pf` entry point and its pure parts, for tests and tools.

export { type ParsedArgv, parseArgv } from './args/argv-parser.js'
export type { OptionSpec, PositionalSpec } from './args/option-spec.js'
export { CliError, UsageError } from './cli/cli-error.js'
export type { CliIo, OutputSink } from './cli/cli-io.js'
export { ExitCode } from './cli/exit-code.js'
export type { AnyCommand, BoundCommand, Command, CommandHandler, ResolveInput } from './commands/command.js'
export { COMMANDS } from './commands/command-registry.js'
export { type FileConfig, parseFileConfig } from './config/file-config.js'
export { loadFileConfig } from './config/load-file-config.js'
export {
  completeSettings,
  layerSettings,
  type PartialSettings,
  type ProjectSettings,
  type Setting,
  type SettingSource,
} from './config/project-settings.js'
export { isDebug, type Resolution, resolveOptions } from './config/resolve-options.js'
export { cliVersion, main, reportError } from './main.js'
