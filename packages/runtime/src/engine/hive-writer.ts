import { randomUUID } from 'node:crypto'
import { mkdir, rename, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import pl from 'nodejs-polars'
import { FormatError } from '../errors/pf-error.js'
import { getFormat } from '../format/format-registry.js'
import type { Codec, FormatName } from '../format/storage-format.js'
import { hiveSegment } from './hive-partitioning.js'

/** How to write one frame into a dataset directory. */
export interface DatasetWriteSpec {
  readonly format: FormatName
  readonly codec?: Codec
  /** Hive partition columns: files go to `col=value/` directories, without those columns inside. Empty: flat. */
  readonly partitionBy: readonly string[]
  /** Unique part of the file names (`part-<fileStem>.<ext>`). */
  readonly fileStem: string
}

/** Writes a file atomically: to a hidden temporary name in the same directory, then renamed. */
export async function writeFileAtomic(
  df: pl.DataFrame,
  path: string,
  format: FormatName,
  codec: Codec | undefined,
): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const temp = join(dirname(path), `.${randomUUID()}.tmp`)
  try {
    await getFormat(format).write(df, temp, codec ? { codec } : {})
    await rename(temp, path)
  } catch (error) {
    await rm(temp, { force: true })
    throw error
  }
}

/**
 * Writes a frame under `dir` as hive-style partitions (`col=value/part-….ext`, Spark-compatible
 * escaping, `__HIVE_DEFAULT_PARTITION__` for null) or as one flat part file. Returns the files written.
 */
export async function writeDatasetPart(
  df: pl.DataFrame,
  dir: string,
  spec: DatasetWriteSpec,
): Promise<string[]> {
  const ext = getFormat(spec.format).extensions[0] ?? `.${spec.format}`
  const fileName = `part-${spec.fileStem}${ext}`
  if (spec.partitionBy.length === 0) {
    if (df.height === 0) return []
    const path = join(dir, fileName)
    await writeFileAtomic(df, path, spec.format, spec.codec)
    return [path]
  }
  for (const column of spec.partitionBy) {
    if (!df.columns.includes(column)) {
      throw new FormatError(
        `partitionBy column "${column}" is not in the frame (columns: ${df.columns.join(', ')})`,
      )
    }
  }
  if (df.width === spec.partitionBy.length) {
    throw new FormatError(
      `Cannot partition by every column (${spec.partitionBy.join(', ')}): no data would remain`,
    )
  }
  const written: string[] = []
  const keys = [...spec.partitionBy]
  for (const group of df.partitionBy(keys, true, true)) {
    const first = group.select(...keys.map((k) => pl.col(k).cast(pl.Utf8))).row(0)
    const segments = keys.map((k, i) => hiveSegment(k, first[i] ?? null))
    const path = join(dir, ...segments, fileName)
    await writeFileAtomic(group.drop(keys), path, spec.format, spec.codec)
    written.push(path)
  }
  return written
}
