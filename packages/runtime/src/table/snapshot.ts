import pl from 'nodejs-polars'
import { deletionVectorId } from '../delta/delta-actions.js'
import { stackFrames } from '../frame/stack-frames.js'
import type { EntityIR, FieldIR } from '../schema/schema-ir.js'
import { mapBounded } from './bounded-map.js'
import type { DataFileStore } from './data-file-store.js'
import { compare, mayContain, type Range, statKind, toComparable } from './file-stats.js'
import type { Key, KeyCodec } from './key-codec.js'
import type { KeyIndexCache } from './key-index-cache.js'
import { keyRangeOf } from './key-range.js'
import type { TableMetadata } from './log-entry.js'
import { polarsSchemaForEntity, polarsTypeForField } from './polars-schema.js'
import { type ColumnPredicate, fileMayMatch, predicateExpr } from './scan-predicate.js'
import { type LiveFile, liveRows, type TableState } from './table-state.js'

/** What to read: columns, a simple predicate (prunes files by statistics and filters rows), primary keys. */
export interface ScanOptions {
  /** Only these columns. Default: all, in schema order. */
  readonly columns?: readonly string[]
  /** ANDed conditions; files whose statistics rule them out are not read. */
  readonly where?: readonly ColumnPredicate[]
  /** Only rows with these primary keys; files whose key range cannot hold them are not read. */
  readonly keys?: readonly Key[]
  /**
   * Whether `where` also filters rows (default true). False: it only prunes files by their statistics — for
   * callers that filter rows with an expression of their own (building polars expressions is not free).
   */
  readonly filterRows?: boolean
}

/** Where keys live: live file path → the encoded keys found in it and their row count. */
export type KeyLocations = Map<string, { keys: string[]; rows: number }>

/** The tools a snapshot reads with; one per table and metadata. */
export interface SnapshotContext {
  readonly table: string
  /** Which table this is (table id and version 0's file identity): keys the process-wide key index. */
  readonly identity: string
  readonly store: DataFileStore
  readonly codec: KeyCodec
  readonly keyIndex: KeyIndexCache
}

/** Key frames up to this many rows are located key by key (warm key index, equality filters). */
const SMALL_KEY_FRAME = 64

/** The min/max of a key frame's leading column, parsed like file statistics (exact for Int64). */
function frameKeyRange(keys: pl.DataFrame, codec: KeyCodec): Range | undefined {
  const field = codec.fields[0]
  const column = codec.columns[0]
  if (!field || column === undefined) return undefined
  const kind = statKind(field)
  const bounds = keys.select(
    pl.col(column).min().cast(pl.Utf8).alias('min'),
    pl.col(column).max().cast(pl.Utf8).alias('max'),
  )
  const min = bounds.getColumn('min').get(0) as string | null
  const max = bounds.getColumn('max').get(0) as string | null
  if (min === null || max === null) return undefined
  return { min: toComparable(kind, min), max: toComparable(kind, max) }
}

/** Whether two key ranges may share a key (a file without a range may hold anything). */
function overlaps(file: Range | undefined, keys: Range): boolean {
  if (!file) return true
  return compare(keys.min, file.max) <= 0 && compare(keys.max, file.min) >= 0
}

/** One version of a table, immutable: its schema, its live files and how to read them. */
export class Snapshot {
  private readonly fieldsByColumn: ReadonlyMap<string, FieldIR>

  constructor(
    private readonly ctx: SnapshotContext,
    /** The replayed log state of this version. */
    readonly state: TableState,
  ) {
    this.fieldsByColumn = new Map(state.metadata.entity.fields.map((f) => [f.column, f]))
  }

  /** The version number. */
  get version(): number {
    return this.state.version
  }
  /** When the version was committed. */
  get timestamp(): Date {
    return new Date(this.state.timestamp)
  }
  get metadata(): TableMetadata {
    return this.state.metadata
  }
  get entity(): EntityIR {
    return this.state.metadata.entity
  }
  /** Live data files, oldest first. */
  get files(): readonly LiveFile[] {
    return [...this.state.files.values()]
  }
  /** Visible rows, from the log alone (no file is read). */
  get numRows(): number {
    return liveRows(this.state)
  }

  private keyFrame = (keys: readonly string[]): pl.DataFrame => this.ctx.codec.frame(keys)

  /** Live files that may hold keys, with the keys each may hold (deleted ones excluded). */
  private candidates(encoded: readonly string[]): Map<LiveFile, string[]> {
    const out = new Map<LiveFile, string[]>()
    const files = this.files.map((f) => ({ f, range: keyRangeOf(f.add, this.metadata) }))
    for (const key of encoded) {
      const lead = this.ctx.codec.leading(key)
      for (const { f, range } of files) {
        if (!mayContain(range, lead) || f.deleted.has(key)) continue
        const list = out.get(f)
        if (list) list.push(key)
        else out.set(f, [key])
      }
    }
    return out
  }

