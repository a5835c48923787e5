import pl from 'nodejs-polars'
import { logVerbose } from '../config/config-log.js'
import { startProgress } from '../config/progress-reporter.js'
import { FormatError } from '../errors/pf-error.js'
import { getFormat } from '../format/format-registry.js'
import type { Dataset } from './dataset.js'
import { concatFrames, hiveLiterals } from './dataset-reader.js'
import type { AggregateSpec, EngineFrame, JoinSpec, SortSpec, UniqueSpec } from './engine-frame.js'
import { type ExprPayload, toPayload } from './expr-codec.js'
import { lazyOps } from './lazy-ops.js'
import { planPartialAggregation } from './partial-aggregation.js'
import type { PartitionRef } from './partition-planner.js'
import {
  isPortable,
  type PartitionTask,
  runPartitionTask,
  type TaskInput,
  type TaskOp,
  type TaskTail,
} from './partition-task.js'
import { isRowLocal } from './row-local.js'
import { configuredWorkers, sharedWorkerPool } from './worker-pool.js'

/** A per-partition operation of the plan (expressions still live polars objects). */
type PlanOp =
  | { readonly kind: 'filter'; readonly predicate: pl.Expr }
  | { readonly kind: 'select'; readonly exprs: readonly pl.Expr[] }
  | { readonly kind: 'withColumns'; readonly exprs: readonly pl.Expr[] }
  | { readonly kind: 'join'; readonly right: EngineFrame; readonly spec: JoinSpec }

/** Where a partitioned query's partitions come from. */
type Source =
  | {
      readonly kind: 'dataset'
      readonly dataset: Dataset
      readonly schema: pl.DataFrame
      readonly partitions: readonly PartitionRef[]
    }
  | { readonly kind: 'memory'; readonly frames: readonly pl.DataFrame[] }
  | {
      readonly kind: 'barrier'
      /** Computes the partitions (a group-by, sort, limit … over the parent query). */
      readonly run: () => Promise<pl.DataFrame[]>
      /** The same step as a polars lazy query. */
      readonly lazy: () => pl.LazyDataFrame
      /** Set when the barrier is a sort, so a following limit becomes a per-partition top-k. */
      readonly sorted?: { readonly parent: PartitionedEngine; readonly spec: SortSpec }
    }

/** What `native` is for the partitioned engine: a description of the partitions. */
export interface PartitionedDataset {
  /** `dataset`: files on disk; `memory`: frames in memory; `derived`: the result of a group-by, sort … */
  readonly kind: 'dataset' | 'memory' | 'derived'
  /** The data files (kind `dataset`). */
  readonly files: readonly string[]
  /** Number of partitions (files, or row-group slices of large Parquet files); null until computed. */
  readonly partitions: number | null
  /** Per-partition operations still to run. */
  readonly pendingOperations: number
}

const payloads = new WeakMap<pl.Expr, ExprPayload>()

/** An expression's payload, serialised once per expression object. */
function payload(expr: pl.Expr): ExprPayload {
  let out = payloads.get(expr)
  if (out === undefined) {
    out = toPayload(expr)
    payloads.set(expr, out)
  }
  return out
}

/** Join kinds that can run partition by partition against a broadcast right side. */
const STREAMING_JOINS = new Set(['inner', 'left', 'semi', 'anti', 'cross'])

/**
 * The partitioned engine: a dataset processed one partition (file) at a time, in parallel on
 * worker threads (`maxWorkers`). Filters, projections, new columns and joins against a small right
 * side stream per partition; group-bys combine per-partition partial aggregates (sum, count, len,
 * min, max, mean) or else aggregate the concatenated filtered partitions; unique and sort+limit
 * reduce per partition first. A plain sort concatenates the partitions.
 */
export class PartitionedEngine implements EngineFrame {
  readonly engineName = 'partitioned' as const

  private constructor(
    private readonly source: Source,
    private readonly ops: readonly PlanOp[],
    readonly template: pl.DataFrame,
  ) {}

  /**
   * A partitioned query over a dataset; `schema` is an empty frame with the dataset's schema,
   * `partitions` the files or file slices (default: one partition per file).
   */
  static fromDataset(
    dataset: Dataset,
    schema: pl.DataFrame,
    partitions: readonly PartitionRef[] = dataset.files.map((file) => ({ file })),
  ): PartitionedEngine {
    return new PartitionedEngine({ kind: 'dataset', dataset, schema, partitions }, [], schema)
  }

