import { CliError } from '../cli/cli-error.js'

/** Contents of `pf.config.json` / `pf.config.mjs` (default export). Relative paths are relative to the file. */
export interface FileConfig {
  /** Schema file or directory of `.pfschema` files. */
  readonly schema?: string
  /** Output folder of `pf generate`. */
  readonly output?: string
  /** Base directory of entity tables. */
  readonly storage?: string
  /** Default storage format of entity tables. */
  readonly format?: 'parquet' | 'avro'
}

/** A loaded config file and where it came from. */
export interface LoadedFileConfig {
  readonly path: string
  readonly config: FileConfig
}

export const FILE_CONFIG_KEYS = ['schema', 'output', 'storage', 'format'] as const

/** Validates a config file's value (pure); throws CliError naming the file and the key. */
export function parseFileConfig(raw: unknown, file: string): FileConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new CliError('PF_CLI_CONFIG', `${file}: the configuration must be an object`)
  }
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(raw)) {
    if (!(FILE_CONFIG_KEYS as readonly string[]).includes(key)) {
      throw new CliError(
        'PF_CLI_CONFIG',
        `${file}: unknown key "${key}". Valid keys: ${FILE_CONFIG_KEYS.join(', ')}`,
      )
    }
    if (value === undefined) continue
    if (typeof value !== 'string' || value === '') {
      throw new CliError(
        'PF_CLI_CONFIG',
        `${file}: "${key}" must be a non-empty string, got ${JSON.stringify(value)}`,
      )
    }
    if (key === 'format' && value !== 'parquet' && value !== 'avro') {
      throw new CliError('PF_CLI_CONFIG', `${file}: "format" must be "parquet" or "avro", got "${value}"`)
    }
    out[key] = value
  }
  return out as FileConfig
}