  /** Files to read for a scan, pruned by the predicate and keys. */
  private pruned(options: ScanOptions): LiveFile[] {
    let files: LiveFile[] = [...this.state.files.values()]
    if (options.where && options.where.length > 0) {
      const { mapping } = this.ctx.store
      // Statistics are keyed by stored column names (they differ after a rename).
      const where = options.where.map((p) => ({ ...p, column: mapping.stored(p.column) }))
      const fields = mapping.identity ? this.fieldsByColumn : this.storedFields()
      files = files.filter((f) => fileMayMatch(f.add, fields, where))
    }
    if (options.keys) {
      const keyed = this.candidates(options.keys.map((k) => this.ctx.codec.encode(k)))
      files = files.filter((f) => keyed.has(f))
    }
    return files
  }

  private storedFields(): ReadonlyMap<string, FieldIR> {
    const { mapping } = this.ctx.store
    return new Map([...this.fieldsByColumn].map(([c, f]) => [mapping.stored(c), f]))
  }

  private emptyFrame(columns?: readonly string[]): pl.DataFrame {
    const schema = polarsSchemaForEntity(this.entity, this.metadata.enums)
    const names = columns ?? Object.keys(schema)
    return pl.DataFrame(names.map((c) => pl.Series(c, [], pl.Utf8).cast(schema[c] ?? pl.Utf8)))
  }

  private rowFilter(options: ScanOptions): pl.Expr | undefined {
    if (options.filterRows === false) return undefined
    const where = predicateExpr(this.fieldsByColumn, options.where ?? [])
    return where
  }

  private withKeys(lf: pl.LazyDataFrame, options: ScanOptions): pl.LazyDataFrame {
    if (!options.keys) return lf
    const frame = this.keyFrame(options.keys.map((k) => this.ctx.codec.encode(k)))
    return lf.join(frame.lazy(), { on: [...this.ctx.codec.columns], how: 'semi' })
  }

  /**
   * A lazy frame over the live files (pruned by `where`/`keys` statistics, deleted
   * keys removed). Files are checked to exist with their recorded size first.
   */
  async scan(options: ScanOptions = {}): Promise<pl.LazyDataFrame> {
    const files = this.pruned(options)
    const { store } = this.ctx
    const readColumns = this.readColumns(options)
    let lf: pl.LazyDataFrame
    if (files.length === 0) {
      lf = this.emptyFrame(readColumns).lazy()
    } else if (store.lazy) {
      // A bounded number of files at a time: opening (and checksumming) every file at once needs a descriptor per
      // file (EMFILE past the process limit) and holds all their bytes in memory together.
      const parts = await mapBounded(files, (f) =>
        store.scan(f, this.keyFrame, this.ctx.codec.columns, readColumns),
      )
      lf = parts.length === 1 ? (parts[0] as pl.LazyDataFrame) : pl.concat(parts, { how: 'vertical' })
    } else {
      lf = (await this.readFiles(files, readColumns)).lazy()
    }
    return this.finish(lf, options)
  }

  /** Columns needed to evaluate the options, plus the requested ones. */
  private readColumns(options: ScanOptions): readonly string[] | undefined {
    if (!options.columns) return undefined
    const extra = [
      ...(options.where ?? []).map((p) => p.column),
      ...(options.keys ? this.ctx.codec.columns : []),
    ]
    return [...new Set([...options.columns, ...extra])]
  }

  private finish(lf: pl.LazyDataFrame, options: ScanOptions): pl.LazyDataFrame {
    const filter = this.rowFilter(options)
    let out = this.withKeys(filter ? lf.filter(filter) : lf, options)
    if (options.columns) out = out.select(...options.columns)
    return out
  }

  private async readFiles(files: readonly LiveFile[], columns?: readonly string[]): Promise<pl.DataFrame> {
    const frames: pl.DataFrame[] = []
    for (const f of files)
      frames.push(await this.ctx.store.read(f, this.keyFrame, this.ctx.codec.columns, columns))
    if (frames.length === 0) return this.emptyFrame(columns)
    return stackFrames(frames)
  }

  /**
   * Reads eagerly. Every file's row count is checked against the log, so a
   * damaged file fails with an error naming it instead of losing rows.
   */
  async read(options: ScanOptions = {}): Promise<pl.DataFrame> {
    const df = await this.readFiles(this.pruned(options), this.readColumns(options))
    return this.finish(df.lazy(), options).collectSync()
  }

  /** The rows of these keys (in no particular order); reads only files whose key range can hold them. */
  async findByKeys(keys: readonly Key[]): Promise<pl.DataFrame> {
    const encoded = keys.map((k) => this.ctx.codec.encode(k))
    const frames: pl.DataFrame[] = []
    for (const [file, fileKeys] of this.candidates(encoded)) {
      const indexed = await this.indexed(file)
      if (indexed) {
        for (const k of fileKeys) {
          const row = indexed.rows.get(k)
          if (row !== undefined) frames.push(indexed.df.slice(row, 1))
        }
      } else {
        frames.push(await this.matching(file, fileKeys))
      }
    }
    const found = frames.filter((f) => f.height > 0)
    if (found.length === 0) return this.emptyFrame()
    return stackFrames(found)
  }

