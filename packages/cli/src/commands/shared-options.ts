import type { ParsedArgv } from '../args/argv-parser.js'
import type { OptionSpec, PositionalSpec } from '../args/option-spec.js'
import { UsageError } from '../cli/cli-error.js'
import { layerSettings, type PartialSettings } from '../config/project-settings.js'
import type { ResolveInput } from './command.js'

export const SCHEMA_OPTION: OptionSpec = {
  name: 'schema',
  short: 's',
  type: 'string',
  valueName: 'PATH',
  description: 'Schema file, or folder of .pfschema files (default: ./schema.pfschema, else ./schema/)',
}

export const STORAGE_OPTION: OptionSpec = {
  name: 'storage',
  type: 'string',
  valueName: 'DIR',
  description: "Base directory of entity tables (default: the schema's config, else .)",
}

/** The value of a string flag, if given. */
export function stringFlag(argv: ParsedArgv, name: string): string | undefined {
  const value = argv.values[name]
  return typeof value === 'string' ? value : undefined
}

/** True when a boolean flag was given. */
export function booleanFlag(argv: ParsedArgv, name: string): boolean {
  return argv.values[name] === true
}

/** Checks the positional count against the specs; returns them by name. Throws UsageError on extras or gaps. */
export function positionals(
  argv: ParsedArgv,
  specs: readonly PositionalSpec[],
  command: string,
): Record<string, string | undefined> {
  if (argv.positionals.length > specs.length) {
    const extra = argv.positionals[specs.length]
    throw new UsageError(`Unexpected argument "${extra}" for "pf ${command}"`, command)
  }
  const out: Record<string, string | undefined> = {}
  specs.forEach((spec, i) => {
    const value = argv.positionals[i]
    if (value === undefined && spec.required) {
      throw new UsageError(`Missing argument ${spec.name.toUpperCase()} for "pf ${command}"`, command)
    }
    out[spec.name] = value
  })
  return out
}

/** Project settings from `--schema` / `--out` / `--storage` / `--format`, the environment and the config file. */
export function projectSettings(
  input: ResolveInput,
  settingFlags: readonly ('schema' | 'out' | 'storage' | 'format')[] = ['schema', 'out', 'storage', 'format'],
): PartialSettings {
  const flags: Record<string, string> = {}
  for (const flag of settingFlags) {
    const key = flag === 'out' ? 'output' : flag
    const value = stringFlag(input.argv, flag)
    if (value !== undefined) flags[key] = value
  }
  return layerSettings(flags, input.env, input.fileConfig)
}
