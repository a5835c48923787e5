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
  /** `source` names what the scan reads (file, directory or glob), so errors deferred to collect name it. */
  constructor(
    readonly native: pl.LazyDataFrame,
    readonly source?: string,
  ) {}

  get template(): pl.DataFrame {
    this.cachedTemplate ??= this.named(() => emptyResult(this.native))
    return this.cachedTemplate
  }

  filter(predicate: pl.Expr): EngineFrame {
    return this.next(lazyOps.filter(this.native, predicate))
  }
  select(exprs: readonly pl.Expr[]): EngineFrame {
    return this.next(lazyOps.select(this.native, exprs))
  }
  withColumns(exprs: readonly pl.Expr[]): EngineFrame {
    return this.next(lazyOps.withColumns(this.native, exprs))
  }
  aggregate(spec: AggregateSpec): EngineFrame {
    return this.next(lazyOps.aggregate(this.native, spec, aggregateKeyNames(this.template, spec)))
  }
  sort(spec: SortSpec): EngineFrame {
    return this.next(lazyOps.sort(this.native, spec))
  }
  limit(n: number): EngineFrame {
    return this.next(lazyOps.limit(this.native, n))
  }
  join(right: EngineFrame, spec: JoinSpec): EngineFrame {
    return this.next(lazyOps.join(this.native, right.toLazyDataFrame(), spec))
  }
  unique(spec: UniqueSpec): EngineFrame {
    return this.next(lazyOps.unique(this.native, spec))
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

  private next(lf: pl.LazyDataFrame): LazyEngine {
    return new LazyEngine(lf, this.source)
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