  /** A partitioned query over in-memory frames of one schema. */
  static fromFrames(frames: readonly pl.DataFrame[]): PartitionedEngine {
    const first = frames[0]
    if (!first) throw new FormatError('A partitioned frame needs at least one partition')
    return new PartitionedEngine({ kind: 'memory', frames }, [], first.head(0))
  }

  get native(): PartitionedDataset {
    const kind = this.source.kind === 'barrier' ? 'derived' : this.source.kind
    const files = this.source.kind === 'dataset' ? this.source.dataset.files.map((f) => f.path) : []
    const partitions =
      this.source.kind === 'dataset'
        ? this.source.partitions.length
        : this.source.kind === 'memory'
          ? this.source.frames.length
          : null
    return { kind, files, partitions, pendingOperations: this.ops.length }
  }

  private withOp(op: PlanOp, template: pl.DataFrame): PartitionedEngine {
    return new PartitionedEngine(this.source, [...this.ops, op], template)
  }

  private static barrier(
    template: pl.DataFrame,
    run: () => Promise<pl.DataFrame[]>,
    lazy: () => pl.LazyDataFrame,
    sorted?: { parent: PartitionedEngine; spec: SortSpec },
  ): PartitionedEngine {
    return new PartitionedEngine({ kind: 'barrier', run, lazy, ...(sorted ? { sorted } : {}) }, [], template)
  }

  filter(predicate: pl.Expr): EngineFrame {
    const step = (lf: pl.LazyDataFrame) => lazyOps.filter(lf, predicate)
    const template = step(this.template.lazy()).collectSync()
    if (!isRowLocal(predicate)) return this.whole('filter', template, step)
    return this.withOp({ kind: 'filter', predicate }, template)
  }
  select(exprs: readonly pl.Expr[]): EngineFrame {
    const step = (lf: pl.LazyDataFrame) => lazyOps.select(lf, exprs)
    const template = step(this.template.lazy()).collectSync()
    if (!exprs.every(isRowLocal)) return this.whole('select', template, step)
    return this.withOp({ kind: 'select', exprs }, template)
  }
  withColumns(exprs: readonly pl.Expr[]): EngineFrame {
    const step = (lf: pl.LazyDataFrame) => lazyOps.withColumns(lf, exprs)
    const template = step(this.template.lazy()).collectSync()
    if (!exprs.every(isRowLocal)) return this.whole('withColumns', template, step)
    return this.withOp({ kind: 'withColumns', exprs }, template)
  }

  /**
   * A step whose expressions are not row-local (an aggregation, a window, `shift`, `head` …: row-local.ts): run per
   * partition it would answer for each partition, so it runs once over the concatenated partitions (their own
   * filters and projections applied first, so memory is bounded by what they keep, as for a group-by that does not
   * decompose).
   */
  private whole(
    what: string,
    template: pl.DataFrame,
    step: (lf: pl.LazyDataFrame) => pl.LazyDataFrame,
  ): EngineFrame {
    return PartitionedEngine.barrier(
      template,
      async () => {
        logVerbose(
          `partitioned ${what}: an expression is not row by row; running it over the concatenated partitions`,
        )
        return [step((await this.collect()).lazy()).collectSync()]
      },
      () => step(this.toLazyDataFrame()),
    )
  }

  join(right: EngineFrame, spec: JoinSpec): EngineFrame {
    const template = lazyOps.join(this.template.lazy(), right.template.lazy(), spec).collectSync()
    if (STREAMING_JOINS.has(spec.how)) return this.withOp({ kind: 'join', right, spec }, template)
    return PartitionedEngine.barrier(
      template,
      async () => [
        lazyOps.join((await this.collect()).lazy(), (await right.collect()).lazy(), spec).collectSync(),
      ],
      () => lazyOps.join(this.toLazyDataFrame(), right.toLazyDataFrame(), spec),
    )
  }

