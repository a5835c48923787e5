import type { DataType } from 'nodejs-polars'
import pl from 'nodejs-polars'
import { FormatError } from '../errors/pf-error.js'
import { readError } from '../format/format-io-errors.js'
import { getFormat } from '../format/format-registry.js'
import type { FormatName } from '../format/storage-format.js'
import { stackFrames } from '../frame/stack-frames.js'
import type { Dataset, DatasetFile } from './dataset.js'
import type { HiveColumn, HiveColumnType } from './hive-partitioning.js'

const HIVE_DTYPES: Record<HiveColumnType, () => DataType> = {
  int: () => pl.Int64,
  float: () => pl.Float64,
  string: () => pl.Utf8,
}

/** The literal columns a file gets from its `col=value/` directories. */
export function hiveLiterals(file: DatasetFile, columns: readonly HiveColumn[]): pl.Expr[] {
  return columns.map((c) =>
    pl
      .lit(file.partitionValues[c.name] ?? null)
      .cast(HIVE_DTYPES[c.type]())
      .alias(c.name),
  )
}

/** One file of a dataset as a lazy frame (a polars scan where the format has one), partition columns added. */
export async function readFileLazy(
  file: DatasetFile,
  format: FormatName,
  partitionColumns: readonly HiveColumn[],
): Promise<pl.LazyDataFrame> {
  const storage = getFormat(format)
  const lf = storage.scan ? storage.scan(file.path) : (await storage.read(file.path)).lazy()
  return partitionColumns.length > 0 ? lf.withColumns(...hiveLiterals(file, partitionColumns)) : lf
}

/** One file of a dataset read eagerly, partition columns added. */
export async function readFileEager(
  file: DatasetFile,
  format: FormatName,
  partitionColumns: readonly HiveColumn[],
): Promise<pl.DataFrame> {
  const df = await getFormat(format).read(file.path)
  return partitionColumns.length > 0 ? df.withColumns(...hiveLiterals(file, partitionColumns)) : df
}

/** A whole dataset, read into memory (files concatenated, dtypes relaxed to a common supertype). */
export async function readDatasetEager(dataset: Dataset): Promise<pl.DataFrame> {
  const frames = await Promise.all(
    dataset.files.map((f) => readFileEager(f, dataset.format, dataset.partitionColumns)),
  )
  return concatFrames(frames, dataset.source)
}

/** A whole dataset as one lazy frame: polars scans (predicate and projection pushdown) where the format has them. */
export async function scanDataset(dataset: Dataset): Promise<pl.LazyDataFrame> {
  const frames = await Promise.all(
    dataset.files.map((f) => readFileLazy(f, dataset.format, dataset.partitionColumns)),
  )
  if (frames.length === 1) return frames[0] as pl.LazyDataFrame
  return pl.concat(frames, { how: 'verticalRelaxed' })
}

/** The dataset's schema as an empty frame: every file's schema relaxed to a common supertype. */
export async function datasetTemplate(dataset: Dataset): Promise<pl.DataFrame> {
  const storage = getFormat(dataset.format)
  const files = storage.scan ? dataset.files : dataset.files.slice(0, 1)
  const empties = await Promise.all(
    files.map(async (f) => (await readFileLazy(f, dataset.format, dataset.partitionColumns)).limit(0)),
  )
  try {
    const lf =
      empties.length === 1 ? (empties[0] as pl.LazyDataFrame) : pl.concat(empties, { how: 'verticalRelaxed' })
    return lf.collectSync()
  } catch (cause) {
    // A file that cannot be read on its own is named as such, not reported as a schema mismatch.
    for (const [i, file] of files.entries()) {
      try {
        ;(empties[i] as pl.LazyDataFrame).collectSync()
      } catch (fileCause) {
        throw readError(dataset.format, file.path, fileCause)
      }
    }
    throw new FormatError(
      `Files of ${dataset.source} have incompatible schemas: ${(cause as Error).message}`,
      {
        cause,
      },
    )
  }
}

/** Concatenates frames of one dataset (dtypes relaxed to a common supertype). */
export function concatFrames(frames: readonly pl.DataFrame[], source: string): pl.DataFrame {
  if (frames.length === 1) return frames[0] as pl.DataFrame
  try {
    return stackFrames(frames, 'verticalRelaxed')
  } catch (cause) {
    throw new FormatError(`Files of ${source} have incompatible schemas: ${(cause as Error).message}`, {
      cause,
    })
  }
}
