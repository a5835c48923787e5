import { GLOBAL_OPTIONS, type OptionSpec } from '../args/option-spec.js'
import type { AnyCommand } from './command.js'
import { COMMAND_GROUPS, COMMANDS, groupCommands } from './command-registry.js'

const PRECEDENCE =
  'Settings, highest first: flags > PARQUETFRAME_* variables > pf.config.json / pf.config.mjs > the\n' +
  "schema's config { } block > defaults. See docs/cli.md."

/** `pf --help`. */
export function mainHelp(): string {
  const rows = COMMANDS.map((c) => [usageName(c), c.summary] as const)
  return [
    'pf — the parquetframe command line',
    '',
    'Usage: pf <command> [options]',
    '',
    'Commands:',
    table(rows),
    '',
    'Options:',
    table([
      ['-h, --help', 'Show help (also "pf <command> --help")'],
      ['-v, --version', 'Print the version'],
      ['--debug', 'Print stack traces of internal errors (also PARQUETFRAME_VERBOSE=1)'],
    ]),
    '',
    PRECEDENCE,
    'Exit codes: 0 success, 1 user error (arguments, schema, files), 2 internal error.',
    '',
  ].join('\n')
}

/** `pf <command> --help`. */
export function commandHelp(command: AnyCommand): string {
  const options = [...command.options, ...GLOBAL_OPTIONS]
  const lines = [`pf ${command.name} — ${command.summary}`, '', `Usage: ${usageLine(command)}`, '']
  if (command.description) lines.push(command.description, '')
  if (command.positionals.length > 0) {
    lines.push('Arguments:', table(command.positionals.map((p) => [p.name.toUpperCase(), p.description])), '')
  }
  lines.push('Options:', table(options.map((o) => [flagLabel(o), o.description])), '')
  if (command.examples && command.examples.length > 0) {
    lines.push('Examples:', ...command.examples.map((e) => `  ${e}`), '')
  }
  return lines.join('\n')
}

/** `pf migrate --help`: the subcommands of a group. */
export function groupHelp(group: string): string {
  const rows = groupCommands(group).map((c) => [usageName(c), c.summary] as const)
  return [
    `pf ${group} — ${COMMAND_GROUPS[group] ?? ''}`,
    '',
    `Usage: pf ${group} <command> [options]`,
    '',
    'Commands:',
    table(rows),
    '',
    `Run "pf ${group} <command> --help" for a command's options.`,
    '',
  ].join('\n')
}

function usageName(command: AnyCommand): string {
  return [
    command.name,
    ...command.positionals.map((p) => (p.required ? p.name.toUpperCase() : `[${p.name.toUpperCase()}]`)),
  ].join(' ')
}

function usageLine(command: AnyCommand): string {
  const flags = command.options.map(
    (o) => `[${o.type === 'string' ? `--${o.name} ${o.valueName ?? 'VALUE'}` : `--${o.name}`}]`,
  )
  return ['pf', usageName(command), ...flags].join(' ')
}

function flagLabel(option: OptionSpec): string {
  const long =
    option.type === 'string' ? `--${option.name} ${option.valueName ?? 'VALUE'}` : `--${option.name}`
  return option.short ? `-${option.short}, ${long}` : `    ${long}`
}

function table(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(...rows.map(([left]) => left.length)) + 2
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`).join('\n')
}
