import { configOrigin, describeConfigOrigin, getConfig } from '../config/config-store.js'
import { ConfigError } from '../errors/pf-error.js'
import type { Dataset } from './dataset.js'
import {
  ENGINE_ALIASES,
  type EngineName,
  normalizeEngineChoice,
  VALID_ENGINE_CHOICES,
} from './engine-name.js'
import { formatBytes, selectEngine } from './select-engine.js'
import { estimateFilesBytes } from './size-estimator.js'

/** The engine for a read, and why. */
export interface EngineExplanation {
  readonly engine: EngineName
  /** Estimated in-memory size in bytes; null when the size was not needed (engine given explicitly). */
  readonly estimatedBytes: number | null
  /** The data files the read reads (of a Delta table: the snapshot's live files only). */
  readonly files: readonly string[]
  readonly reason: string
}

/** Parses an engine argument given in code; throws ConfigError listing the valid ones. */
export function parseEngineArgument(value: string): EngineName | 'auto' {
  const choice = normalizeEngineChoice(value)
  if (choice === undefined) {
    throw new ConfigError(
      `Unknown engine "${value}". Valid engines: ${VALID_ENGINE_CHOICES.filter((c) => !(c in ENGINE_ALIASES)).join(', ')} (aliases: ${Object.entries(
        ENGINE_ALIASES,
      )
        .map(([alias, engine]) => `${alias} → ${engine}`)
        .join(', ')})`,
    )
  }
  return choice
}

/**
 * Chooses the engine for a dataset: explicit argument > programmatic config (setConfig/withConfig)
 * > PARQUETFRAME_ENGINE > size heuristic. `alwaysEstimate` computes the size even when not needed.
 */
export async function resolveEngine(
  dataset: Dataset,
  requested?: string,
  alwaysEstimate = false,
): Promise<EngineExplanation> {
  const files = dataset.files.map((f) => f.path)
  const estimate = () =>
    estimateFilesBytes(
      dataset.files.map((f) => f.path),
      dataset.format,
    )
  const explicit = requested === undefined ? 'auto' : parseEngineArgument(requested)
  if (explicit !== 'auto') {
    return {
      engine: explicit,
      estimatedBytes: alwaysEstimate ? await estimate() : null,
      files,
      reason: 'explicit engine argument',
    }
  }
  const config = getConfig()
  if (config.engine !== 'auto') {
    const origin = configOrigin('engine')
    const reason =
      origin === 'environment'
        ? `PARQUETFRAME_ENGINE=${process.env.PARQUETFRAME_ENGINE}`
        : origin === 'project file'
          ? `engine set in ${describeConfigOrigin('engine')}`
          : 'engine set in configuration'
    return { engine: config.engine, estimatedBytes: alwaysEstimate ? await estimate() : null, files, reason }
  }
  const bytes = await estimate()
  const engine = selectEngine(bytes, config)
  const size = `estimated in-memory size ${formatBytes(bytes)}`
  const reason =
    engine === 'eager'
      ? `${size} < eagerThresholdMB (${config.eagerThresholdMB} MiB)`
      : engine === 'partitioned'
        ? `${size} >= partitionedThresholdMB (${config.partitionedThresholdMB} MiB)`
        : `${size} between eagerThresholdMB (${config.eagerThresholdMB} MiB) and partitionedThresholdMB (${config.partitionedThresholdMB} MiB)`
  return { engine, estimatedBytes: bytes, files, reason }
}

/**
 * The engine of a Delta table's read: its snapshot is read into memory (deletion vectors applied), held by the
 * eager engine unless `requested` is the lazy or partitioned one (then lazy over that frame). ConfigError for an
 * unknown engine, as for plain files.
 */
export function resolveDeltaEngine(requested?: string): { engine: 'eager' | 'lazy'; reason: string } {
  const choice = requested === undefined ? 'auto' : parseEngineArgument(requested)
  if (choice === 'lazy' || choice === 'partitioned')
    return { engine: 'lazy', reason: `${choice} engine asked for: lazy over the snapshot read` }
  return { engine: 'eager', reason: 'a Delta table reads its snapshot into memory (eager engine)' }
}
