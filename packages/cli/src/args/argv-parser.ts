import { closestName } from '@parquetframe/runtime/schema'
import { UsageError } from '../cli/cli-error.js'
import type { OptionSpec } from './option-spec.js'

/**
 * Flags by long name (`true` for a boolean flag that was given, a list for a `multiple` flag) and the positional
 * arguments, in order.
 */
export interface ParsedArgv {
  readonly values: Readonly<Record<string, string | boolean | readonly string[]>>
  readonly positionals: readonly string[]
}

/**
 * Parses `argv` against the given flags: `--name value`, `--name=value`, `-n value`, `--` ends the flags.
 * Throws UsageError naming the flag for an unknown flag, a missing value, a repeated flag (unless `multiple`) or
 * a value given to a boolean flag. `command` names the command in messages (`pf generate`).
 */
export function parseArgv(
  argv: readonly string[],
  specs: readonly OptionSpec[],
  command?: string,
): ParsedArgv {
  const byLong = new Map(specs.map((s) => [s.name, s]))
  const byShort = new Map(specs.flatMap((s) => (s.short ? [[s.short, s] as const] : [])))
  const values: Record<string, string | boolean | string[]> = {}
  const positionals: string[] = []
  const where = command ? ` for "pf ${command}"` : ''

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1))
      break
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg)
      continue
    }
    const long = arg.startsWith('--')
    const eq = arg.indexOf('=')
    const key = long ? arg.slice(2, eq === -1 ? undefined : eq) : arg.slice(1, eq === -1 ? undefined : eq)
    const inline = eq === -1 ? undefined : arg.slice(eq + 1)
    const spec = long ? byLong.get(key) : byShort.get(key)
    const shown = long ? `--${key}` : `-${key}`
    if (!spec) throw new UsageError(`Unknown option ${shown}${where}${didYouMean(key, long, specs)}`, command)
    if (Object.hasOwn(values, spec.name) && !spec.multiple)
      throw new UsageError(`Option --${spec.name} is given twice`, command)
    if (spec.type === 'boolean') {
      if (inline !== undefined)
        throw new UsageError(`Option --${spec.name} takes no value (got "${inline}")`, command)
      values[spec.name] = true
      continue
    }
    let value = inline
    if (value === undefined) {
      const next = argv[i + 1]
      if (next === undefined || (next.startsWith('-') && next !== '-')) {
        throw new UsageError(
          `Option --${spec.name} needs a value: --${spec.name} ${spec.valueName ?? 'VALUE'}`,
          command,
        )
      }
      value = next
      i++
    }
    if (value === '') throw new UsageError(`Option --${spec.name} needs a non-empty value`, command)
    if (spec.multiple) {
      const list = values[spec.name]
      values[spec.name] = Array.isArray(list) ? [...list, value] : [value]
    } else values[spec.name] = value
  }
  return { values, positionals }
}

/** ". Did you mean --schema?" for a long flag one or two edits from a real one; "" otherwise. */
function didYouMean(key: string, long: boolean, specs: readonly OptionSpec[]): string {
  const best = long
    ? closestName(
        key,
        specs.map((s) => s.name),
      )
    : undefined
  return best === undefined ? '' : `. Did you mean --${best}?`
}
