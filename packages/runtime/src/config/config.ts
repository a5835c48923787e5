import type { EngineChoice } from '../engine/engine-name.js'
import { ConfigError } from '../errors/pf-error.js'
import type { UpdateMode } from '../table/log-entry.js'
import {
  CONFIG_KEYS,
  type ConfigValues,
  checkConfigConsistency,
  DEFAULT_CONFIG,
  type EntityFormat,
  parseConfigInput,
} from './config-values.js'

/** An immutable, validated set of settings, as returned by `getConfig()`. */
export class Config implements ConfigValues {
  readonly engine: EngineChoice
  readonly eagerThresholdMB: number
  readonly partitionedThresholdMB: number
  readonly entityFormat: EntityFormat
  readonly updateMode: UpdateMode
  readonly entityBasePath: string | null
  readonly verbose: boolean
  readonly quiet: boolean
  readonly progress: boolean
  readonly maxWorkers: number | null

  constructor(values: ConfigValues) {
    this.engine = values.engine
    this.eagerThresholdMB = values.eagerThresholdMB
    this.partitionedThresholdMB = values.partitionedThresholdMB
    this.entityFormat = values.entityFormat
    this.updateMode = values.updateMode
    this.entityBasePath = values.entityBasePath
    this.verbose = values.verbose
    this.quiet = values.quiet
    this.progress = values.progress
    this.maxWorkers = values.maxWorkers
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
