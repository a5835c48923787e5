import pl from 'nodejs-polars'
import type { RoaringBitmapArray } from '../delta/roaring-bitmap-array.js'
import { stackFrames } from '../frame/stack-frames.js'
import type { EntityIR, FieldIR } from '../schema/schema-ir.js'
import type { DecodedFile } from '../secondary-index/decoded-file-cache.js'
import { sameFileIdentity } from '../secondary-index/file-index.js'
import { IndexFileDamagedError } from '../secondary-index/index-errors.js'
import { readIndexFile } from '../secondary-index/index-files.js'
import { fileIdentity } from '../secondary-index/secondary-indexes.js'
import { mapBounded } from './bounded-map.js'
import type { DataFileStore } from './data-file-store.js'
import { compare, mayContain, type Range, rangeOf, rangeTag, statKind, toComparable } from './file-stats.js'
import type { Key, KeyCodec } from './key-codec.js'
import type { KeyIndexCache, KeyIndexEntry } from './key-index-cache.js'
import { buildKeyIndexFile, keyIndexed, physicalFile } from './key-index-file-build.js'
import {
  decodeKeyPositionIndex,
  type KeyLookup,
  keyIndexFilePath,
  readKeyLookup,
} from './key-position-file.js'
import { buildKeyPositionIndex, type KeyPositionIndex } from './key-position-index.js'
import { keyRangeColumn, keyRangeOf } from './key-range.js'
import { LiveFileMap } from './live-file-map.js'
import type { AddAction, TableMetadata } from './log-entry.js'
import { rangesForRow } from './parquet-range-checksums.js'
import type { PointRow } from './point-row.js'
import { polarsSchemaForEntity, polarsTypeForField } from './polars-schema.js'
import { type ColumnPredicate, equalityLookup, fileMayMatch, predicateExpr } from './scan-predicate.js'
import { heldSmallFileRows, type SmallFileRows, smallFileEligible } from './small-file-rows.js'
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

/**
 * Where keys live: live file path → the encoded keys found in it and their row count, and the rows' physical
 * positions when the key index knew them exactly (each key one row: no duplicate, no shared hash).
 */
export type KeyLocations = Map<string, { keys: string[]; rows: number; positions?: number[] }>

/** The tools a snapshot reads with; one per table and metadata. */
export interface SnapshotContext {
  readonly table: string
  /** Which table this is (table id and version 0's file identity): keys the process-wide key index. */
  readonly identity: string
  readonly store: DataFileStore
  readonly codec: KeyCodec
  readonly keyIndex: KeyIndexCache
}

/** A row found by key: a frame and the row's position in it (with its values when already read). */
export interface FoundRow {
  readonly df: pl.DataFrame
  readonly row: number
  /** `df`'s column names, when known. */
  readonly columns?: readonly string[]
  /** The row's values in `columns` order (as `df.row` gives them), when already read. */
  readonly values?: readonly unknown[]
}

/** Cache keys of data files per snapshot context (table and schema), resolved once per add action. */
const cacheKeys = new WeakMap<SnapshotContext, { schema: number; byAdd: WeakMap<AddAction, string> }>()
let nextSchema = 0

/** Why a key index gave no row: no candidate (or only deleted ones), or a live candidate holding another key. */
const ABSENT = 'absent'
const UNSURE = 'unsure'
type Miss = typeof ABSENT | typeof UNSURE

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

/** What a key index held in memory says of one key (as a key index file's `readKeyLookup`). */
function lookupIn(index: KeyPositionIndex, key: string): KeyLookup {
  const { ranges, layout } = index
  return { positions: index.candidates(key), ranges, ...(layout && { layout }) }
}

