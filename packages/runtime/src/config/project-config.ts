import { ConfigError } from '../errors/pf-error.js'
import { closestName } from '../schema/closest-name.js'
import { CONFIG_ENV_VARS } from './config-env.js'
import {
  type ConfigValues,
  checkConfigConsistency,
  DEFAULT_CONFIG,
  parseConfigValue,
} from './config-values.js'

/** Keys of pf.config.json that `pf` reads (the schema, generated code, tables); apps learn them from generated code. */
export const PROJECT_TOOL_KEYS = [
  'schema',
  'classes',
  'output',
  'storage',
  'format',
  'importExtension',
] as const

/** Runtime settings pf.config.json sets for the project's apps and `pf` commands (below env and code). */
export const PROJECT_RUNTIME_KEYS = [
  'updateMode',
  'engine',
  'eagerThresholdMB',
  'partitionedThresholdMB',
] as const satisfies readonly (keyof ConfigValues)[]

/** Every key pf.config.json may hold, in the order error messages list them. */
export const PROJECT_CONFIG_KEYS: readonly string[] = [...PROJECT_TOOL_KEYS, ...PROJECT_RUNTIME_KEYS]

/** A runtime setting pf.config.json may hold. */
export type ProjectRuntimeKey = (typeof PROJECT_RUNTIME_KEYS)[number]

/** Runtime keys that have a project spelling of their own: `entityFormat` is the file's `format`. */
const PROJECT_SPELLING: Partial<Record<keyof ConfigValues, string>> = {
  entityFormat: 'format',
  entityBasePath: 'storage',
}

/** The two parts of a pf.config.json: `pf`'s keys (values checked by `pf`) and the validated runtime settings. */
export interface ProjectConfig {
  readonly tool: Readonly<Record<string, unknown>>
  readonly runtime: Partial<Pick<ConfigValues, ProjectRuntimeKey>>
}

/**
 * Splits and checks a config file's value (pure). ConfigError naming `file` and the key for an unknown key (with
 * "did you mean" and the valid keys), a runtime setting that is not per project (and where to set it instead),
 * and an invalid runtime value (with the allowed values).
 */
export function parseProjectConfig(raw: unknown, file: string): ProjectConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(`${file}: the configuration must be an object`)
  }
  const tool: Record<string, unknown> = {}
  const runtime: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(raw)) {
    if ((PROJECT_TOOL_KEYS as readonly string[]).includes(key)) tool[key] = value
    else if (isProjectRuntimeKey(key)) {
      if (value !== undefined) runtime[key] = parseConfigValue(key, value, file)
    } else throw new ConfigError(unknownKeyMessage(key, file))
  }
  try {
    checkConfigConsistency({ ...DEFAULT_CONFIG, ...runtime })
  } catch (error) {
    throw new ConfigError(`${file}: ${(error as Error).message}`)
  }
  return { tool, runtime: runtime as ProjectConfig['runtime'] }
}

function isProjectRuntimeKey(key: string): key is ProjectRuntimeKey {
  return (PROJECT_RUNTIME_KEYS as readonly string[]).includes(key)
}

function unknownKeyMessage(key: string, file: string): string {
  const valid = `Valid keys: ${PROJECT_CONFIG_KEYS.join(', ')}`
  const spelled = PROJECT_SPELLING[key as keyof ConfigValues]
  if (spelled !== undefined) return `${file}: unknown key "${key}". Did you mean "${spelled}"? ${valid}`
  const envName = CONFIG_ENV_VARS.find(([, k]) => k === key)?.[0]
  if (envName !== undefined) {
    return (
      `${file}: "${key}" is set per run or per machine, not per project: use ${envName} or ` +
      `setConfig({ ${key} }). ${valid}`
    )
  }
  const best = closestName(key, PROJECT_CONFIG_KEYS)
  return `${file}: unknown key "${key}".${best === undefined ? '' : ` Did you mean "${best}"?`} ${valid}`
}
