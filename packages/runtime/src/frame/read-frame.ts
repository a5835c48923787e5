import { logVerbose } from '../config/config-log.js'
import { getConfig } from '../config/config-store.js'
import type { Dataset } from '../engine/dataset.js'
import { discoverDataset } from '../engine/dataset-discovery.js'
import { datasetTemplate, readDatasetEager, scanDataset } from '../engine/dataset-reader.js'
import { isDeltaTable, readDeltaTable } from '../engine/delta-dataset.js'
import { EagerEngine } from '../engine/eager-engine.js'
import type { EngineName } from '../engine/engine-name.js'
import { resolveEngine } from '../engine/engine-resolver.js'
import { LazyEngine } from '../engine/lazy-engine.js'
import { planPartitions } from '../engine/partition-planner.js'
import { PartitionedEngine } from '../engine/partitioned-engine.js'
import { MIB } from '../engine/select-engine.js'
import type { FormatName } from '../format/storage-format.js'
import { Frame } from './frame.js'
import { ReadOptionError } from './frame-error.js'
import type { ReadFrameOptions } from './frame-options.js'

/**
 * Reads a file, a directory (hive `col=value/` partitions restored), a Delta table folder (its snapshot at
 * `version`, default the latest) or a glob into a Frame. The format comes from the extension (case-insensitive)
 * unless `format` is given; the engine from `engine`, then config, then PARQUETFRAME_ENGINE, then the estimated
 * size. A missing path is a NotFoundError.
 */
export async function read(path: string, options: ReadFrameOptions = {}): Promise<Frame> {
  if (await isDeltaTable(path)) return readDelta(path, options)
  if (options.version !== undefined)
    throw new ReadOptionError(
      path,
      'version',
      'not a Delta table (no _delta_log/ folder), which alone has versions',
    )
  const dataset = await discoverDataset(path, options.format ? { format: options.format } : {})
  const choice = await resolveEngine(dataset, options.engine)
  logVerbose(`read ${path}: ${choice.engine} engine (${choice.reason})`)
  return Frame.fromEngine(await openDataset(dataset, choice.engine))
}

/** A Delta table folder: its snapshot's rows, held by the eager engine unless `engine` asks for the lazy one. */
async function readDelta(path: string, options: ReadFrameOptions): Promise<Frame> {
  if (options.format !== undefined && options.format !== 'parquet')
    throw new ReadOptionError(path, 'format', `a Delta table's data files are Parquet, not ${options.format}`)
  const df = await readDeltaTable(path, options.version === undefined ? {} : { version: options.version })
  const lazy = options.engine === 'lazy' || options.engine === 'dask' || options.engine === 'partitioned'
  logVerbose(`read ${path}: Delta table, ${lazy ? 'lazy' : 'eager'} engine`)
  return Frame.fromEngine(lazy ? new LazyEngine(df.lazy(), path) : new EagerEngine(df))
}

/** Opens a discovered dataset on an engine. */
export async function openDataset(dataset: Dataset, engine: EngineName) {
  switch (engine) {
    case 'eager':
      return new EagerEngine(await readDatasetEager(dataset))
    case 'lazy':
      return new LazyEngine(await scanDataset(dataset), dataset.source)
    case 'partitioned': {
      // Partitions of about eagerThresholdMB each: what the eager engine would hold in memory at once.
      const partitions = await planPartitions(dataset, getConfig().eagerThresholdMB * MIB)
      return PartitionedEngine.fromDataset(dataset, await datasetTemplate(dataset), partitions)
    }
  }
}

type NamedReadOptions = Omit<ReadFrameOptions, 'format'>

const reader =
  (format: FormatName) =>
  (path: string, options: NamedReadOptions = {}): Promise<Frame> =>
    read(path, { ...options, format })

/** Reads Parquet file(s) (any extension). */
export const readParquet = reader('parquet')
/** Reads comma-separated file(s) with a header row. */
export const readCsv = reader('csv')
/** Reads tab-separated file(s) with a header row. */
export const readTsv = reader('tsv')
/** Reads Avro container file(s). */
export const readAvro = reader('avro')
/** Reads newline-delimited JSON file(s). */
export const readNdjson = reader('ndjson')
/** Reads Arrow IPC (Feather v2) file(s). */
export const readIpc = reader('ipc')
