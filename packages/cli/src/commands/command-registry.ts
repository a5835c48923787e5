import { adoptCommand } from './adopt-command.js'
import type { AnyCommand } from './command.js'
import { diagramCommand } from './diagram-command.js'
import { formatCommand } from './format-command.js'
import { generateCommand } from './generate-command.js'
import { initCommand } from './init-command.js'
import { inspectCommand } from './inspect-command.js'
import { lspCommand } from './lsp-command.js'
import {
  migrateApplyCommand,
  migrateFormatCommand,
  migrateLegacyCommand,
  migratePlanCommand,
  migrateStatusCommand,
} from './migrate-commands.js'
import { validateCommand } from './validate-command.js'

/** Every command, in the order `pf --help` lists them. */
export const COMMANDS: readonly AnyCommand[] = [
  initCommand,
  generateCommand,
  validateCommand,
  formatCommand,
  diagramCommand,
  inspectCommand,
  migrateFormatCommand,
  migratePlanCommand,
  migrateApplyCommand,
  migrateStatusCommand,
  migrateLegacyCommand,
  adoptCommand,
  lspCommand,
]

/** Words that only group subcommands (`pf migrate format`). */
export const COMMAND_GROUPS: Readonly<Record<string, string>> = {
  migrate: 'Storage-format and schema migrations of entity tables',
}

/** The command with this exact name (`migrate format`). */
export function findCommand(name: string): AnyCommand | undefined {
  return COMMANDS.find((c) => c.name === name)
}

/** Commands in a group (`migrate` → `migrate format`, `migrate plan` …). */
export function groupCommands(group: string): AnyCommand[] {
  return COMMANDS.filter((c) => c.name.startsWith(`${group} `))
}
