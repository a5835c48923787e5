import { ParquetFrameError } from '../errors/pf-error.js'
import { formatForPath } from '../format/format-registry.js'
import { nodeFileSystem } from '../table/node-file-system.js'
import { TableLog } from '../table/table-log.js'
import { containedPath } from '../table/table-path.js'
import type { LiveFile } from '../table/table-state.js'
import { type EngineExplanation, resolveDeltaEngine } from './engine-resolver.js'
import { formatBytes } from './select-engine.js'
import { estimateFileBytes } from './size-estimator.js'

/** Options of `explainDeltaTable`. */
export interface DeltaExplainOptions {
  readonly engine?: string
  /** The version read (time travel). Default: the latest. */
  readonly version?: number
}

/**
 * Which engine `read()` of a Delta table folder uses, and the files it reads: the live files of the snapshot (as
 * the log replay gives them; removed files, whole-file deletes and compacted-away files are not in it). The
 * estimate counts each file's rows left by its deletion vector.
 */
export async function explainDeltaTable(
  root: string,
  options: DeltaExplainOptions = {},
): Promise<EngineExplanation> {
  const choice = resolveDeltaEngine(options.engine)
  const log = new TableLog(root, nodeFileSystem, root)
  const state = options.version === undefined ? await log.latest() : await log.at(options.version)
  if (!state)
    throw new ParquetFrameError('PF_TABLE_VERSION', `Table ${root} has no version ${options.version}`)
  const files: string[] = []
  let bytes = 0
  let deletedRows = 0
  for (const file of state.files.values()) {
    const path = containedPath(root, file.add.path)
    files.push(path)
    bytes += Math.round((await estimateFileBytes(path, formatForPath(path).name)) * liveShare(file))
    deletedRows += file.deletedRows
  }
  const deleted = deletedRows > 0 ? `, ${deletedRows} rows deleted by deletion vectors` : ''
  return {
    engine: choice.engine,
    estimatedBytes: bytes,
    files,
    reason: `Delta table at version ${state.version}: ${files.length} live files${deleted}, estimated in-memory size ${formatBytes(bytes)}; ${choice.reason}`,
  }
}

/** The share of a file's rows its deletion vector leaves (1 when the log recorded no row count). */
function liveShare(file: LiveFile): number {
  const rows = file.add.stats.numRows
  return Number.isNaN(rows) || rows === 0 ? 1 : (rows - file.deletedRows) / rows
}
