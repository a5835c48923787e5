import { isAbsolute, resolve } from 'node:path'
import type { SchemaConfigIR, StorageFormatName } from '@parquetframe/runtime/schema'
import { UsageError } from '../cli/cli-error.js'
import type { FileConfig } from './file-config.js'

/** Where a setting's value came from: a flag (`--out`), a variable, a config file, the schema, or the default. */
export type SettingSource = `--${string}` | `$${string}` | 'config file' | 'schema config' | 'default'

export interface Setting<T> {
  readonly value: T
  readonly source: SettingSource
}

/** Project settings before the schema is read (each absent when no flag, variable or config file set it). */
export interface PartialSettings {
  readonly schema?: Setting<string>
  /** Decorated-class files or globs read instead of a `.pfschema` schema; never set together with `schema`. */
  readonly classes?: Setting<readonly string[]>
  readonly output?: Setting<string>
  readonly storage?: Setting<string>
  readonly format?: Setting<StorageFormatName>
}

/** Project settings after the schema's `config {}` block and the defaults fill the gaps; paths are absolute. */
export interface ProjectSettings {
  /** The schema file or folder; for a class-first project, the folder its class patterns start from. */
  readonly schema: Setting<string>
  /** Decorated-class files or globs (relative to the working directory), for a class-first project. */
  readonly classes?: Setting<readonly string[]>
  readonly output: Setting<string>
  readonly storage: Setting<string>
  readonly format: Setting<StorageFormatName>
}

/** Environment variables read by the CLI, by setting. */
export const SETTING_ENV_VARS = {
  schema: 'PARQUETFRAME_SCHEMA',
  output: 'PARQUETFRAME_OUTPUT',
  storage: 'PARQUETFRAME_ENTITY_BASE_PATH',
  format: 'PARQUETFRAME_ENTITY_FORMAT',
} as const

/** Defaults when nothing sets a value. Paths relative to the project folder (see findProjectDir). */
export const SETTING_DEFAULTS = {
  output: './src/generated',
  storage: '.',
  format: 'parquet',
} as const

type Key = keyof typeof SETTING_ENV_VARS

/** Values of the setting flags, when given. */
export type SettingFlags = Readonly<Partial<Record<Key, string>>> & { readonly classes?: readonly string[] }

/**
 * Layers flags > environment > config file (pure). `flags` holds the values of `--schema` etc. if given. The
 * schema's location is one setting with two forms, `schema` or `classes`: the higher-placed one wins, and
 * `--schema` with `--classes` is a UsageError.
 */
export function layerSettings(
  flags: SettingFlags,
  env: Readonly<Record<string, string | undefined>>,
  fileConfig: FileConfig | undefined,
): PartialSettings {
  const out: Record<string, Setting<string> | Setting<readonly string[]>> = {}
  for (const key of Object.keys(SETTING_ENV_VARS) as Key[]) {
    const flag = flags[key]
    const envName = SETTING_ENV_VARS[key]
    const envValue = env[envName]?.trim()
    const fileValue = fileConfig?.[key]
    if (flag !== undefined) out[key] = { value: flag, source: `--${key === 'output' ? 'out' : key}` }
    else if (envValue) out[key] = { value: envValue, source: `$${envName}` }
    else if (fileValue !== undefined) out[key] = { value: fileValue, source: 'config file' }
  }
  if (flags.classes !== undefined && flags.classes.length > 0) {
    if (out.schema?.source === '--schema') throw new UsageError('Give --schema or --classes, not both')
    delete out.schema
    out.classes = { value: flags.classes, source: '--classes' }
  } else if (fileConfig?.classes !== undefined && out.schema === undefined) {
    out.classes = { value: fileConfig.classes, source: 'config file' }
  }
  const format = out.format as Setting<string> | undefined
  if (format && format.value !== 'parquet' && format.value !== 'avro') {
    throw new UsageError(`Format must be "parquet" or "avro", got "${format.value}" (from ${format.source})`)
  }
  return out as PartialSettings
}

/**
 * Fills the gaps from the schema's `config {}` block, then the defaults, and makes paths absolute (pure):
 * flags and variables are relative to `cwd` (config-file paths are already absolute: see rebaseFileConfig);
 * schema-config paths to the schema's folder; defaults to the project folder (`projectDir`, else `cwd`).
 */
export function completeSettings(
  partial: PartialSettings,
  schemaConfig: SchemaConfigIR,
  dirs: {
    readonly cwd: string
    readonly schemaPath: string
    readonly schemaDir: string
    readonly projectDir?: string
  },
): ProjectSettings {
  const abs = (s: Setting<string>, base: string): Setting<string> => ({
    value: isAbsolute(s.value) ? s.value : resolve(base, s.value),
    source: s.source,
  })
  const pick = (key: 'output' | 'storage'): Setting<string> => {
    const given = partial[key]
    if (given) return abs(given, dirs.cwd)
    const fromSchema = schemaConfig[key]
    if (fromSchema !== undefined) return abs({ value: fromSchema, source: 'schema config' }, dirs.schemaDir)
    return abs({ value: SETTING_DEFAULTS[key], source: 'default' }, dirs.projectDir ?? dirs.cwd)
  }
  const format: Setting<StorageFormatName> =
    partial.format ??
    (schemaConfig.format !== undefined
      ? { value: schemaConfig.format, source: 'schema config' }
      : { value: SETTING_DEFAULTS.format, source: 'default' })
  return {
    schema: { value: dirs.schemaPath, source: partial.schema?.source ?? 'default' },
    ...(partial.classes === undefined ? {} : { classes: partial.classes }),
    output: pick('output'),
    storage: pick('storage'),
    format,
  }
}

/** "from --out", "from $PARQUETFRAME_OUTPUT", "from the config file" … for messages. */
export function describeSource(source: SettingSource): string {
  if (source === 'config file') return 'from the config file'
  if (source === 'schema config') return "from the schema's config block"
  if (source === 'default') return 'the default'
  return `from ${source}`
}
