import { type ConfigValues, parseConfigValue } from './config-values.js'

/** Environment variables and the key each sets; where two names set one key, the first listed wins. */
export const CONFIG_ENV_VARS: readonly (readonly [string, keyof ConfigValues])[] = [
  ['PARQUETFRAME_ENGINE', 'engine'],
  ['PARQUETFRAME_EAGER_THRESHOLD_MB', 'eagerThresholdMB'],
  ['PARQUETFRAME_PANDAS_THRESHOLD_MB', 'eagerThresholdMB'],
  ['PARQUETFRAME_PARTITIONED_THRESHOLD_MB', 'partitionedThresholdMB'],
  ['PARQUETFRAME_POLARS_THRESHOLD_MB', 'partitionedThresholdMB'],
  ['PARQUETFRAME_ENTITY_FORMAT', 'entityFormat'],
  ['PARQUETFRAME_UPDATE_MODE', 'updateMode'],
  ['PARQUETFRAME_ENTITY_BASE_PATH', 'entityBasePath'],
  ['PARQUETFRAME_VERBOSE', 'verbose'],
  ['PARQUETFRAME_QUIET', 'quiet'],
  ['PARQUETFRAME_PROGRESS', 'progress'],
  ['PARQUETFRAME_MAX_WORKERS', 'maxWorkers'],
]

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on'])
const FALSE_WORDS = new Set(['0', 'false', 'no', 'off', ''])

/** Settings read from the environment, and one warning per variable that was ignored. */
export interface EnvConfig {
  readonly values: Partial<ConfigValues>
  readonly warnings: readonly string[]
}

/** Reads the PARQUETFRAME_* variables (pure: pass the environment). Invalid values are ignored with a warning. */
export function configFromEnv(env: Readonly<Record<string, string | undefined>>): EnvConfig {
  const values: Record<string, unknown> = {}
  const warnings: string[] = []
  for (const [name, key] of CONFIG_ENV_VARS) {
    const raw = env[name]
    if (raw === undefined || key in values) continue
    const text = raw.trim()
    if (text === '' && !isBooleanKey(key)) continue
    try {
      values[key] = parseConfigValue(key, fromText(key, text))
    } catch {
      warnings.push(`Ignoring ${name}=${JSON.stringify(raw)}: not a valid value for "${key}"`)
    }
  }
  return { values: values as Partial<ConfigValues>, warnings }
}

function isBooleanKey(key: keyof ConfigValues): boolean {
  return key === 'verbose' || key === 'quiet' || key === 'progress'
}

function fromText(key: keyof ConfigValues, text: string): unknown {
  switch (key) {
    case 'verbose':
    case 'quiet':
    case 'progress': {
      const lower = text.toLowerCase()
      if (TRUE_WORDS.has(lower)) return true
      if (FALSE_WORDS.has(lower)) return false
      return text
    }
    case 'eagerThresholdMB':
    case 'partitionedThresholdMB':
    case 'maxWorkers':
      return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : text
    default:
      return text
  }
}
