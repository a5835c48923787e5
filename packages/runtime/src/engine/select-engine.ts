import type { EngineName } from './engine-name.js'

/** Bytes in one MiB: thresholds are in MiB (2^20 bytes). */
export const MIB = 1024 * 1024

/** The two size thresholds of the automatic choice, in MiB. */
export interface EngineThresholds {
  /** Below this the eager engine is chosen. */
  readonly eagerThresholdMB: number
  /** At or above this the partitioned engine is chosen. */
  readonly partitionedThresholdMB: number
}

/**
 * The automatic engine for an estimated in-memory size: eager if `bytes < eagerThresholdMB`,
 * partitioned if `bytes >= partitionedThresholdMB`, lazy in between (the eager rule wins if the
 * thresholds overlap).
 */
export function selectEngine(estimatedBytes: number, thresholds: EngineThresholds): EngineName {
  if (estimatedBytes < thresholds.eagerThresholdMB * MIB) return 'eager'
  if (estimatedBytes >= thresholds.partitionedThresholdMB * MIB) return 'partitioned'
  return 'lazy'
}

/** Human-readable size, e.g. `15.3 MiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < MIB) return `${(bytes / 1024).toFixed(1)} KiB`
  if (bytes < 1024 * MIB) return `${(bytes / MIB).toFixed(1)} MiB`
  return `${(bytes / (1024 * MIB)).toFixed(2)} GiB`
}