/** A point read's row as a found row: its values when decoded (the frame built only if asked), else its frame. */
export function foundPointRow(row: PointRow): FoundRow {
  const { columns, values } = row
  if (!values) return { df: row.frame(), row: 0 }
  return {
    get df() {
      return row.frame()
    },
    row: 0,
    columns,
    values,
  }
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
    this.fileList ??= [...this.state.files.values()]
    return this.fileList
  }
  private fileList: readonly LiveFile[] | undefined
  /** Visible rows, from the log alone (no file is read). */
  get numRows(): number {
    return liveRows(this.state)
  }

  /** Visible rows: from the log, or by reading when an add recorded no row count (Delta stats are optional). */
  async countRows(): Promise<number> {
    const known = this.numRows
    if (!Number.isNaN(known)) return known
    const df = await (await this.scan()).select(pl.len().alias('n')).collect()
    return Number(df.getColumn('n').get(0))
  }

  private keyFrame = (keys: readonly string[]): pl.DataFrame => this.ctx.codec.frame(keys)

  /** Live files that may hold keys, with the keys each may hold (deleted ones excluded). */
  private candidates(encoded: readonly string[]): Map<LiveFile, string[]> {
    const out = new Map<LiveFile, string[]>()
    const { files } = this.state
    const tag = keyRangeColumn(this.metadata)?.tag ?? ''
    const rangeOf = (f: LiveFile) => keyRangeOf(f.add, this.metadata)
    for (const key of encoded) {
      const lead = this.ctx.codec.leading(key)
      // Files whose key range rules the key out are never looked at, nor built (live-file-map.ts: its lookup
      // yields only files whose range may hold the key).
      const maybe =
        files instanceof LiveFileMap
          ? files.mayHoldKey(lead, tag, rangeOf)
          : this.files.filter((f) => mayContain(rangeOf(f), lead))
      for (const f of maybe) {
        if (f.deleted.has(key)) continue
        const list = out.get(f)
        if (list) list.push(key)
        else out.set(f, [key])
      }
    }
    return out
  }

  /** The live files (in order) whose statistics may hold rows matching `where`: a unique check looks only there. */
  filesMatching(where: readonly ColumnPredicate[]): LiveFile[] {
    return this.pruned({ where })
  }

  /**
   * The live files (in order) whose statistics may hold rows matching `where` (non-empty). When it looks up values
   * of a column (`equalityLookup`: a unique check's, an equality filter's) and the files are a LiveFileMap, its
   * per-layer indexes (`mayHoldValue`) say which files may hold them, and only those are asked every predicate: such
   * a lookup costs the layers, not the live files. Otherwise every file is asked.
   */
  private filesWhere(where: readonly ColumnPredicate[]): LiveFile[] {
    const { mapping } = this.ctx.store
    // Statistics are keyed by stored column names (they differ after a rename).
    const stored = where.map((p) => ({ ...p, column: mapping.stored(p.column) }))
    const fields = mapping.identity ? this.fieldsByColumn : this.storedFields()
    const files = this.state.files
    const lookup = files instanceof LiveFileMap ? equalityLookup(fields, stored) : undefined
    if (!(files instanceof LiveFileMap) || !lookup)
      return this.files.filter((f) => fileMayMatch(f.add, fields, stored))
    const { column, kind } = lookup
    const rangeOfFile = (f: LiveFile) => rangeOf(f.add.stats, column, kind)
    const found = new Set<LiveFile>()
    for (const value of lookup.values) {
      for (const f of files.mayHoldValue(value, rangeTag(column, kind), rangeOfFile)) found.add(f)
    }
    const place = (f: LiveFile) => files.placeOf(f.add.path) ?? 0
    return [...found].filter((f) => fileMayMatch(f.add, fields, stored)).sort((a, b) => place(a) - place(b))
  }

  /** Files to read for a scan, pruned by the predicate and keys. */
  private pruned(options: ScanOptions): LiveFile[] {
    let files: LiveFile[] = options.where?.length ? this.filesWhere(options.where) : this.files.slice()
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
      const parts = await mapBounded(files, (f) => store.scan(f, readColumns))
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
    for (const f of files) frames.push(await this.ctx.store.read(f, columns))
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
      // Frames are wanted: a small file is held decoded by polars as any other (not read in JS).
      const indexed = await this.indexed(file, false)
      if (indexed) {
        for (const k of fileKeys) {
          const hit = await this.heldRow(indexed, file, k)
          if (typeof hit !== 'string') frames.push(indexed.df.slice(hit.row, 1))
          else if (hit === UNSURE) frames.push(await this.matching(file, [k]))
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
    const found = await this.findRow(key)
    return found ? found.df.slice(found.row, 1) : null
  }

  /**
   * The row of a key: a frame in the table's schema and the row's position in it, or null. Reads only files whose
   * key range can hold it. A file's key index (see KeyPositionIndex: built on the file's first lookup, saved under
   * `_pf/indexes`, loaded by other processes) says which row to read; a file looked up again is held in memory,
   * and the row comes from there with its values (`values`, in `columns` order) already read.
   */
  async findRow(key: Key): Promise<FoundRow | null> {
    const encoded = this.ctx.codec.encode(key)
    for (const [file] of this.candidates([encoded])) {
      const held = await this.indexed(file)
      if (held) {
        const hit = await this.heldRow(held, file, encoded)
        if (typeof hit !== 'string')
          return { df: held.df, row: hit.row, columns: held.columns, values: hit.values }
        if (hit === ABSENT) continue
      } else {
        const found = await this.positionsOf(file, encoded)
        if (found) {
          const row = await this.rowByPosition(file, found, encoded)
          if (typeof row !== 'string') return row
          if (row === ABSENT) continue
        }
        const small = await this.smallFileMatches(file, [encoded])
        if (small) {
          const position = small.matches.get(encoded)
          if (position === undefined) continue
          const row = await small.rows.row(position)
          if (row) return foundPointRow(row)
        }
      }
      // No index, or one whose candidates are not the key: the file is asked.
      const df = await this.matching(file, [encoded])
      if (df.height > 0) return { df, row: 0 }
    }
    return null
  }

  /** Which live files hold which of these encoded keys (exact: files are read, or their key index used). */
  async locateKeys(encoded: readonly string[]): Promise<KeyLocations> {
    const out: KeyLocations = new Map()
    for (const [file, fileKeys] of this.candidates(encoded)) {
      const indexed = await this.indexed(file)
      let found: string[]
      let rows: number
      let positions: number[] | undefined
      if (indexed) {
        found = []
        positions = []
        for (const k of fileKeys) {
          const hit = await this.heldRow(indexed, file, k)
          if (typeof hit !== 'string' || (hit === UNSURE && (await this.matching(file, [k])).height > 0))
            found.push(k)
          if (typeof hit !== 'string' && indexed.index.candidates(k).length === 1) positions?.push(hit.row)
          else if (hit !== ABSENT) positions = undefined
        }
        rows = found.length
      } else {
        const small = await this.smallFileMatches(file, fileKeys)
        if (small) {
          found = [...small.matches.keys()]
          positions = [...small.matches.values()]
          rows = found.length
        } else {
          const df = await this.matching(file, fileKeys, this.ctx.codec.columns)
          found = [...new Set(this.ctx.codec.encodeFrame(df))]
          rows = df.height
        }
      }
      if (found.length > 0)
        out.set(file.add.path, positions ? { keys: found, rows, positions } : { keys: found, rows })
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
        lf = await store.scan(file, codec.columns)
      } else {
        lf = (await store.read(file, codec.columns)).lazy()
      }
      const found = lf.join(keys.lazy(), { on: [...codec.columns], how: 'semi' }).collectSync()
      const rows = found.height
      if (rows > 0) out.set(file.add.path, { keys: [...new Set(codec.encodeFrame(found))], rows })
    }
    return out
  }

  /**
   * The live rows of these encoded keys in a small Parquet file, its keys decoded in JS (small-file-rows.ts): each
   * key found with its physical position. Undefined when the file is not one such: the caller asks polars.
   */
  private async smallFileMatches(
    file: LiveFile,
    keys: readonly string[],
  ): Promise<{ matches: Map<string, number>; rows: SmallFileRows } | undefined> {
    const rows = await this.smallFile(file)
    if (!rows) return undefined
    const deleted = await this.deletedPositions(file)
    const matches = new Map<string, number>()
    for (const key of keys) {
      const p = rows.positions.get(key)
      if (p !== undefined && !deleted?.has(p) && !file.deleted.has(key)) matches.set(key, p)
    }
    return { matches, rows }
  }

  /** A small Parquet file's rows decoded in JS and held (small-file-rows.ts), or undefined when it is not one. */
  private smallFile(file: LiveFile): Promise<SmallFileRows | undefined> | undefined {
    const { store, codec } = this.ctx
    if (!store.lazy || !smallFileEligible(store, file)) return undefined
    return heldSmallFileRows(this.cacheKey(file), store, file, codec.columns, (values) =>
      codec.encodeValues(values),
    )
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
      const lf = await store.scan(file, columns)
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
    const df = await store.read(file, columns)
    return df.join(frame, { on: [...codec.columns], how: 'semi' })
  }

  /**
   * Where the key index and the decoded-file cache keep a data file: by table identity (a re-created table shares
   * nothing), schema, path, size and checksum (a replaced file is never served).
   */
  private cacheKey(file: LiveFile): string {
    let keys = cacheKeys.get(this.ctx)
    if (!keys) {
      keys = { schema: nextSchema++, byAdd: new WeakMap() }
      cacheKeys.set(this.ctx, keys)
    }
    let key = keys.byAdd.get(file.add)
    if (key === undefined) {
      // The schema too: a held file's rows are read through it (a migration's new field, a rename).
      const { size, checksum } = fileIdentity(file)
      key = `${this.ctx.identity}\u0000${keys.schema}\u0000${this.ctx.store.absolute(file)}\u0000${size}\u0000${checksum}`
      keys.byAdd.set(file.add, key)
    }
    return key
  }

  /** The rows deleted from a file by its deletion vector (undefined: none). */
  private deletedPositions(file: LiveFile): Promise<RoaringBitmapArray | undefined> {
    return file.add.deletionVector ? this.ctx.store.deletionVector(file) : Promise.resolve(undefined)
  }

  /**
   * The live row of an encoded key in a file held in memory, ABSENT, or UNSURE (a live candidate holds another
   * key: a hash collision or a wrong index file; the caller asks the file). A hash match is confirmed against the
   * row's key; a key polars hands out inexactly (an integer beyond 2^53) is confirmed by encoding the row's frame.
   */
  private async heldRow(
    held: KeyIndexEntry,
    file: LiveFile,
    key: string,
  ): Promise<{ row: number; values: unknown[] } | Miss> {
    const positions = held.index.candidates(key)
    if (positions.length === 0) return ABSENT
    const deleted = await this.deletedPositions(file)
    let miss: Miss = ABSENT
    for (const p of positions) {
      if (deleted?.has(p)) continue
      const values = held.readRow(p)
      const own = this.ctx.codec.encodeValues(held.keyColumns.map((c) => values[c]))
      const exact = own ?? this.ctx.codec.encodeFrame(held.df.slice(p, 1))[0]
      if (exact === key) return { row: p, values }
      miss = UNSURE
    }
    return miss
  }

  /**
   * A file's key position index: held in memory, else loaded from its index file, else built from the file's key
   * columns and saved (best effort: a table on a read-only disk is only slower). A damaged or foreign index file is
   * rebuilt, never trusted. Undefined for a file of too few rows to be worth one (it is scanned). `rows`: the
   * file's physical rows when already read.
   */
  private async positionIndex(file: LiveFile, rows?: pl.DataFrame): Promise<KeyPositionIndex | undefined> {
    if (!keyIndexed(file)) return undefined
    const { keyIndex, store, codec } = this.ctx
    const cacheKey = this.cacheKey(file)
    const held = keyIndex.index(cacheKey)
    if (held) return held
    const identity = fileIdentity(file)
    const path = keyIndexFilePath(store.root, file.add.path, codec.columns)
    const bytes = await readIndexFile(store.fs, path)
    if (bytes) {
      try {
        const index = decodeKeyPositionIndex(bytes, path)
        if (
          sameFileIdentity(index.identity, identity) &&
          index.columns.join('\u0000') === codec.columns.join('\u0000')
        ) {
          keyIndex.setIndex(cacheKey, index)
          return index
        }
      } catch (error) {
        if (!(error instanceof IndexFileDamagedError)) throw error
      }
    }
    const index = await buildKeyIndexFile(store, codec, file, rows)
    keyIndex.setIndex(cacheKey, index)
    return index
  }

  /**
   * The candidate rows of an encoded key in a file (see `positionIndex`), with the file's range checksums and
   * point-read layout when the index has them: from its index held in memory, else from its index file, reading
   * only the key's bucket and its row group's layout; undefined for a file too small to have one.
   */
  private async positionsOf(file: LiveFile, key: string): Promise<KeyLookup | undefined> {
    if (!keyIndexed(file)) return undefined
    const { keyIndex, store, codec } = this.ctx
    const held = keyIndex.index(this.cacheKey(file))
    if (held) return lookupIn(held, key)
    const path = keyIndexFilePath(store.root, file.add.path, codec.columns)
    try {
      const found = await readKeyLookup(store.fs, path, fileIdentity(file), codec.columns, key)
      if (found) return found
    } catch (error) {
      if (!(error instanceof IndexFileDamagedError)) throw error
    }
    const index = await this.positionIndex(file)
    return index && lookupIn(index, key)
  }

  /**
   * The one-row frame of an encoded key read from a file at the positions its index gives (or a miss, as
   * `heldRow`). With the file's range checksums, only the bytes of the row's group and the footer are checked;
   * with its layout too, the footer is not read.
   */
  private async rowByPosition(file: LiveFile, found: KeyLookup, key: string): Promise<FoundRow | Miss> {
    const { positions, ranges, layout } = found
    if (positions.length === 0) return ABSENT
    let miss: Miss = ABSENT
    const deleted = await this.deletedPositions(file)
    const { store, codec } = this.ctx
    for (const p of positions) {
      if (deleted?.has(p)) continue
      const physical = physicalFile(file)
      if (store.lazy) {
        // Only the pages holding the row are decoded (in JS, else by polars: DataFileStore.pointRead).
        const row = await store.pointRead(physical, p, ranges && rangesForRow(ranges, p), layout)
        const exact = row.exact?.(codec.columns)
        const own =
          exact && !exact.includes(null) ? codec.encodeValues(exact) : codec.encodeFrame(row.frame())[0]
        if (own === key) return foundPointRow(row)
      } else {
        const df = (await store.read(physical)).slice(p, 1)
        if (df.height === 1 && codec.encodeFrame(df)[0] === key) return { df, row: 0 }
      }
      miss = UNSURE
    }
    return miss
  }

  /**
   * The file held in memory with its key index: at once when the file is decoded in memory already (indexed findBy
   * decoded it), else once it has been looked up often enough. `smallFirst`: a small file the JS decoder follows is
   * not held (the caller reads it in JS, `smallFileMatches`); a caller that wants frames passes false.
   */
  private async indexed(file: LiveFile, smallFirst = true): Promise<KeyIndexEntry | undefined> {
    const { keyIndex, codec } = this.ctx
    // Rows are physical (deletion vectors are applied at lookup), so a file shares its entry with its later vectors.
    const key = this.cacheKey(file)
    const hit = keyIndex.get(key)
    if (hit) return hit
    // A small file the JS decoder follows is read there instead, its keys held (smallFileMatches), unless it is
    // decoded already.
    if (smallFirst && !keyIndex.files.has(key) && (await this.smallFile(file))) return undefined
    if (!keyIndex.files.has(key) && !keyIndex.touch(key, file.add.size)) return undefined
    const decoded = await this.decodedFile(file)
    const index =
      (await this.positionIndex(file, decoded.df)) ??
      buildKeyPositionIndex(fileIdentity(file), codec.columns, codec.encodeFrame(decoded.df))
    return keyIndex.hold(key, decoded, index)
  }

  /** @internal A live file's physical rows, decoded whole through the decoded-file cache finds by key share. */
  decodedFile(file: LiveFile, onRead?: (df: pl.DataFrame) => void): Promise<DecodedFile> {
    const { keyIndex, store } = this.ctx
    return keyIndex.files.load(this.cacheKey(file), async () => {
      const df = await store.read(physicalFile(file))
      onRead?.(df)
      return df
    })
  }

  /**
   * @internal Physical row `position` of a small Parquet file, decoded in JS and held as a find by key holds it
   * (small-file-rows.ts); undefined when the file is not one the decoder follows.
   */
  async smallFileRow(file: LiveFile, position: number): Promise<PointRow | undefined> {
    const rows = await this.smallFile(file)
    return rows?.row(position)
  }

  /** @internal A live file's physical rows when the decoded-file cache holds them, marking them recently used. */
  heldFile(file: LiveFile): DecodedFile | undefined {
    return this.ctx.keyIndex.files.get(this.cacheKey(file))
  }
}
