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

export const CLASSES_OPTION: OptionSpec = {
  name: 'classes',
  short: 'c',
  type: 'string',
  multiple: true,
  valueName: 'GLOB',
  description: "Decorated-class files or quoted globs instead of a schema (repeatable): 'src/models/*.ts'",
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

/** The values of a `multiple` string flag, in order; empty when not given. */
export function stringListFlag(argv: ParsedArgv, name: string): readonly string[] {
  const value = argv.values[name]
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : []
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
    // `--classes src/*.ts` unquoted: the shell expanded the glob, and the files after the first are positionals.
    const hint = Object.hasOwn(argv.values, 'classes')
      ? ". Quote glob patterns (--classes 'src/models/*.ts') or repeat --classes for each file"
      : ''
    throw new UsageError(`Unexpected argument "${extra}" for "pf ${command}"${hint}`, command)
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

/**
 * Project settings from `--schema` / `--classes` / `--out` / `--storage` / `--format`, the environment and the
 * config file.
 */
export function projectSettings(
  input: ResolveInput,
  settingFlags: readonly ('schema' | 'classes' | 'out' | 'storage' | 'format')[] = [
    'schema',
    'out',
    'storage',
    'format',
  ],
): PartialSettings {
  const flags: Record<string, string> = {}
  for (const flag of settingFlags) {
    if (flag === 'classes') continue
    const key = flag === 'out' ? 'output' : flag
    const value = stringFlag(input.argv, flag)
    if (value !== undefined) flags[key] = value
  }
  const classes = settingFlags.includes('classes') ? stringListFlag(input.argv, 'classes') : []
  return layerSettings(classes.length > 0 ? { ...flags, classes } : flags, input.env, input.fileConfig)
}
