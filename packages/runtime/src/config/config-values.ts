import { type EngineChoice, normalizeEngineChoice, VALID_ENGINE_CHOICES } from '../engine/engine-name.js'
import { ConfigError } from '../errors/pf-error.js'
import type { UpdateMode } from '../table/log-entry.js'

/** Storage formats an entity table can use. */
export type EntityFormat = 'parquet' | 'avro'

/** Every setting of the runtime. Each one is read by something it visibly changes. */
export interface ConfigValues {
  /** Engine for `read()` when none is given. Default `'auto'` (chosen by estimated size). */
  readonly engine: EngineChoice
  /** Estimated in-memory size (MiB) below which `'auto'` picks the eager engine. Default 100. */
  readonly eagerThresholdMB: number
  /** Estimated in-memory size (MiB) at or above which `'auto'` picks the partitioned engine. Default 10000. */
  readonly partitionedThresholdMB: number
  /** Storage format of entity tables when the entity does not name one. Default `'parquet'`. */
  readonly entityFormat: EntityFormat
  /**
   * How entity tables the store creates apply updates and deletes: `'merge-on-read'` (deletion vectors) or
   * `'copy-on-write'` (files rewritten; for Delta readers without deletion vectors). Chosen at creation only: an
   * existing table keeps its mode. Default `'merge-on-read'`.
   */
  readonly updateMode: UpdateMode
  /** Base directory of entity tables when the entity does not name one. Default null (current directory). */
  readonly entityBasePath: string | null
  /** Log engine choices (and other decisions) to stderr. Default false. */
  readonly verbose: boolean
  /** Suppress warnings. Default false. */
  readonly quiet: boolean
  /** Show progress of long operations on stderr. Default false. */
  readonly progress: boolean
  /** Worker threads of the partitioned engine; null means one per CPU core. Default null. */
  readonly maxWorkers: number | null
}

/** A partial set of settings, as given to `setConfig` and `withConfig` (engine aliases accepted). */
export type ConfigInput = {
  readonly [K in keyof ConfigValues]?: ConfigValues[K] | (K extends 'engine' ? string : never)
}

/** The defaults, before environment and programmatic settings. */
export const DEFAULT_CONFIG: ConfigValues = Object.freeze({
  engine: 'auto',
  eagerThresholdMB: 100,
  partitionedThresholdMB: 10_000,
  entityFormat: 'parquet',
  updateMode: 'merge-on-read',
  entityBasePath: null,
  verbose: false,
  quiet: false,
  progress: false,
  maxWorkers: null,
})

/** Every key, in a stable order. */
export const CONFIG_KEYS = Object.keys(DEFAULT_CONFIG) as (keyof ConfigValues)[]

type Parser<K extends keyof ConfigValues> = (value: unknown) => ConfigValues[K] | undefined

const parsers: { [K in keyof ConfigValues]: { parse: Parser<K>; expected: string } } = {
  engine: { parse: normalizeEngineChoice, expected: `one of ${VALID_ENGINE_CHOICES.join(', ')}` },
  eagerThresholdMB: { parse: nonNegativeNumber, expected: 'a non-negative number of MiB' },
  partitionedThresholdMB: { parse: nonNegativeNumber, expected: 'a non-negative number of MiB' },
  entityFormat: {
    parse: (v) => (v === 'parquet' || v === 'avro' ? v : undefined),
    expected: "'parquet' or 'avro'",
  },
  updateMode: {
    parse: (v) => (v === 'merge-on-read' || v === 'copy-on-write' ? v : undefined),
    expected: "'merge-on-read' or 'copy-on-write'",
  },
  entityBasePath: {
    parse: (v) => (v === null || (typeof v === 'string' && v.length > 0) ? v : undefined),
    expected: 'a non-empty path string or null',
  },
  verbose: { parse: boolean, expected: 'a boolean' },
  quiet: { parse: boolean, expected: 'a boolean' },
  progress: { parse: boolean, expected: 'a boolean' },
  maxWorkers: {
    parse: (v) =>
      v === null || (Number.isInteger(v) && (v as number) >= 1) ? (v as number | null) : undefined,
    expected: 'a positive integer or null',
  },
}

function nonNegativeNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined
}

function boolean(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined
}

/** True when `key` is a configuration key. */
export function isConfigKey(key: string): key is keyof ConfigValues {
  return Object.hasOwn(DEFAULT_CONFIG, key)
}

/**
 * Validates one value and returns its normalised form; throws ConfigError naming the key, the value and, when
 * given, where the value came from (`origin`, e.g. "setConfig" or "openStore options").
 */
export function parseConfigValue<K extends keyof ConfigValues>(
  key: K,
  value: unknown,
  origin?: string,
): ConfigValues[K] {
  const { parse, expected } = parsers[key] as { parse: Parser<K>; expected: string }
  const parsed = parse(value)
  if (parsed === undefined) {
    const from = origin === undefined ? '' : `${origin}: `
    throw new ConfigError(
      `${from}Invalid value for configuration key "${key}": ${describe(value)} (expected ${expected})`,
    )
  }
  return parsed
}

/** Validates a partial configuration: unknown keys and invalid values throw ConfigError naming the key (and origin). */
export function parseConfigInput(input: unknown, origin?: string): Partial<ConfigValues> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ConfigError(`Configuration must be an object, got ${describe(input)}`)
  }
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(input)) {
    if (!isConfigKey(key)) {
      throw new ConfigError(`Unknown configuration key "${key}". Valid keys: ${CONFIG_KEYS.join(', ')}`)
    }
    if (value === undefined) continue
    out[key] = parseConfigValue(key, value, origin)
  }
  return out as Partial<ConfigValues>
}

/** Checks rules that span keys; throws ConfigError naming both keys. */
export function checkConfigConsistency(values: ConfigValues): void {
  if (values.eagerThresholdMB > values.partitionedThresholdMB) {
    throw new ConfigError(
      `Configuration key "eagerThresholdMB" (${values.eagerThresholdMB}) must not exceed "partitionedThresholdMB" (${values.partitionedThresholdMB})`,
    )
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'bigint') return `${value}n`
  if (value === null || typeof value !== 'object') return String(value)
  return Array.isArray(value) ? 'an array' : 'an object'
}
