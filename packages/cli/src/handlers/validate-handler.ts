import { CliError } from '../cli/cli-error.js'
import type { CommandHandler } from '../commands/command.js'
import type { ValidateOptions } from '../commands/validate-command.js'

/** Not available yet: waits for the runtime/codegen pieces it builds on. */
export const validateHandler: CommandHandler<ValidateOptions> = async () => {
  throw new CliError('PF_CLI_UNAVAILABLE', 'This command is not available yet in this build')
}
