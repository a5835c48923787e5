export { Config } from './config.js'
export { CONFIG_ENV_VARS, configFromEnv, type EnvConfig } from './config-env.js'
export { logVerbose, warn } from './config-log.js'
export {
  type ConfigOrigin,
  configOrigin,
  describeConfigOrigin,
  getConfig,
  resetConfig,
  setConfig,
  withConfig,
  withProjectSettings,
} from './config-store.js'
export {
  CONFIG_KEYS,
  type ConfigInput,
  type ConfigValues,
  DEFAULT_CONFIG,
  type EntityFormat,
} from './config-values.js'
export {
  clearDeclaredEntityBasePaths,
  declaredEntityBasePath,
  declareEntityBasePath,
} from './declared-base-path.js'
export { type ProgressReporter, type ProgressSink, startProgress } from './progress-reporter.js'
export {
  PROJECT_CONFIG_KEYS,
  PROJECT_RUNTIME_KEYS,
  PROJECT_TOOL_KEYS,
  type ProjectConfig,
  type ProjectRuntimeKey,
  parseProjectConfig,
} from './project-config.js'
export {
  clearDeclaredProjectConfigs,
  declareProjectConfig,
  type ProjectSettings,
  readProjectSettings,
} from './project-config-file.js'
