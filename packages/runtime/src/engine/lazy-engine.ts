import type pl from 'nodejs-polars'
import { FormatError, ParquetFrameError } from '../errors/pf-error.js'
import { safeCollect } from '../format/safe-collect.js'
import type { AggregateSpec, EngineFrame, JoinSpec, SortSpec, UniqueSpec } from './engine-frame.js'
import { aggregateKeyNames, emptyResult, lazyHeight, lazyOps } from './lazy-ops.js'

/** polars messages of a failed file read (decoding, corrupt or unsupported data, a caught panic), not of a query. */
const READ_FAILURE =
  /parquet|avro|\bipc\b|csv|out of spec|thrift|unwrap\(\)|panicked|not yet implemented|io error|decompress|utf-?8/i

/** The lazy engine: a polars LazyDataFrame (scans with predicate and projection pushdown), run on collect. */
export class LazyEngine implements EngineFrame {
  readonly engineName = 'lazy' as const
  private cachedTemplate: pl.DataFrame | undefined
  /**
   * `source` names what the scan reads (file, directory or glob), so errors deferred to collect name it.
   * `deriveTemplate` makes this frame's empty template from its parent's by the same operation: running a
   * filtered scan with `limit(0)` reads the whole file (240 ms for 10M rows), an operation on an empty frame
   * costs microseconds.
   */
  constructor(
    readonly native: pl.LazyDataFrame,
    readonly source?: string,
    private readonly deriveTemplate?: () => pl.DataFrame,
  ) {}

  get template(): pl.DataFrame {
    this.cachedTemplate ??= this.named(() => this.deriveTemplate?.() ?? emptyResult(this.native))
    return this.cachedTemplate
  }

  filter(predicate: pl.Expr): EngineFrame {
    return this.next((lf) => lazyOps.filter(lf, predicate))
  }
  select(exprs: readonly pl.Expr[]): EngineFrame {
    return this.next((lf) => lazyOps.select(lf, exprs))
  }
  withColumns(exprs: readonly pl.Expr[]): EngineFrame {
    return this.next((lf) => lazyOps.withColumns(lf, exprs))
  }
  aggregate(spec: AggregateSpec): EngineFrame {
    const keys = aggregateKeyNames(this.template, spec)
    return this.next((lf) => lazyOps.aggregate(lf, spec, keys))
  }
  sort(spec: SortSpec): EngineFrame {
    return this.next((lf) => lazyOps.sort(lf, spec))
  }
  limit(n: number): EngineFrame {
    return this.next((lf) => lazyOps.limit(lf, n))
  }
  join(right: EngineFrame, spec: JoinSpec): EngineFrame {
    return new LazyEngine(lazyOps.join(this.native, right.toLazyDataFrame(), spec), this.source, () =>
      lazyOps.join(this.template.lazy(), right.template.lazy(), spec).collectSync(),
    )
  }
  unique(spec: UniqueSpec): EngineFrame {
    return this.next((lf) => lazyOps.unique(lf, spec))
  }
  collect(): Promise<pl.DataFrame> {
    return this.named(() => safeCollect(this.native))
  }
  height(): Promise<number> {
    return this.named(() => lazyHeight(this.native))
  }
  toLazyDataFrame(): pl.LazyDataFrame {
    return this.native
  }

  /** The frame after `op`, whose template is `op` run on this frame's template. */
  private next(op: (lf: pl.LazyDataFrame) => pl.LazyDataFrame): LazyEngine {
    return new LazyEngine(op(this.native), this.source, () => op(this.template.lazy()).collectSync())
  }

  /** Runs `fn`; a failure reading the named source (not a mistake in the query) becomes a FormatError naming it. */
  private named<T>(fn: () => T): T {
    if (this.source === undefined) return fn()
    const rename = (cause: unknown): never => {
      const message = cause instanceof Error ? cause.message : String(cause)
      if (cause instanceof ParquetFrameError || !READ_FAILURE.test(message)) throw cause
      throw new FormatError(`Cannot read ${this.source}: ${message}`, { cause })
    }
    try {
      const out = fn()
      return out instanceof Promise ? (out.catch(rename) as T) : out
    } catch (cause) {
      return rename(cause)
    }
  }
}
