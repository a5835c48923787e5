import { randomUUID } from 'node:crypto'
import { readdir, rm } from 'node:fs/promises'
import type { DataType } from 'nodejs-polars'
import pl from 'nodejs-polars'
import { EagerEngine } from '../engine/eager-engine.js'
import type { EngineFrame, JoinSpec } from '../engine/engine-frame.js'
import type { EngineName } from '../engine/engine-name.js'
import { writeDatasetPart, writeFileAtomic } from '../engine/hive-writer.js'
import { LazyEngine } from '../engine/lazy-engine.js'
import { PartitionedEngine } from '../engine/partitioned-engine.js'
import { formatForPath, getFormat } from '../format/format-registry.js'
import type { FormatName } from '../format/storage-format.js'
import { FrameError } from './frame-error.js'
import { FrameGroupBy } from './frame-group-by.js'
import type {
  ColumnRef,
  GroupByOptions,
  JoinOptions,
  SortOptions,
  ToAvroOptions,
  UniqueOptions,
  WriteFrameOptions,
} from './frame-options.js'
import { dataFrameToRecords } from './records-converter.js'

const toExpr = (ref: ColumnRef): pl.Expr => (typeof ref === 'string' ? pl.col(ref) : ref)
const list = <T>(value: T | readonly T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? [...(value as readonly T[])] : [value as T]
const flatRefs = (refs: readonly (ColumnRef | readonly ColumnRef[])[]): pl.Expr[] =>
  refs.flatMap((r) => list<ColumnRef>(r as ColumnRef | readonly ColumnRef[])).map(toExpr)

/**
 * The unified dataframe: one native object underneath (a polars DataFrame, a polars
 * LazyDataFrame, or a partitioned dataset), the same operations and results on every engine.
 * Operations return new Frames; `collect()`, `height()`, `toRecords()` and `write()` run them.
 */
export class Frame {
  private constructor(private readonly inner: EngineFrame) {}

  /** @internal Wraps an engine's frame. */
  static fromEngine(inner: EngineFrame): Frame {
    return new Frame(inner)
  }

  /** An eager Frame over a polars DataFrame. */
  static fromDataFrame(df: pl.DataFrame): Frame {
    return new Frame(new EagerEngine(df))
  }

  /** A lazy Frame over a polars LazyDataFrame. */
  static fromLazyDataFrame(lf: pl.LazyDataFrame): Frame {
    return new Frame(new LazyEngine(lf))
  }

  /** Which engine runs this frame. */
  get engineName(): EngineName {
    return this.inner.engineName
  }

  /** The native object: polars DataFrame (eager), LazyDataFrame (lazy) or a PartitionedDataset description. */
  get native(): unknown {
    return this.inner.native
  }

  /** Column names, in order. */
  get columns(): string[] {
    return this.inner.template.columns
  }

  /** Column names and polars dtypes. */
  get schema(): Record<string, DataType> {
    return this.inner.template.schema
  }

  /** Number of rows (runs the query on lazy and partitioned frames). */
  height(): Promise<number> {
    return this.inner.height()
  }

  /** Rows where the predicate is true; a string names a boolean column. */
  filter(predicate: ColumnRef): Frame {
    return new Frame(this.inner.filter(toExpr(predicate)))
  }

  /** Only these columns or expressions. */
  select(...columns: (ColumnRef | readonly ColumnRef[])[]): Frame {
    const exprs = flatRefs(columns)
    if (exprs.length === 0) throw new FrameError('select() needs at least one column')
    return new Frame(this.inner.select(exprs))
  }

  /** Adds or replaces columns: `withColumns(pl.col('a').mul(2).alias('a2'))`. */
  withColumns(...columns: (ColumnRef | readonly ColumnRef[])[]): Frame {
    return new Frame(this.inner.withColumns(flatRefs(columns)))
  }

  /** Groups rows by keys; finish with `.agg(...)` or `.sum()`, `.mean()`, `.count()`, `.min()`, `.max()`. */
  groupBy(keys: ColumnRef | readonly ColumnRef[], options: GroupByOptions = {}): FrameGroupBy {
    const exprs = list<ColumnRef>(keys).map(toExpr)
    if (exprs.length === 0) throw new FrameError('groupBy() needs at least one key')
    return new FrameGroupBy(this.inner, exprs, options.sort ?? true)
  }

  /** Sorts by columns or expressions (stable). */
  sort(by: ColumnRef | readonly ColumnRef[], options: SortOptions = {}): Frame {
    const exprs = list<ColumnRef>(by).map(toExpr)
    if (exprs.length === 0) throw new FrameError('sort() needs at least one key')
    const flags = list<boolean>(options.descending ?? false)
    const descending = exprs.map((_, i) => flags[flags.length === 1 ? 0 : i] ?? false)
    return new Frame(this.inner.sort({ by: exprs, descending, nullsLast: options.nullsLast ?? false }))
  }

  /** The first `n` rows. */
  limit(n: number): Frame {
    if (!Number.isInteger(n) || n < 0) throw new FrameError(`limit() needs a non-negative integer, got ${n}`)
    return new Frame(this.inner.limit(n))
  }

  /** The first `n` rows. Default 5. */
  head(n = 5): Frame {
    return this.limit(n)
  }

  /** Joins with another frame (the right side is brought into memory when this frame is partitioned). */
  join(other: Frame, options: JoinOptions = {}): Frame {
    const how = options.how ?? 'inner'
    const leftOn = list(options.leftOn ?? options.on)
    const rightOn = list(options.rightOn ?? options.on)
    if (how !== 'cross' && (leftOn.length === 0 || leftOn.length !== rightOn.length)) {
      throw new FrameError(
        `join(${how}) needs \`on\`, or \`leftOn\` and \`rightOn\` of the same length (got ${leftOn.length} and ${rightOn.length})`,
      )
    }
    for (const [side, names, columns] of [
      ['left', leftOn, this.columns],
      ['right', rightOn, other.columns],
    ] as const) {
      const missing = names.filter((n) => !columns.includes(n))
      if (missing.length > 0) {
        throw new FrameError(`join: ${side} frame has no column ${missing.map((m) => `"${m}"`).join(', ')}`)
      }
    }
    const spec: JoinSpec = { leftOn, rightOn, how, suffix: options.suffix ?? '_right' }
    return new Frame(this.inner.join(other.inner, spec))
  }

  /** Drops duplicate rows (keeping the first, in order, by default). */
  unique(options: UniqueOptions = {}): Frame {
    const subset = options.subset === undefined ? undefined : list(options.subset)
    return new Frame(
      this.inner.unique({
        ...(subset ? { subset } : {}),
        keep: options.keep ?? 'first',
        maintainOrder: options.maintainOrder ?? true,
      }),
    )
  }

  /** Runs the query; the result is an eager Frame (same as `toEager()`). */
  async collect(): Promise<Frame> {
    return this.toEager()
  }

  /** Runs the query and returns the polars DataFrame. */
  toDataFrame(): Promise<pl.DataFrame> {
    return this.inner.collect()
  }

  /** This frame on the eager engine (runs the query). */
  async toEager(): Promise<Frame> {
    if (this.inner instanceof EagerEngine) return this
    return new Frame(new EagerEngine(await this.inner.collect()))
  }

  /** This frame on the lazy engine (a partitioned query becomes one polars lazy query where it can). */
  async toLazy(): Promise<Frame> {
    if (this.inner instanceof LazyEngine) return this
    try {
      return new Frame(new LazyEngine(this.inner.toLazyDataFrame()))
    } catch {
      return new Frame(new LazyEngine((await this.inner.collect()).lazy()))
    }
  }

  /** This frame on the partitioned engine (an eager or lazy frame becomes one in-memory partition). */
  async toPartitioned(): Promise<Frame> {
    if (this.inner instanceof PartitionedEngine) return this
    return new Frame(PartitionedEngine.fromFrames([await this.inner.collect()]))
  }

  /** Rows as plain objects (column-wise conversion, several times faster than polars' `toRecords()`). */
  async toRecords(): Promise<Record<string, unknown>[]> {
    return dataFrameToRecords(await this.inner.collect())
  }

  /**
   * Writes the result: one file (format from `format` or the extension, written atomically), or with
   * `partitionBy` a directory of hive-style part files, which a partitioned frame writes partition
   * by partition. Returns this frame.
   */
  async write(path: string, options: WriteFrameOptions = {}): Promise<Frame> {
    if (options.partitionBy === undefined) {
      const format: FormatName = options.format ?? formatForPath(path).name
      await writeFileAtomic(await this.inner.collect(), path, format, options.codec)
      return this
    }
    const format = options.format ?? 'parquet'
    getFormat(format)
    const partitionBy = list(options.partitionBy)
    for (const column of partitionBy) {
      if (!this.columns.includes(column)) {
        throw new FrameError(
          `partitionBy column "${column}" is not in the frame (columns: ${this.columns.join(', ')})`,
        )
      }
    }
    await prepareDirectory(path, options.mode ?? 'error')
    const runId = randomUUID()
    const spec = { format, partitionBy, ...(options.codec ? { codec: options.codec } : {}) }
    if (this.inner instanceof PartitionedEngine) await this.inner.writeParts(path, spec, runId)
    else await writeDatasetPart(await this.inner.collect(), path, { ...spec, fileStem: `00000-${runId}` })
    return this
  }

  /** Writes an Avro file (inferred or given schema; codec null, deflate or snappy). Returns this frame. */
  async toAvro(path: string, options: ToAvroOptions = {}): Promise<Frame> {
    const df = await this.inner.collect()
    await getFormat('avro').write(df, path, {
      ...(options.codec ? { codec: options.codec } : {}),
      ...(options.schema !== undefined ? { avroSchema: options.schema } : {}),
    })
    return this
  }
}

async function prepareDirectory(path: string, mode: 'error' | 'overwrite' | 'append'): Promise<void> {
  const entries = await readdir(path).catch(() => [] as string[])
  if (entries.length === 0 || mode === 'append') return
  if (mode === 'error') {
    throw new FrameError(`Directory ${path} is not empty: pass { mode: 'overwrite' } or { mode: 'append' }`)
  }
  await rm(path, { recursive: true, force: true })
}
