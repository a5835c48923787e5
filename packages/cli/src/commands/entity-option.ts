// `--entity NAME`: the one declaration and parse of the entities a command acts on (adopt, migrate …).
import type { ParsedArgv } from '../args/argv-parser.js'
import type { OptionSpec } from '../args/option-spec.js'
import { UsageError } from '../cli/cli-error.js'
import { stringFlag } from './shared-options.js'

/** The `--entity` flag; names are checked against the schema by `selectEntities` when the handler runs. */
export const ENTITY_OPTION: OptionSpec = {
  name: 'entity',
  short: 'e',
  type: 'string',
  valueName: 'NAME',
  description: 'Entity by its schema name (comma-separated for several where the command takes several)',
}

/** The entity names of `--entity A,B` in order, or undefined when the flag is absent; UsageError when it names none. */
export function entityNames(argv: ParsedArgv, command: string): readonly string[] | undefined {
  const value = stringFlag(argv, ENTITY_OPTION.name)
  if (value === undefined) return undefined
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '')
  if (names.length === 0) throw new UsageError(`Option --entity names no entity: "${value}"`, command)
  return names
}

/** The one entity of `--entity NAME`, for a command that acts on exactly one; UsageError when absent or several. */
export function oneEntityName(argv: ParsedArgv, command: string): string {
  const names = entityNames(argv, command)
  if (names === undefined) throw new UsageError('Name the entity with --entity NAME', command)
  const [name, ...more] = names
  if (name === undefined || more.length > 0) {
    throw new UsageError(
      `"pf ${command}" takes one entity, got ${names.length}: ${names.join(', ')}`,
      command,
    )
  }
  return name
}
