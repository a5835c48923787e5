import pl from 'nodejs-polars'
import { ParquetFrameError } from '../errors/pf-error.js'
import { getFormat } from '../format/format-registry.js'
import { safeCollect } from '../format/safe-collect.js'
import type { Codec, FormatName } from '../format/storage-format.js'
import type { DatasetFile } from './dataset.js'
import { readFileLazy } from './dataset-reader.js'
import type { JoinSpec, UniqueSpec } from './engine-frame.js'
import { type ExprPayload, fromPayload } from './expr-codec.js'
import type { HiveColumn } from './hive-partitioning.js'
import { writeDatasetPart } from './hive-writer.js'
import { lazyOps } from './lazy-ops.js'
import { PartitionError } from './partition-error.js'

/** Where a partition's rows come from: a dataset file, or Arrow IPC bytes of an in-memory frame. */
export type TaskInput =
  | {
      readonly kind: 'file'
      readonly file: DatasetFile
      /** Only these rows of the file (a row-group-aligned slice of a large Parquet file). */
      readonly slice?: { readonly offset: number; readonly length: number }
      readonly format: FormatName
      readonly partitionColumns: readonly HiveColumn[]
      /** IPC bytes of an empty frame with the dataset's schema; the file is cast to it. */
      readonly schema: Uint8Array
    }
  | { readonly kind: 'ipc'; readonly bytes: Uint8Array }
  /** An in-memory frame: only for tasks run in the calling thread. */
  | { readonly kind: 'frame'; readonly df: pl.DataFrame }

/** A streaming operation, applied to each partition on its own. */
export type TaskOp =
  | { readonly kind: 'filter'; readonly predicate: ExprPayload }
  | { readonly kind: 'select'; readonly exprs: readonly ExprPayload[] }
  | { readonly kind: 'withColumns'; readonly exprs: readonly ExprPayload[] }
  /** Join with a frame broadcast to every partition (IPC bytes). */
  | { readonly kind: 'join'; readonly right: Uint8Array; readonly spec: JoinSpec }

/** What each partition returns after its operations. */
export type TaskTail =
  | { readonly kind: 'collect' }
  | { readonly kind: 'count' }
  | { readonly kind: 'head'; readonly n: number }
  | {
      readonly kind: 'sortHead'
      readonly by: readonly ExprPayload[]
      readonly descending: readonly boolean[]
      readonly nullsLast: boolean
      readonly n: number
    }
  | { readonly kind: 'unique'; readonly spec: UniqueSpec }
  | {
      readonly kind: 'partialAgg'
      readonly keys: readonly ExprPayload[]
      readonly aggs: readonly ExprPayload[]
    }
  | {
      readonly kind: 'write'
      readonly dir: string
      readonly format: FormatName
      readonly codec?: Codec
      readonly partitionBy: readonly string[]
      readonly fileStem: string
    }

/** One unit of partitioned work; plain data (when `isPortable`), so it can be posted to a worker thread. */
export interface PartitionTask {
  readonly input: TaskInput
  readonly ops: readonly TaskOp[]
  readonly tail: TaskTail
}

/** True when a task holds only plain data (no live frame, no unserialisable expression). */
export function isPortable(task: PartitionTask): boolean {
  if (task.input.kind === 'frame') return false
  const payloads: ExprPayload[] = []
  for (const op of task.ops) {
    if (op.kind === 'filter') payloads.push(op.predicate)
    else if (op.kind !== 'join') payloads.push(...op.exprs)
  }
  const tail = task.tail
  if (tail.kind === 'sortHead') payloads.push(...tail.by)
  if (tail.kind === 'partialAgg') payloads.push(...tail.keys, ...tail.aggs)
  return payloads.every((p) => typeof p === 'string')
}

/** Runs one partition task (in a worker thread or in the calling thread) and returns its result. */
export async function runPartitionTask(task: PartitionTask): Promise<pl.DataFrame> {
  try {
    let lf = await inputFrame(task.input)
    for (const op of task.ops) lf = applyOp(lf, op)
    return await applyTail(lf, task.tail)
  } catch (error) {
    if (error instanceof ParquetFrameError) throw error
    const input = task.input
    const where =
      input.kind !== 'file'
        ? '(in memory)'
        : input.slice
          ? `${input.file.path} rows ${input.slice.offset}..${input.slice.offset + input.slice.length}`
          : input.file.path
    throw new PartitionError(where, (error as Error).message ?? String(error), { cause: error })
  }
}

async function inputFrame(input: TaskInput): Promise<pl.LazyDataFrame> {
  if (input.kind === 'frame') return input.df.lazy()
  if (input.kind === 'ipc') return pl.readIPC(Buffer.from(input.bytes)).lazy()
  const whole = await readFileLazy(input.file, input.format, input.partitionColumns)
  const lf = input.slice ? whole.slice(input.slice.offset, input.slice.length) : whole
  if (getFormat(input.format).capabilities?.typed) return lf
  // Untyped formats (CSV, NDJSON) infer dtypes per file: cast the columns that differ from the dataset's.
  const schema = pl.readIPC(Buffer.from(input.schema))
  const probe = lf.limit(0).collectSync()
  const casts = schema.columns
    .filter((c) => probe.columns.includes(c) && !probe.getColumn(c).dtype.equals(schema.getColumn(c).dtype))
    .map((c) => pl.col(c).cast(schema.getColumn(c).dtype))
  return casts.length > 0 ? lf.withColumns(...casts) : lf
}

function applyOp(lf: pl.LazyDataFrame, op: TaskOp): pl.LazyDataFrame {
  switch (op.kind) {
    case 'filter':
      return lazyOps.filter(lf, fromPayload(op.predicate))
    case 'select':
      return lazyOps.select(lf, op.exprs.map(fromPayload))
    case 'withColumns':
      return lazyOps.withColumns(lf, op.exprs.map(fromPayload))
    case 'join':
      return lazyOps.join(lf, pl.readIPC(Buffer.from(op.right)).lazy(), op.spec)
  }
}

async function applyTail(lf: pl.LazyDataFrame, tail: TaskTail): Promise<pl.DataFrame> {
  switch (tail.kind) {
    case 'collect':
      return safeCollect(lf)
    case 'count':
      return safeCollect(lf.select(pl.len().cast(pl.Float64).alias('len')))
    case 'head':
      return safeCollect(lf.limit(tail.n))
    case 'sortHead':
      return safeCollect(
        lazyOps
          .sort(lf, { by: tail.by.map(fromPayload), descending: tail.descending, nullsLast: tail.nullsLast })
          .limit(tail.n),
      )
    case 'unique':
      return safeCollect(lazyOps.unique(lf, tail.spec))
    case 'partialAgg':
      return safeCollect(lf.groupBy(tail.keys.map(fromPayload)).agg(...tail.aggs.map(fromPayload)))
    case 'write': {
      const files = await writeDatasetPart(await safeCollect(lf), tail.dir, {
        format: tail.format,
        partitionBy: tail.partitionBy,
        fileStem: tail.fileStem,
        ...(tail.codec ? { codec: tail.codec } : {}),
      })
      return pl.DataFrame([pl.Series('path', files, pl.Utf8)])
    }
  }
}
