import { AsyncLocalStorage } from 'node:async_hooks'
import { Config } from './config.js'
import { CONFIG_ENV_VARS, configFromEnv, type EnvConfig } from './config-env.js'
import {
  type ConfigInput,
  type ConfigValues,
  checkConfigConsistency,
  DEFAULT_CONFIG,
  parseConfigInput,
} from './config-values.js'
import {
  declaredProjectSettings,
  forgetReadProjectSettings,
  type ProjectSettings,
} from './project-config-file.js'

/**
 * Programmatic settings of one scope; `setConfig` inside `withConfig` changes only that scope. `project`: the
 * project config file's settings `withProjectSettings` gave this scope (else the one generated modules declare).
 */
interface ConfigLayer {
  values: Partial<ConfigValues>
  readonly project?: ProjectSettings | undefined
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

/** Writes a warning before config is resolved (warn() itself reads config): quiet only from env or setConfig. */
function earlyWarning(message: string): void {
  const quiet = globalLayer.values.quiet ?? environment().values.quiet ?? DEFAULT_CONFIG.quiet
  if (!quiet) process.stderr.write(`parquetframe: warning: ${message}\n`)
}

function projectSettings(layer: ConfigLayer): ProjectSettings | undefined {
  return layer.project ?? declaredProjectSettings(earlyWarning)
}

// The one precedence rule of runtime settings: default < project config file < environment < setConfig <
// withConfig (an explicit option, such as openStore's, is above them all where a call takes one).
function resolve(layer: ConfigLayer): ConfigValues {
  const project = projectSettings(layer)?.values
  const base = { ...DEFAULT_CONFIG, ...project, ...environment().values, ...globalLayer.values }
  return layer === globalLayer ? base : { ...base, ...layer.values }
}

/**
 * The settings in effect here: defaults, overridden by the project's pf.config.json, by PARQUETFRAME_* variables,
 * by `setConfig`, then by the enclosing `withConfig` scopes.
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

/** Drops every programmatic setting and re-reads the environment and the project config file. */
export function resetConfig(): void {
  globalLayer.values = {}
  const scope = scopes.getStore()
  if (scope) scope.values = {}
  env = undefined
  forgetReadProjectSettings()
}

/**
 * Runs `fn` with settings overridden for its asynchronous duration only: concurrent calls never
 * see each other's overrides, and the previous settings are back when `fn` returns or throws.
 */
export function withConfig<T>(partial: ConfigInput, fn: () => T): T {
  const parent = scopes.getStore()
  const parsed = parseConfigInput(partial, 'withConfig')
  const layer: ConfigLayer = { values: { ...parent?.values, ...parsed }, project: parent?.project }
  checkConfigConsistency(resolve(layer))
  return scopes.run(layer, fn)
}

/**
 * Runs `fn` with a project config file's settings (as `pf` loads them) in place of the declared one, for its
 * asynchronous duration only; programmatic settings and variables still win over them.
 */
export function withProjectSettings<T>(project: ProjectSettings, fn: () => T): T {
  const parent = scopes.getStore()
  const layer: ConfigLayer = { values: { ...parent?.values }, project }
  checkConfigConsistency(resolve(layer))
  return scopes.run(layer, fn)
}

/** Where the value of a setting in effect here comes from. */
export type ConfigOrigin = 'programmatic' | 'environment' | 'project file' | 'default'

/**
 * Tells whether a setting comes from `setConfig`/`withConfig`, a PARQUETFRAME_* variable, the project's
 * pf.config.json, or the default.
 */
export function configOrigin(key: keyof ConfigValues): ConfigOrigin {
  const scope = scopes.getStore()
  if ((scope && key in scope.values) || key in globalLayer.values) return 'programmatic'
  if (key in environment().values) return 'environment'
  if (key in (projectSettings(scope ?? globalLayer)?.values ?? {})) return 'project file'
  return 'default'
}

/** Names where a setting in effect here comes from, for messages: "setConfig", "PARQUETFRAME_UPDATE_MODE", a file. */
export function describeConfigOrigin(key: keyof ConfigValues): string {
  switch (configOrigin(key)) {
    case 'programmatic':
      return 'setConfig/withConfig'
    case 'environment':
      return (
        CONFIG_ENV_VARS.find(([name, k]) => k === key && process.env[name] !== undefined)?.[0] ??
        'environment'
      )
    case 'project file':
      return projectSettings(scopes.getStore() ?? globalLayer)?.file ?? 'project config file'
    default:
      return 'the default'
  }
}