  aggregate(spec: AggregateSpec): EngineFrame {
    const unsorted = this.template
      .lazy()
      .groupBy([...spec.keys])
      .agg(...spec.aggs)
      .collectSync()
    const keyNames = unsorted.columns.slice(0, spec.keys.length)
    const template = unsorted
    const plan = planPartialAggregation(spec, unsorted)
    const finish = (lf: pl.LazyDataFrame) => (spec.sort ? lf.sort([...keyNames], false, false, true) : lf)
    const run = async (): Promise<pl.DataFrame[]> => {
      if (!plan) {
        logVerbose(
          'partitioned group-by: aggregation does not decompose; aggregating the concatenated partitions',
        )
        return [lazyOps.aggregate((await this.collect()).lazy(), spec, keyNames).collectSync()]
      }
      const partials = await this.runTasks({
        kind: 'partialAgg',
        keys: spec.keys.map(payload),
        aggs: plan.partials.map(payload),
      })
      const combined = concatFrames(partials, 'partial aggregates')
        .lazy()
        .groupBy([...plan.keyNames])
        .agg(...plan.combine)
      return [finish(combined).collectSync()]
    }
    return PartitionedEngine.barrier(template, run, () =>
      lazyOps.aggregate(this.toLazyDataFrame(), spec, keyNames),
    )
  }

  sort(spec: SortSpec): EngineFrame {
    return PartitionedEngine.barrier(
      this.template,
      async () => [lazyOps.sort((await this.collect()).lazy(), spec).collectSync()],
      () => lazyOps.sort(this.toLazyDataFrame(), spec),
      { parent: this, spec },
    )
  }

  limit(n: number): EngineFrame {
    const sorted = this.ops.length === 0 && this.source.kind === 'barrier' ? this.source.sorted : undefined
    // A per-partition top-k ranks rows by the sort's expressions evaluated in each partition: only row-local ones
    // rank a row the same there as in the whole input.
    if (sorted?.spec.by.every(isRowLocal)) {
      const { parent, spec } = sorted
      return PartitionedEngine.barrier(
        this.template,
        async () => {
          const tops = await parent.runTasks({
            kind: 'sortHead',
            by: spec.by.map(payload),
            descending: spec.descending,
            nullsLast: spec.nullsLast,
            n,
          })
          return [lazyOps.sort(concatFrames(tops, 'sorted partitions').lazy(), spec).limit(n).collectSync()]
        },
        () => lazyOps.limit(this.toLazyDataFrame(), n),
      )
    }
    return PartitionedEngine.barrier(
      this.template,
      async () => [await this.head(n)],
      () => lazyOps.limit(this.toLazyDataFrame(), n),
    )
  }

  unique(spec: UniqueSpec): EngineFrame {
    return PartitionedEngine.barrier(
      this.template,
      async () => {
        const parts =
          spec.keep === 'none' ? [await this.collect()] : await this.runTasks({ kind: 'unique', spec })
        return [lazyOps.unique(concatFrames(parts, 'unique partitions').lazy(), spec).collectSync()]
      },
      () => lazyOps.unique(this.toLazyDataFrame(), spec),
    )
  }

  async collect(): Promise<pl.DataFrame> {
    const parts = (await this.runTasks({ kind: 'collect' })).filter((df) => df.height > 0)
    return parts.length === 0 ? this.template : concatFrames(parts, 'partitions')
  }

  async height(): Promise<number> {
    const counts = await this.runTasks({ kind: 'count' })
    return counts.reduce((sum, df) => sum + Number(df.getColumn('len').get(0)), 0)
  }

  /**
   * Writes each partition's result as part files under `dir` (hive `col=value/` directories when
   * `partitionBy` is not empty), partition by partition. Returns the files written.
   */
  async writeParts(
    dir: string,
    spec: Omit<Extract<TaskTail, { kind: 'write' }>, 'kind' | 'fileStem' | 'dir'>,
    runId: string,
  ): Promise<string[]> {
    const inputs = await this.inputs()
    const results = await this.runInputs(
      inputs.map((input, i) => ({
        input,
        tail: { kind: 'write', dir, ...spec, fileStem: `${String(i).padStart(5, '0')}-${runId}` },
      })),
    )
    return results.flatMap((df) => df.getColumn('path').toArray() as string[])
  }

