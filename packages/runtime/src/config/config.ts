import { ConfigError } from '../errors/pf-error.js'
import {
  CONFIG_KEYS,
  type ConfigValues,
  checkConfigConsistency,
  DEFAULT_CONFIG,
  parseConfigInput,
} from './config-values.js'

/** Instances hold every setting as an own property, in CONFIG_KEYS order: ConfigValues declares them once. */
const ConfigFields = class {
  constructor(values: ConfigValues) {
    for (const key of CONFIG_KEYS) Object.defineProperty(this, key, { value: values[key], enumerable: true })
  }
} as new (
  values: ConfigValues,
) => ConfigValues

/** An immutable, validated set of settings, as returned by `getConfig()`. */
export class Config extends ConfigFields implements ConfigValues {
  constructor(values: ConfigValues) {
    super(values)
    Object.freeze(this)
  }

  /** A plain JSON-able object of every setting (what `JSON.stringify(config)` writes). */
  toJSON(): ConfigValues {
    const out: Record<string, unknown> = {}
    for (const key of CONFIG_KEYS) out[key] = this[key]
    return out as unknown as ConfigValues
  }

  /** Parses settings from `toJSON()` output (object or JSON text); missing keys take their defaults. */
  static fromJSON(json: unknown): Config {
    let input = json
    if (typeof json === 'string') {
      try {
        input = JSON.parse(json)
      } catch (cause) {
        throw new ConfigError(`Configuration JSON cannot be parsed: ${(cause as Error).message}`)
      }
    }
    const values: ConfigValues = { ...DEFAULT_CONFIG, ...parseConfigInput(input, 'Config.fromJSON') }
    checkConfigConsistency(values)
    return new Config(values)
  }
}
