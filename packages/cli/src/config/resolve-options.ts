import { closestName } from '@parquetframe/runtime/schema'
import { parseArgv } from '../args/argv-parser.js'
import { GLOBAL_OPTIONS } from '../args/option-spec.js'
import { UsageError } from '../cli/cli-error.js'
import type { BoundCommand } from '../commands/command.js'
import { COMMAND_GROUPS, COMMANDS, findCommand } from '../commands/command-registry.js'
import { commandHelp, groupHelp, mainHelp } from '../commands/help-text.js'
import type { FileConfig } from './file-config.js'

/** What the command line asks for: help text, the version, or a command with resolved options. */
export type Resolution =
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'version' }
  | { readonly kind: 'run'; readonly command: BoundCommand; readonly debug: boolean }

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on'])

/** True with `--debug` or PARQUETFRAME_VERBOSE=1|true|yes|on: internal errors print their stack. */
export function isDebug(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): boolean {
  const end = argv.indexOf('--')
  const flags = end === -1 ? argv : argv.slice(0, end)
  return flags.includes('--debug') || TRUE_WORDS.has((env.PARQUETFRAME_VERBOSE ?? '').trim().toLowerCase())
}

/**
 * Resolves a command line (pure): finds the command, parses its flags and layers settings
 * (flags > environment > config file; the schema's config block is applied later, once it is read).
 * Throws UsageError naming the bad command or flag.
 */
export function resolveOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
  fileConfig?: FileConfig,
): Resolution {
  const start = argv.findIndex((a) => !a.startsWith('-'))
  const leading = start === -1 ? argv : argv.slice(0, start)
  for (const flag of leading) {
    if (!['--help', '-h', '--version', '-v', '--debug', '--'].includes(flag)) {
      const given = flag.split('=')[0] as string
      const best = closestName(given, ['--help', '--version', '--debug'])
      const hint = best ? ` Did you mean ${best}?` : ''
      throw new UsageError(`Unknown option ${given}.${hint}`)
    }
  }
  if (start === -1 || leading.includes('--')) {
    if (leading.includes('--version') || leading.includes('-v')) return { kind: 'version' }
    return { kind: 'help', text: mainHelp() }
  }
  if (leading.includes('--version') || leading.includes('-v')) {
    throw new UsageError('--version takes no command: run "pf --version"')
  }

  const word = argv[start] as string
  let name = word
  let rest = argv.slice(start + 1)
  if (Object.hasOwn(COMMAND_GROUPS, word)) {
    const sub = rest[0]
    if (sub === undefined || sub.startsWith('-')) {
      if (sub === undefined || wantsHelp(rest)) return { kind: 'help', text: groupHelp(word) }
      throw new UsageError(`"pf ${word}" needs a command`, word)
    }
    name = `${word} ${sub}`
    rest = rest.slice(1)
  }
  const command = findCommand(name)
  if (!command) throw new UsageError(unknownCommandMessage(name))
  if (leading.includes('--help') || leading.includes('-h') || wantsHelp(rest)) {
    return { kind: 'help', text: commandHelp(command) }
  }
  const parsed = parseArgv(rest, [...command.options, ...GLOBAL_OPTIONS], command.name)
  return { kind: 'run', command: command.bind({ argv: parsed, env, fileConfig }), debug: isDebug(argv, env) }
}

function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--')
  return (end === -1 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h')
}

function unknownCommandMessage(name: string): string {
  const best = closestName(name, [...COMMANDS.map((c) => c.name), ...Object.keys(COMMAND_GROUPS)])
  const hint = best ? ` Did you mean "pf ${best}"?` : ''
  return `Unknown command "${name}".${hint}`
}