  toLazyDataFrame(): pl.LazyDataFrame {
    let lf: pl.LazyDataFrame
    const source = this.source
    if (source.kind === 'memory') lf = pl.concat(source.frames.map((f) => f.lazy()))
    else if (source.kind === 'barrier') lf = source.lazy()
    else {
      const { dataset, schema } = source
      const storage = getFormat(dataset.format)
      const scan = storage.scan
      if (!scan) {
        throw new FormatError(
          `A partitioned ${dataset.format} dataset (${dataset.source}) cannot be used as a lazy query without reading it: collect it first`,
        )
      }
      const scans = dataset.files.map((f) => {
        const one = scan.call(storage, f.path)
        return dataset.partitionColumns.length > 0
          ? one.withColumns(...hiveLiterals(f, dataset.partitionColumns))
          : one
      })
      lf = (
        scans.length === 1 ? (scans[0] as pl.LazyDataFrame) : pl.concat(scans, { how: 'verticalRelaxed' })
      ).select(...schema.columns.map((c) => pl.col(c).cast(schema.getColumn(c).dtype)))
    }
    for (const op of this.ops) {
      if (op.kind === 'filter') lf = lazyOps.filter(lf, op.predicate)
      else if (op.kind === 'select') lf = lazyOps.select(lf, op.exprs)
      else if (op.kind === 'withColumns') lf = lazyOps.withColumns(lf, op.exprs)
      else lf = lazyOps.join(lf, op.right.toLazyDataFrame(), op.spec)
    }
    return lf
  }

  /** The first `n` rows, running partitions a batch at a time until there are enough. */
  private async head(n: number): Promise<pl.DataFrame> {
    const inputs = await this.inputs()
    const batch = Math.max(1, configuredWorkers())
    const parts: pl.DataFrame[] = []
    let rows = 0
    for (let i = 0; i < inputs.length && rows < n; i += batch) {
      const results = await this.runInputs(
        inputs.slice(i, i + batch).map((input) => ({ input, tail: { kind: 'head', n: n - rows } })),
      )
      for (const df of results) {
        if (rows >= n) break
        parts.push(df)
        rows += df.height
      }
    }
    return parts.length === 0 ? this.template : concatFrames(parts, 'partitions').head(n)
  }

  private async inputs(): Promise<TaskInput[]> {
    const source = this.source
    if (source.kind === 'dataset') {
      const schema = source.schema.writeIPC()
      return source.partitions.map(({ file, slice }) => ({
        kind: 'file',
        file,
        ...(slice ? { slice } : {}),
        format: source.dataset.format,
        partitionColumns: source.dataset.partitionColumns,
        schema,
      }))
    }
    const frames = source.kind === 'memory' ? source.frames : await source.run()
    return frames.map((df) => ({ kind: 'frame', df }))
  }

  private async encodeOps(): Promise<TaskOp[]> {
    const out: TaskOp[] = []
    for (const op of this.ops) {
      if (op.kind === 'filter') out.push({ kind: 'filter', predicate: payload(op.predicate) })
      else if (op.kind === 'join')
        out.push({ kind: 'join', right: (await op.right.collect()).writeIPC(), spec: op.spec })
      else out.push({ kind: op.kind, exprs: op.exprs.map(payload) })
    }
    return out
  }

  private async runTasks(tail: TaskTail): Promise<pl.DataFrame[]> {
    const inputs = await this.inputs()
    return this.runInputs(inputs.map((input) => ({ input, tail })))
  }

  /**
   * Runs tasks over the plan's operations: on worker threads when there are several file
   * partitions and every expression serialises, else one partition at a time in this thread.
   */
  private async runInputs(jobs: readonly { input: TaskInput; tail: TaskTail }[]): Promise<pl.DataFrame[]> {
    const ops = await this.encodeOps()
    const tasks: PartitionTask[] = jobs.map((job) => ({ input: job.input, ops, tail: job.tail }))
    const workers = configuredWorkers()
    const portable = tasks.filter(isPortable).length
    const parallel = workers > 1 && portable > 1
    if (!parallel && workers > 1 && tasks.some((t) => t.input.kind === 'file') && portable < tasks.length) {
      logVerbose('partitioned: an expression cannot be serialised for worker threads; running in this thread')
    }
    const progress = startProgress('partitions', tasks.length)
    logVerbose(
      `partitioned: ${tasks.length} partition(s) ${parallel ? `on ${workers} worker threads` : 'in this thread'}`,
    )
    const run = async (task: PartitionTask) => {
      const df =
        parallel && isPortable(task)
          ? await sharedWorkerPool(workers).run(task)
          : await runPartitionTask(task)
      progress.advance()
      return df
    }
    try {
      if (parallel) return await Promise.all(tasks.map(run))
      const out: pl.DataFrame[] = []
      for (const task of tasks) out.push(await run(task))
      return out
    } finally {
      progress.done()
    }
  }
}
