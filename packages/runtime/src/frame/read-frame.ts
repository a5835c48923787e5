import { logVerbose } from '../config/config-log.js'
import { getConfig } from '../config/config-store.js'
import type { Dataset } from '../engine/dataset.js'
import { discoverDataset } from '../engine/dataset-discovery.js'
import { datasetTemplate, readDatasetEager, scanDataset } from '../engine/dataset-reader.js'
import { readDeltaTable } from '../engine/delta-dataset.js'
import { EagerEngine } from '../engine/eager-engine.js'
import type { EngineName } from '../engine/engine-name.js'
import { resolveDeltaEngine, resolveEngine } from '../engine/engine-resolver.js'
import { LazyEngine } from '../engine/lazy-engine.js'
import { planPartitions } from '../engine/partition-planner.js'
import { PartitionedEngine } from '../engine/partitioned-engine.js'
import { readSourceOf } from '../engine/read-source.js'
import { MIB } from '../engine/select-engine.js'
import type { FormatName } from '../format/storage-format.js'
import { Frame } from './frame.js'
import type { ReadFrameOptions } from './frame-options.js'

/**
 * Reads a file, a directory (hive `col=value/` partitions restored), a Delta table folder (its snapshot at
 * `version`, default the latest) or a glob into a Frame. The format comes from the extension (case-insensitive)
 * unless `format` is given; the engine from `engine`, then config, then PARQUETFRAME_ENGINE, then the estimated
 * size. A missing path is a NotFoundError.
 */
export async function read(path: string, options: ReadFrameOptions = {}): Promise<Frame> {
  if ((await readSourceOf(path, options)) === 'delta') return readDelta(path, options)
  const dataset = await discoverDataset(path, options.format ? { format: options.format } : {})
  const choice = await resolveEngine(dataset, options.engine)
  logVerbose(`read ${path}: ${choice.engine} engine (${choice.reason})`)
  return Frame.fromEngine(await openDataset(dataset, choice.engine))
}

/** A Delta table folder: its snapshot's rows, held by the eager engine unless `engine` asks for the lazy one. */
async function readDelta(path: string, options: ReadFrameOptions): Promise<Frame> {
  const choice = resolveDeltaEngine(options.engine)
  const df = await readDeltaTable(path, options.version === undefined ? {} : { version: options.version })
  logVerbose(`read ${path}: Delta table, ${choice.engine} engine (${choice.reason})`)
  return Frame.fromEngine(choice.engine === 'lazy' ? new LazyEngine(df.lazy(), path) : new EagerEngine(df))
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