  /** The row of a key, as a one-row frame, or null. */
  async findByKey(key: Key): Promise<pl.DataFrame | null> {
    const df = await this.findByKeys([key])
    return df.height === 0 ? null : df.slice(0, 1)
  }

  /** Which live files hold which of these encoded keys (exact: files are read, or their key index used). */
  async locateKeys(encoded: readonly string[]): Promise<KeyLocations> {
    const out: KeyLocations = new Map()
    for (const [file, fileKeys] of this.candidates(encoded)) {
      const indexed = await this.indexed(file)
      let found: string[]
      let rows: number
      if (indexed) {
        found = fileKeys.filter((k) => indexed.rows.has(k))
        rows = found.length
      } else {
        const df = await this.matching(file, fileKeys, this.ctx.codec.columns)
        found = [...new Set(this.ctx.codec.encodeFrame(df))]
        rows = df.height
      }
      if (found.length > 0) out.set(file.add.path, { keys: found, rows })
    }
    return out
  }

  /**
   * Which live files hold the keys of a frame of the key columns (unique keys). Files whose key range cannot
   * overlap the frame's are never read — a bulk write of new keys above every stored one reads nothing and
   * encodes nothing; the others are matched with a semi-join, and only keys found are encoded. Small frames go
   * through `locateKeys` (which uses the warm key index).
   */
  async locateKeyFrame(keys: pl.DataFrame): Promise<KeyLocations> {
    const { codec, store } = this.ctx
    const height = keys.height
    if (height === 0) return new Map()
    if (height <= SMALL_KEY_FRAME) return this.locateKeys(codec.encodeFrame(keys))
    const range = frameKeyRange(keys, codec)
    const out: KeyLocations = new Map()
    for (const file of this.files) {
      if (range && !overlaps(keyRangeOf(file.add, this.metadata), range)) continue
      let lf: pl.LazyDataFrame
      if (store.lazy) {
        lf = await store.scan(file, this.keyFrame, codec.columns, codec.columns)
      } else {
        lf = (await store.read(file, this.keyFrame, codec.columns, codec.columns)).lazy()
      }
      const found = lf.join(keys.lazy(), { on: [...codec.columns], how: 'semi' }).collectSync()
      const rows = found.height
      if (rows > 0) out.set(file.add.path, { keys: [...new Set(codec.encodeFrame(found))], rows })
    }
    return out
  }

  /** Rows of one file with the given keys, read through a scan with the keys as a semi-join. */
  private async matching(
    file: LiveFile,
    keys: readonly string[],
    columns?: readonly string[],
  ): Promise<pl.DataFrame> {
    const { store, codec } = this.ctx
    const frame = this.keyFrame(keys)
    if (store.lazy) {
      const lf = await store.scan(file, this.keyFrame, codec.columns, columns)
      // A few single-column keys become an equality filter: polars pushes it into the
      // Parquet reader, which skips row groups by their statistics. Many keys: a semi-join.
      const [column] = codec.columns
      if (codec.columns.length === 1 && column !== undefined && keys.length <= 16) {
        const dtype = polarsTypeForField((codec.fields[0] as FieldIR).type)
        const eq = keys.map((k) => pl.col(column).eq(pl.lit(k).cast(dtype)))
        return lf.filter(eq.reduce((a, b) => a.or(b))).collectSync()
      }
      return lf.join(frame.lazy(), { on: [...codec.columns], how: 'semi' }).collectSync()
    }
    const df = await store.read(file, this.keyFrame, codec.columns, columns)
    return df.join(frame, { on: [...codec.columns], how: 'semi' })
  }

  /** The file's in-memory key index, built once a file has been looked up often enough. */
  private async indexed(
    file: LiveFile,
  ): Promise<{ df: pl.DataFrame; rows: ReadonlyMap<string, number> } | undefined> {
    const { keyIndex, store, codec } = this.ctx
    // Keyed by table identity: a table deleted and created again at the same path shares no entry.
    // A logical file is path + deletion vector: the index holds the rows its vector leaves.
    const dv = deletionVectorId(file.add.deletionVector) ?? ''
    const path = `${this.ctx.identity}\u0000${store.absolute(file)}\u0000${dv}`
    const hit = keyIndex.get(path)
    if (hit) return hit
    if (!keyIndex.touch(path, file.add.stats.numRows)) return undefined
    const whole = await store.read(
      { ...file, deleted: new Set(), deletedRows: 0 },
      this.keyFrame,
      codec.columns,
    )
    return keyIndex.set(path, whole, codec.encodeFrame(whole))
  }
}
