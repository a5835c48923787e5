import { isAbsolute, resolve } from 'node:path'
import { type ProjectConfig, parseProjectConfig } from '@parquetframe/runtime/project-config'
import { CliError } from '../cli/cli-error.js'

/** Contents of `pf.config.json` / `pf.config.mjs` (default export). Relative paths are relative to the file. */
export interface FileConfig {
  /** Schema file or directory of `.pfschema` files. */
  readonly schema?: string
  /** Decorated-class files or globs, instead of a `.pfschema` schema (one pattern or a list). */
  readonly classes?: readonly string[]
  /** Output folder of `pf generate`. */
  readonly output?: string
  /** Base directory of entity tables. */
  readonly storage?: string
  /** Default storage format of entity tables. */
  readonly format?: 'parquet' | 'avro'
  /** Extension of the imports between generated modules (`pf generate`): "js" (default) or "ts". */
  readonly importExtension?: 'js' | 'ts'
  /** Runtime settings (`updateMode`, `engine` …) the project's apps and `pf` commands use (pf.config.json only). */
  readonly runtime?: ProjectConfig['runtime']
  /** The file it was loaded from (absolute), when loaded from a file: generated modules declare a pf.config.json. */
  readonly path?: string
}

/** A loaded config file and where it came from. */
export interface LoadedFileConfig {
  readonly path: string
  readonly config: FileConfig
}

/**
 * Validates a config file's value (pure); throws CliError naming the file and the key. The keys, and the runtime
 * settings' values, are checked by the runtime's rules (`parseProjectConfig`): an app reading the file agrees.
 */
export function parseFileConfig(raw: unknown, file: string): FileConfig {
  let project: ProjectConfig
  try {
    project = parseProjectConfig(raw, file)
  } catch (error) {
    throw new CliError('PF_CLI_CONFIG', (error as Error).message, { cause: error })
  }
  const runtime = Object.keys(project.runtime)
  if (runtime.length > 0 && !file.endsWith('.json')) {
    throw new CliError(
      'PF_CLI_CONFIG',
      `${file}: "${runtime[0]}" is a runtime setting, which apps read from pf.config.json only: move it there`,
    )
  }
  const out: Record<string, unknown> = runtime.length > 0 ? { runtime: project.runtime } : {}
  for (const [key, value] of Object.entries(project.tool)) {
    if (value === undefined) continue
    if (key === 'classes') {
      out.classes = parseClassPatterns(value, file)
      continue
    }
    if (typeof value !== 'string' || value === '') {
      throw new CliError(
        'PF_CLI_CONFIG',
        `${file}: "${key}" must be a non-empty string, got ${JSON.stringify(value)}`,
      )
    }
    if (key === 'format' && value !== 'parquet' && value !== 'avro') {
      throw new CliError('PF_CLI_CONFIG', `${file}: "format" must be "parquet" or "avro", got "${value}"`)
    }
    if (key === 'importExtension' && value !== 'js' && value !== 'ts') {
      throw new CliError('PF_CLI_CONFIG', `${file}: "importExtension" must be "js" or "ts", got "${value}"`)
    }
    out[key] = value
  }
  if (out.schema !== undefined && out.classes !== undefined) {
    throw new CliError('PF_CLI_CONFIG', `${file}: give "schema" or "classes", not both`)
  }
  return out as FileConfig
}

/** `"src/models/*.ts"` or `["a.ts", "lib/*.ts"]` → a non-empty list of non-empty strings. */
function parseClassPatterns(value: unknown, file: string): readonly string[] {
  const list = typeof value === 'string' ? [value] : value
  const valid = Array.isArray(list) && list.length > 0 && list.every((p) => typeof p === 'string' && p !== '')
  if (!valid) {
    throw new CliError(
      'PF_CLI_CONFIG',
      `${file}: "classes" must be a file or glob, or a non-empty list of them, got ${JSON.stringify(value)}`,
    )
  }
  return list as readonly string[]
}

/**
 * The config with its relative paths (schema, classes, output, storage) made absolute from `dir`, the config file's
 * folder: a config file means the same from any subfolder of the project (pure).
 */
export function rebaseFileConfig(config: FileConfig, dir: string): FileConfig {
  const abs = (path: string) => (isAbsolute(path) ? path : resolve(dir, path))
  return {
    ...config,
    ...(config.schema === undefined ? {} : { schema: abs(config.schema) }),
    ...(config.classes === undefined ? {} : { classes: config.classes.map(abs) }),
    ...(config.output === undefined ? {} : { output: abs(config.output) }),
    ...(config.storage === undefined ? {} : { storage: abs(config.storage) }),
  }
}
