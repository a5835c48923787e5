import pl from 'nodejs-polars'
import type { Codec, FormatName } from '../format/storage-format.js'
import type { DatasetFile } from './dataset.js'
import { conformTo, readFileLazy } from './dataset-reader.js'
import type { JoinSpec, UniqueSpec } from './engine-frame.js'
import { decodeExpr, type ExprJson } from './expr-codec.js'
import type { HiveColumn } from './hive-partitioning.js'
import { writeDatasetPart } from './hive-writer.js'
import { lazyOps } from './lazy-ops.js'

/** Where a partition's rows come from: a dataset file, or Arrow IPC bytes of an in-memory frame. */
export type TaskInput =
  | {
      readonly kind: 'file'
      readonly file: DatasetFile
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
  | { readonly kind: 'filter'; readonly predicate: ExprJson }
  | { readonly kind: 'select'; readonly exprs: readonly ExprJson[] }
  | { readonly kind: 'withColumns'; readonly exprs: readonly ExprJson[] }
  /** Join with a frame broadcast to every partition (IPC bytes). */
  | { readonly kind: 'join'; readonly right: Uint8Array; readonly spec: JoinSpec }

/** What each partition returns after its operations. */
export type TaskTail =
  | { readonly kind: 'collect' }
  | { readonly kind: 'count' }
  | { readonly kind: 'head'; readonly n: number }
  | {
      readonly kind: 'sortHead'
      readonly by: readonly ExprJson[]
      readonly descending: readonly boolean[]
      readonly nullsLast: boolean
      readonly n: number
    }
  | { readonly kind: 'unique'; readonly spec: UniqueSpec }
  | { readonly kind: 'partialAgg'; readonly keys: readonly ExprJson[]; readonly aggs: readonly ExprJson[] }
  | {
      readonly kind: 'write'
      readonly dir: string
      readonly format: FormatName
      readonly codec?: Codec
      readonly partitionBy: readonly string[]
      readonly fileStem: string
    }

/** One unit of partitioned work; plain data, so it can be posted to a worker thread. */
export interface PartitionTask {
  readonly input: TaskInput
  readonly ops: readonly TaskOp[]
  readonly tail: TaskTail
}

/** Runs one partition task (in a worker thread or in the calling thread) and returns its result. */
export async function runPartitionTask(task: PartitionTask): Promise<pl.DataFrame> {
  let lf = await inputFrame(task.input)
  for (const op of task.ops) lf = applyOp(lf, op)
  return applyTail(lf, task.tail)
}

async function inputFrame(input: TaskInput): Promise<pl.LazyDataFrame> {
  if (input.kind === 'frame') return input.df.lazy()
  if (input.kind === 'ipc') return pl.readIPC(Buffer.from(input.bytes)).lazy()
  const lf = await readFileLazy(input.file, input.format, input.partitionColumns)
  const schema = pl.readIPC(Buffer.from(input.schema))
  const probe = lf.limit(0).collectSync()
  const conformed = conformTo(probe, schema, input.file.path)
  return conformed === probe
    ? lf
    : lf.select(...schema.columns.map((c) => pl.col(c).cast(schema.getColumn(c).dtype)))
}

function applyOp(lf: pl.LazyDataFrame, op: TaskOp): pl.LazyDataFrame {
  switch (op.kind) {
    case 'filter':
      return lazyOps.filter(lf, decodeExpr(op.predicate))
    case 'select':
      return lazyOps.select(lf, op.exprs.map(decodeExpr))
    case 'withColumns':
      return lazyOps.withColumns(lf, op.exprs.map(decodeExpr))
    case 'join':
      return lazyOps.join(lf, pl.readIPC(Buffer.from(op.right)).lazy(), op.spec)
  }
}

async function applyTail(lf: pl.LazyDataFrame, tail: TaskTail): Promise<pl.DataFrame> {
  switch (tail.kind) {
    case 'collect':
      return lf.collect()
    case 'count':
      return lf.select(pl.len().cast(pl.Float64).alias('len')).collect()
    case 'head':
      return lf.limit(tail.n).collect()
    case 'sortHead':
      return lazyOps
        .sort(lf, { by: tail.by.map(decodeExpr), descending: tail.descending, nullsLast: tail.nullsLast })
        .limit(tail.n)
        .collect()
    case 'unique':
      return lazyOps.unique(lf, tail.spec).collect()
    case 'partialAgg':
      return lf
        .groupBy(tail.keys.map(decodeExpr))
        .agg(...tail.aggs.map(decodeExpr))
        .collect()
    case 'write': {
      const files = await writeDatasetPart(await lf.collect(), tail.dir, {
        format: tail.format,
        partitionBy: tail.partitionBy,
        fileStem: tail.fileStem,
        ...(tail.codec ? { codec: tail.codec } : {}),
      })
      return pl.DataFrame([pl.Series('path', files, pl.Utf8)])
    }
  }
}
