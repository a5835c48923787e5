import { CliError } from '../cli/cli-error.js'
import type { CommandHandler } from '../commands/command.js'
import type { GenerateOptions } from '../commands/generate-command.js'

/** Not available yet: waits for the runtime/codegen pieces it builds on. */
export const generateHandler: CommandHandler<GenerateOptions> = async () => {
  throw new CliError('PF_CLI_UNAVAILABLE', 'This command is not available yet in this build')
}
