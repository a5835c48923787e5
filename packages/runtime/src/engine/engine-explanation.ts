import type { FormatName } from '../format/storage-format.js'
import { discoverDataset } from './dataset-discovery.js'
import { explainDeltaTable } from './delta-explanation.js'
import { type EngineExplanation, resolveEngine } from './engine-resolver.js'
import { readSourceOf } from './read-source.js'

/** Options of `explainEngine`: those of `read()` that choose what is read and how. */
export interface ExplainEngineOptions {
  /** An explicit engine (or alias, or 'auto'), as passed to `read()`. */
  readonly engine?: string
  /** Format override, as passed to `read()`. */
  readonly format?: FormatName
  /** The version of a Delta table, as passed to `read()`. Default: the latest. */
  readonly version?: number
}

/**
 * Which engine `read(path, options)` would use, the files it would read, the estimated in-memory size, and why.
 * A Delta table folder is explained as `read()` reads it: its snapshot's live files, never every file in it.
 */
export async function explainEngine(
  path: string,
  options: ExplainEngineOptions = {},
): Promise<EngineExplanation> {
  if ((await readSourceOf(path, options)) === 'delta')
    return explainDeltaTable(path, {
      ...(options.engine === undefined ? {} : { engine: options.engine }),
      ...(options.version === undefined ? {} : { version: options.version }),
    })
  const dataset = await discoverDataset(path, options.format ? { format: options.format } : {})
  return resolveEngine(dataset, options.engine, true)
}
