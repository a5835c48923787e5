import { AsyncLocalStorage } from 'node:async_hooks'
import { Config } from './config.js'
import { configFromEnv, type EnvConfig } from './config-env.js'
import {
  type ConfigInput,
  type ConfigValues,
  checkConfigConsistency,
  DEFAULT_CONFIG,
  parseConfigInput,
} from './config-values.js'

/** Programmatic settings of one scope; `setConfig` inside `withConfig` changes only that scope. */
interface ConfigLayer {
  values: Partial<ConfigValues>
}

const scopes = new AsyncLocalStorage<ConfigLayer>()
const globalLayer: ConfigLayer = { values: {} }
let env: EnvConfig | undefined

function environment(): EnvConfig {
  if (env === undefined) {
    env = configFromEnv(process.env)
    const quiet = globalLayer.values.quiet ?? env.values.quiet ?? DEFAULT_CONFIG.quiet
    if (!quiet)
      for (const warning of env.warnings) process.stderr.write(`parquetframe: warning: ${warning}\n`)
  }
  return env
}

function resolve(layer: ConfigLayer): ConfigValues {
  const base = { ...DEFAULT_CONFIG, ...environment().values, ...globalLayer.values }
  return layer === globalLayer ? base : { ...base, ...layer.values }
}

/**
 * The settings in effect here: defaults, overridden by PARQUETFRAME_* variables, by `setConfig`,
 * then by the enclosing `withConfig` scopes.
 */
export function getConfig(): Config {
  return new Config(resolve(scopes.getStore() ?? globalLayer))
}

/** Changes settings (in the current `withConfig` scope if there is one, else globally). Validates every key. */
export function setConfig(partial: ConfigInput): void {
  const layer = scopes.getStore() ?? globalLayer
  const parsed = parseConfigInput(partial, 'setConfig')
  checkConfigConsistency({ ...resolve(layer), ...parsed })
  layer.values = { ...layer.values, ...parsed }
}

/** Drops every programmatic setting and re-reads the environment. */
export function resetConfig(): void {
  globalLayer.values = {}
  const scope = scopes.getStore()
  if (scope) scope.values = {}
  env = undefined
}

/**
 * Runs `fn` with settings overridden for its asynchronous duration only: concurrent calls never
 * see each other's overrides, and the previous settings are back when `fn` returns or throws.
 */
export function withConfig<T>(partial: ConfigInput, fn: () => T): T {
  const parent = scopes.getStore()
  const parsed = parseConfigInput(partial, 'withConfig')
  const layer: ConfigLayer = { values: { ...parent?.values, ...parsed } }
  checkConfigConsistency(resolve(layer))
  return scopes.run(layer, fn)
}

/** Where the value of a setting in effect here comes from. */
export type ConfigOrigin = 'programmatic' | 'environment' | 'default'

/** Tells whether a setting comes from `setConfig`/`withConfig`, a PARQUETFRAME_* variable, or the default. */
export function configOrigin(key: keyof ConfigValues): ConfigOrigin {
  const scope = scopes.getStore()
  if ((scope && key in scope.values) || key in globalLayer.values) return 'programmatic'
  if (key in environment().values) return 'environment'
  return 'default'
}
