/** One command-line flag. */
export interface OptionSpec {
  /** Long name without dashes: `schema` for `--schema`. */
  readonly name: string
  /** One-letter alias without the dash: `s` for `-s`. */
  readonly short?: string
  /** `string` flags take a value (`--out DIR` or `--out=DIR`); `boolean` flags take none. */
  readonly type: 'string' | 'boolean'
  /** A `string` flag that may be given more than once; its values are collected in order. Default false. */
  readonly multiple?: boolean
  /** Placeholder shown in help: `--out DIR`. Default `VALUE`. */
  readonly valueName?: string
  /** One line for `--help`. */
  readonly description: string
}

/** One positional argument. */
export interface PositionalSpec {
  readonly name: string
  readonly required: boolean
  readonly description: string
}

/** The flags every command accepts. */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  { name: 'help', short: 'h', type: 'boolean', description: 'Show help for this command' },
  {
    name: 'debug',
    type: 'boolean',
    description: 'Print stack traces of internal errors (also PARQUETFRAME_VERBOSE=1)',
  },
]
