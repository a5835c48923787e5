import { randomUUID } from 'node:crypto'
import { dirname, join } from 'node:path'
import type { DataType } from 'nodejs-polars'
import pl from 'nodejs-polars'
import { readDeletionVector } from '../delta/deletion-vector.js'
import { type DeltaDeletionVector, deletionVectorId } from '../delta/delta-actions.js'
import { partitionTimestamp } from '../delta/delta-paths.js'
import type { RoaringBitmapArray } from '../delta/roaring-bitmap-array.js'
import { ParquetFrameError } from '../errors/pf-error.js'
import { avroSchemaForEntity } from '../format/avro-entity-schema.js'
import { getFormat } from '../format/format-registry.js'
import { sameDtype } from '../format/same-dtype.js'
import type { StorageFormat } from '../format/storage-format.js'
import { decimalSpecOf } from '../schema/decimal-spec.js'
import type { EntityIR, FieldType } from '../schema/schema-ir.js'
import { withBytesAsBase64 } from './binary-column-reader.js'
import { ColumnMapping } from './column-mapping.js'
import { LOGGED_FILE_MAX } from './commit-wal.js'
import { flushing, forgetFlushes, isLogged, writtenForLog } from './data-file-durability.js'
import { writeBehind } from './data-file-write-behind.js'
import { decimalTextAt } from './decimal-projection.js'
import { fileChecksum } from './file-checksum.js'
import { computeFileStats, type FileStats } from './file-stats.js'
import { type FileSystem, isNotFound } from './file-system.js'
import type { AddAction, TableMetadata } from './log-entry.js'
import { narrowedFrame } from './narrow-columns.js'
import { encodeParquet } from './parquet-encoder.js'
import { withParquetFieldIds } from './parquet-field-ids.js'
import { parquetFooterRanges } from './parquet-footer-stats.js'
import type { ParquetPointLayout } from './parquet-point-layout.js'
import { type CheckedRange, checkRanges } from './parquet-range-checksums.js'
import { decodeRowFromRanges } from './parquet-row-reader.js'
import { partitionValueFill } from './partition-value-fill.js'
import { framePointRow, type PointRow } from './point-row.js'
import { polarsSchemaForEntity } from './polars-schema.js'
import { smallFileStats } from './small-file-stats.js'
import { encodeSmallParquet, type SmallColumn } from './small-parquet-writer.js'
import type { SmallRows } from './small-rows.js'
import { smallWriteLayout } from './small-write-layout.js'
import { TableCorruptError, TableReadError } from './table-errors.js'
import { containedPath, UncontainedPathError } from './table-path.js'
import type { LiveFile } from './table-state.js'
import { removeQuietly } from './temp-files.js'

/** Whether a field type is Bytes or a list of Bytes. */
function isBytes(type: FieldType): boolean {
  return type.kind === 'list' ? isBytes(type.element) : type.kind === 'scalar' && type.name === 'Bytes'
}

/** Name of the row position column while deletion vectors are applied (never a stored column: `__` prefix). */
const ROW_INDEX = '__pf_row_index'

/** Data files whose column dtypes a store remembers. */
const MAX_CACHED_DTYPES = 10_000

/** Whether a (stored) partition column holds a DateTime field. */
export function isDateTime(metadata: TableMetadata, column: string): boolean {
  const field = metadata.entity.fields.find((f) => f.column === column)
  return field?.type.kind === 'scalar' && field.type.name === 'DateTime'
}

/** A partition's value as PROTOCOL.md "Partition Value Serialization" spells it (timestamps: UTC, microseconds). */
function partitionValue(series: pl.Series, dateTime: boolean): string | null {
  if (!dateTime) return series.cast(pl.Utf8).get(0) as string | null
  // Through text: Int64 values beyond 2^53 do not survive a JS number (stored DateTime columns are microseconds).
  const micros = series.cast(pl.Datetime('us', 'UTC')).cast(pl.Int64).cast(pl.Utf8).get(0) as string | null
  return micros === null ? null : partitionTimestamp(BigInt(micros))
}

/** Hive's name for a null partition value. */
const NULL_PARTITION = '__HIVE_DEFAULT_PARTITION__'

/** Files written by a commit attempt, so a failed or lost attempt can delete them. */
export class WrittenFiles {
  readonly paths: string[] = []
  /** Writes still running (data-file-write-behind.ts): a discard waits for them, so none leaves a file after it. */
  readonly writing: Promise<unknown>[] = []
  /**
   * See WriteBehindTarget.logged. Default true: the entry naming the files is written on this thread, which logs
   * their bytes; false for files another thread's commit names (a merge job on the maintenance thread).
   */
  readonly logged: boolean
  /** See WriteBehindTarget.deferred: small files kept unwritten, with their bytes. */
  readonly deferred: { path: string; bytes: Uint8Array }[] | undefined
  constructor(
    private readonly fs: FileSystem,
    options: { logged?: boolean; deferred?: boolean } = {},
  ) {
    this.logged = options.logged !== false
    this.deferred = options.deferred ? [] : undefined
  }
  /** Deletes every file written (best effort: vacuum removes whatever remains). */
  async discard(): Promise<void> {
    await Promise.allSettled(this.writing.splice(0))
    const paths = this.paths.splice(0)
    forgetFlushes(paths)
    await Promise.all(paths.map((p) => removeQuietly(this.fs, p)))
  }
}

/** One point read's size check of its data file (a stat), shared by the read's ranged checks: `done` once started. */
export interface SizeCheck {
  done?: Promise<void>
}

/** Writes and reads a table's immutable data files. */
export class DataFileStore {
  readonly format: StorageFormat
  /** How the table's columns map to the stored ones. */
  readonly mapping: ColumnMapping
  private readonly schema: Record<string, DataType>
  /** The schema under stored column names. */
  private readonly storedSchema: Record<string, DataType>
  /** The entity as stored (columns under their stored names): stats and the Avro schema use it. */
  private readonly storedEntity: EntityIR

  constructor(
    readonly root: string,
    readonly fs: FileSystem,
    readonly table: string,
    readonly metadata: TableMetadata,
    /** Largest number of rows per written file. */
    readonly maxRowsPerFile: number,
  ) {
    this.schema = polarsSchemaForEntity(metadata.entity, metadata.enums)
    this.mapping = new ColumnMapping(metadata)
    this.storedEntity = this.mapping.storedEntity()
    this.format = withBytesAsBase64(getFormat(metadata.format), this.storedEntity)
    this.storedSchema = polarsSchemaForEntity(this.storedEntity, metadata.enums)
    if (metadata.format === 'avro') {
      const textStored = new Set(metadata.textStoredFields)
      this.avroSchema = avroSchemaForEntity(this.storedEntity, metadata.enums, { textStored })
      // Bytes held as base64 text in memory are written as the bytes they encode (text-stored ones stay text).
      this.avroBase64Columns = this.storedEntity.fields
        .filter((f) => isBytes(f.type) && !textStored.has(f.name))
        .map((f) => f.column)
    }
  }

  /**
   * Writes one chunk as a new data file (not flushed yet: see `write`) and returns its size and statistics.
   * Parquet: min/max come from the footer polars just wrote (a second reduction of every
   * column cost about a tenth of the write), computed while the file is written.
   */
  private async encode(
    df: pl.DataFrame,
    path: string,
  ): Promise<{ size: number; stats: FileStats; checksum: string; bytes?: Uint8Array }> {
    if (this.format.name === 'parquet') {
      const bytes = this.withFieldIds(encodeParquet(df, 'zstd', { entity: this.storedEntity }))
      const writing = this.fs.writeFile(path, bytes, { durable: false })
      let stats: FileStats
      let checksum: string
      try {
        stats = computeFileStats(
          df,
          this.storedEntity,
          parquetFooterRanges(bytes, this.storedEntity, this.typed(df)),
        )
        checksum = fileChecksum(bytes)
      } catch (error) {
        await writing.catch(() => undefined)
        throw error
      }
      await writing
      return { size: bytes.length, stats, checksum, bytes }
    }
    const stats = computeFileStats(df, this.storedEntity)
    if (this.format.encode) {
      // Written through this table's file system like every other file of it (its faults, its flushes).
      const bytes = await this.format.encode(df, path, this.writeOptions())
      await this.fs.writeFile(path, bytes, { durable: false })
      return { size: bytes.length, stats, checksum: fileChecksum(bytes), bytes }
    }
    await this.format.write(df, path, this.writeOptions())
    // The format writes by path: the bytes are read back once for the checksum (from the page cache).
    const bytes = await this.fs.readFile(path)
    return { size: bytes.length, stats, checksum: fileChecksum(bytes), bytes }
  }

  /** A column-mapped table's Parquet bytes with each column's field id (parquet-field-ids.ts); others as they are. */
  private withFieldIds(bytes: Uint8Array): Uint8Array {
    const ids = this.mapping.fieldIds()
    return ids === undefined ? bytes : withParquetFieldIds(bytes, ids, this.table)
  }

  /** Stored columns of a frame that have their field's table dtype (their footer statistics are the table's). */
  private typed(df: pl.DataFrame): Set<string> {
    const dtypes = df.dtypes
    const out = new Set<string>()
    df.columns.forEach((c, i) => {
      const expected = this.storedSchema[c]
      const actual = dtypes[i]
      if (expected && actual && sameDtype(actual, expected)) out.add(c)
    })
    return out
  }

  private writeOptions(): Record<string, unknown> {
    return this.avroSchema === undefined
      ? {}
      : { avroSchema: this.avroSchema, avroBase64Columns: this.avroBase64Columns }
  }

  /** Avro writer schema (from the entity), so every file of the table has the same schema. */
  private readonly avroSchema: unknown
  /** Avro tables: the stored columns of Bytes fields (base64 in memory) written as Avro bytes. */
  private readonly avroBase64Columns: readonly string[] = []

  /**
   * Writes a conformed frame as new data files (hive folders when partitioned,
   * at most `maxRowsPerFile` rows each) under their final names, then the files and their folders are fsynced.
   * Returns their add actions (the paths go into `written`). On a `gatedCreate` file system it returns before
   * the fsyncs end: the log entry naming the files waits for them (data-file-durability.ts), so the flush
   * overlaps planning the commit and writing the entry.
   * Columns are stored under their stored names (see ColumnMapping); statistics are keyed by them.
   */
  async write(table: pl.DataFrame, written: WrittenFiles): Promise<AddAction[]> {
    if (table.height === 0) return []
    // Key and partition columns are never renamed, so the stored frame partitions by the same names. An adopted
    // table's narrow columns are checked and cast before any file is written (narrow-columns.ts).
    const df = narrowedFrame(
      this.mapping.toStored(table),
      this.storedEntity,
      this.metadata.narrowStoredFields,
    )
    const partitionBy = this.metadata.partitionBy
    const parts = partitionBy.length > 0 ? df.partitionBy([...partitionBy], true) : [df]
    const adds: AddAction[] = []
    const dirs = new Set<string>()
    for (const part of parts) {
      const values: Record<string, string | null> = {}
      let prefix = ''
      for (const column of partitionBy) {
        const raw = partitionValue(part.getColumn(column), isDateTime(this.metadata, column))
        values[column] = raw
        prefix += `${column}=${raw === null ? NULL_PARTITION : encodeURIComponent(raw)}/`
      }
      if (prefix) await this.fs.mkdir(join(this.root, prefix))
      for (let offset = 0; offset < part.height; offset += this.maxRowsPerFile) {
        const chunk = part.height <= this.maxRowsPerFile ? part : part.slice(offset, this.maxRowsPerFile)
        adds.push(await this.place(prefix, values, written, dirs, (path) => this.encode(chunk, path)))
      }
    }
    await this.flushAdds(adds, dirs)
    return adds
  }

  /**
   * A new data file's path (relative to the root) and absolute path: a fresh UUID, written under that name at once
   * (nothing references it before the log entry naming it appears; see data-file-write-behind.ts).
   */
  private newFileNames(prefix: string): { rel: string; finalPath: string } {
    const ext = (this.format.extensions[0] ?? `.${this.format.name}`).slice(1)
    const rel = `${prefix}part-${randomUUID()}.${ext}`
    return { rel, finalPath: join(this.root, rel) }
  }

  /** Writes one data file under its final name (`encode`): its add action (its path into `written`, its folder into `dirs`). */
  private async place(
    prefix: string,
    partitionValues: Record<string, string | null>,
    written: WrittenFiles,
    dirs: Set<string>,
    encode: (
      path: string,
    ) => Promise<{ size: number; stats: FileStats; checksum: string; bytes?: Uint8Array }>,
  ): Promise<AddAction> {
    const { rel, finalPath } = this.newFileNames(prefix)
    written.paths.push(finalPath)
    const { size, stats, checksum, bytes } = await encode(finalPath)
    // A small file whose bytes are at hand goes into its commit's log record (commit-wal.ts) instead of a flush.
    if (written.logged && this.fs.openLog && bytes && bytes.length <= LOGGED_FILE_MAX) {
      writtenForLog(finalPath, bytes, Promise.resolve())
    }
    dirs.add(dirname(finalPath))
    return { path: rel, size, partitionValues, stats, checksum }
  }

  /**
   * A small insert (see small-rows.ts) written straight from its JS values as one Parquet file, its statistics
   * computed from them: no polars frame. Tables that are not Parquet, partitioned ones and adopted ones with narrow
   * columns write `frame()` through `write` instead. Durability as `write`; on a `gatedCreate` file system it returns
   * before the file is written (data-file-write-behind.ts).
   */
  async writeSmall(small: SmallRows, frame: () => pl.DataFrame, written: WrittenFiles): Promise<AddAction[]> {
    if (
      this.format.name !== 'parquet' ||
      this.metadata.partitionBy.length > 0 ||
      small.height > this.maxRowsPerFile ||
      this.metadata.narrowStoredFields !== undefined
    )
      return this.write(frame(), written)
    // Small files have the table's other files' schema (small-write-layout.ts), else the frame path writes.
    const layout = smallWriteLayout(this.storedEntity)
    if (layout === undefined) return this.write(frame(), written)
    const columns: SmallColumn[] = small.columns.map((c) => ({
      ...c.type,
      name: this.mapping.stored(c.field.column),
      values: c.values,
    }))
    const encoded = encodeSmallParquet(columns, small.height, layout)
    const { ranges } = encoded
    const bytes = this.withFieldIds(encoded.bytes)
    const stats = smallFileStats(this.storedEntity, small.height, ranges)
    // Its add action is known from the bytes: the file is written while the commit is planned and its entry written.
    const names = this.newFileNames('')
    await writeBehind(this.fs, bytes, names.finalPath, written)
    const add = {
      path: names.rel,
      size: bytes.length,
      partitionValues: {},
      stats,
      checksum: fileChecksum(bytes),
    }
    return [add]
  }

  /** Starts (or waits for) the flush of newly written files, see `write`. */
  private async flushAdds(adds: readonly AddAction[], dirs: ReadonlySet<string>): Promise<void> {
    // Files logged with their commit (see `place`) are not flushed.
    const flushed = adds.filter((a) => !isLogged(join(this.root, a.path)))
    if (flushed.length === 0) return
    const paths = flushed.map((a) => join(this.root, a.path))
    const flush = this.flush(paths, dirs)
    // Only a file system whose exclusive create waits for `after` lets the log entry wait for the flush.
    if (this.fs.gatedCreate !== true) await flush
    else flushing(paths, flush)
  }

  /**
   * Flushes written files and the folders that name them, all at once: no log entry names the files before every
   * flush ended, so a name made durable before its content names nothing any reader follows.
   */
  private async flush(paths: readonly string[], dirs: ReadonlySet<string>): Promise<void> {
    await Promise.all([
      ...paths.map((p) => this.fs.fsyncFile(p)),
      ...[...dirs].map((d) => this.fs.fsyncDir(d)),
    ])
  }

  /** Absolute path of a live file; TableCorruptError when its path would leave the table (see `pathProblem`). */
  absolute(file: LiveFile): string {
    try {
      return containedPath(this.root, file.add.path)
    } catch (error) {
      if (!(error instanceof UncontainedPathError)) throw error
      throw new TableCorruptError(this.table, file.add.path, file.version, error.message)
    }
  }

  private corrupt(file: LiveFile, detail: string, cause?: unknown): TableCorruptError {
    return new TableCorruptError(
      this.table,
      this.absolute(file),
      file.version,
      detail,
      cause === undefined ? {} : { cause },
    )
  }

  /** Files whose bytes matched their recorded checksum, by path (data files never change once written). */
  private readonly checked = new Set<string>()

  /**
   * Checks a file exists with the size its add action recorded (every time: a stat), and its bytes against the
   * recorded checksum: on every eager read (`full`), else the first time this store touches the file. A file
   * whose add action has no checksum (older tables) is checked by size only. Returns the bytes when it read them.
   */
  async verify(file: LiveFile, full = false): Promise<Uint8Array | undefined> {
    const path = this.absolute(file)
    const { checksum } = file.add
    if (checksum === undefined || (!full && this.checked.has(path))) {
      await this.checkExists(file, path)
      return undefined
    }
    let bytes: Uint8Array
    try {
      bytes = await this.fs.readFile(path)
    } catch (error) {
      if (!isNotFound(error)) throw new TableReadError(this.table, path, { cause: error })
      throw this.corrupt(file, 'data file is missing', error)
    }
    this.checkSize(file, bytes.length)
    const actual = fileChecksum(bytes)
    if (actual !== checksum)
      throw this.corrupt(
        file,
        `data file checksum is ${actual}, the log recorded ${checksum} (damaged bytes)`,
      )
    if (this.checked.size >= MAX_CACHED_DTYPES) this.checked.clear()
    this.checked.add(path)
    return bytes
  }

  /** A stat: the file is there with the size its add action recorded. */
  private async checkExists(file: LiveFile, path: string): Promise<void> {
    let size: number
    try {
      size = (await this.fs.stat(path)).size
    } catch (error) {
      // Only a file that is not there is corruption; EMFILE, EACCES or EIO say nothing about the table.
      if (!isNotFound(error)) throw new TableReadError(this.table, path, { cause: error })
      throw this.corrupt(file, 'data file is missing', error)
    }
    this.checkSize(file, size)
  }

  /**
   * `verify` for a point read: only the byte ranges it reads are checked against their CRCs (taken from bytes that
   * matched the log's checksum: parquet-range-checksums.ts), the file's size by a stat. A file system without
   * ranged reads, or a file without a recorded checksum, goes through `verify`. Returns the ranges' bytes when it
   * read them. `sized`: the point read's size check, shared by its several ranged checks (one stat per read).
   */
  async verifyRanges(
    file: LiveFile,
    ranges: readonly CheckedRange[],
    sized: SizeCheck = {},
  ): Promise<readonly Uint8Array[] | undefined> {
    const path = this.absolute(file)
    const { readRange } = this.fs
    const whole = file.add.checksum !== undefined && !this.checked.has(path)
    if (!readRange && whole) {
      await this.verify(file)
      return undefined
    }
    sized.done ??= this.checkExists(file, path)
    await sized.done
    if (!readRange || !whole) return undefined
    let checked: Awaited<ReturnType<typeof checkRanges>>
    try {
      checked = await checkRanges((offset, length) => readRange.call(this.fs, path, offset, length), ranges)
    } catch (error) {
      if (!isNotFound(error)) throw new TableReadError(this.table, path, { cause: error })
      throw this.corrupt(file, 'data file is missing', error)
    }
    const { mismatch } = checked
    if (mismatch) {
      const { range, crc, length } = mismatch
      const got =
        length === range.end - range.start ? `crc32 ${crc.toString(16).padStart(8, '0')}` : `${length} bytes`
      throw this.corrupt(
        file,
        `data file bytes ${range.start}-${range.end} have ${got}, the checksums taken when it matched the log's (${file.add.checksum}) say crc32 ${range.crc.toString(16).padStart(8, '0')} (damaged bytes)`,
      )
    }
    return checked.bytes
  }

  private checkSize(file: LiveFile, size: number): void {
    if (size !== file.add.size)
      throw this.corrupt(file, `data file has ${size} bytes, the log recorded ${file.add.size}`)
  }

  /** A file's row count against the log's; an add without statistics (allowed by Delta) recorded none. */
  private checkRowCount(file: LiveFile, height: number): void {
    const recorded = file.add.stats.numRows
    if (!Number.isNaN(recorded) && height !== recorded) {
      throw this.corrupt(file, `data file has ${height} rows, the log recorded ${recorded}`)
    }
  }

  /**
   * Columns to select from a file: the schema's, read from their stored names, with the
   * fill value (else null) for columns the file predates. Whether the file holds a column is its footer's
   * answer (`fileDtypes`), never the statistics': Delta statistics are optional and may list no column. Stored columns of dropped fields are ignored.
   * A partition column the file lacks (other writers keep it only in the log) reads the file's partition value.
   */
  private projection(
    columns: readonly string[] | undefined,
    fileDtypes: ReadonlyMap<string, DataType>,
    file: LiveFile,
  ): pl.Expr[] {
    const wanted = columns ?? Object.keys(this.schema)
    const fields = this.metadata.entity.fields
    return wanted.map((c) => {
      const dtype = this.schema[c] ?? pl.Utf8
      const stored = this.mapping.stored(c)
      const field = fields.find((f) => f.column === c)
      if (fileDtypes.has(stored)) {
        // A cast stops polars pushing filters into the Parquet reader: only columns whose type differs get one.
        const actual = fileDtypes.get(stored)
        const col =
          field?.type.kind === 'scalar' && field.type.name === 'Decimal'
            ? decimalTextAt(pl.col(stored), decimalSpecOf(field.type), actual)
            : actual !== undefined && sameDtype(actual, dtype)
              ? pl.col(stored)
              : pl.col(stored).cast(dtype)
        return stored === c ? col : col.alias(c)
      }
      if (field && this.metadata.partitionBy.includes(c)) {
        const raw = file.add.partitionValues[stored] ?? file.add.partitionValues[c]
        const value = partitionValueFill(field, raw, dtype)
        if (!value)
          throw this.corrupt(
            file,
            `partition value ${JSON.stringify(raw)} of ${c} does not fit the field's type`,
          )
        return value
      }
      return field ? this.mapping.fill(field) : pl.lit(null).cast(dtype).alias(c)
    })
  }

  /** Column dtypes of scanned data files (immutable files: read once from the footer, kept by path). */
  private readonly fileDtypes = new Map<string, ReadonlyMap<string, DataType>>()

  private scannedDtypes(path: string, lf: pl.LazyDataFrame): ReadonlyMap<string, DataType> {
    return this.fileDtypes.get(path) ?? this.rememberDtypes(path, lf.limit(0).collectSync())
  }

  /** Remembers a file's column dtypes from a frame read from it as stored (no projection). */
  private rememberDtypes(path: string, df: pl.DataFrame): ReadonlyMap<string, DataType> {
    const list = df.dtypes
    const dtypes = new Map(df.columns.map((c, i) => [c, list[i] as DataType]))
    if (this.fileDtypes.size >= MAX_CACHED_DTYPES) this.fileDtypes.clear()
    this.fileDtypes.set(path, dtypes)
    return dtypes
  }

  /** True when a file's columns are the schema's stored columns, in order, with the schema's dtypes. */
  private matchesSchema(fileDtypes: ReadonlyMap<string, DataType>): boolean {
    if (!this.mapping.identity) return false
    const names = Object.keys(this.schema)
    if (fileDtypes.size !== names.length) return false
    let i = 0
    for (const [column, dtype] of fileDtypes) {
      const name = names[i++] as string
      if (column !== name || !sameDtype(dtype, this.schema[name] as DataType)) return false
    }
    return true
  }

  /** Deletion vectors read, by unique id (immutable once written). */
  private readonly vectors = new Map<string, RoaringBitmapArray>()

  /** The rows deleted from a logical file (its deletion vector), or undefined when none are. */
  async deletionVector(file: LiveFile): Promise<RoaringBitmapArray | undefined> {
    const dv = file.add.deletionVector
    if (!dv) return undefined
    const id = vectorCacheId(file.add.path, dv)
    const cached = this.vectors.get(id)
    if (cached) return cached
    let bitmap: RoaringBitmapArray
    try {
      bitmap = await readDeletionVector(dv, this.root, (path) => this.fs.readFile(path))
    } catch (error) {
      if (error instanceof ParquetFrameError || isNotFound(error))
        throw this.corrupt(file, `deletion vector: ${(error as Error).message}`, error)
      throw new TableReadError(this.table, this.absolute(file), { cause: error })
    }
    this.holdVector(id, bitmap)
    return bitmap
  }

  /**
   * A deletion vector this process just wrote for a data file (`descriptor` names its new vector file): held as
   * if read back, so the next delete from that file does not read and decode it. Vector files are immutable and
   * their names new, so a descriptor never names other bits.
   */
  rememberVector(path: string, descriptor: DeltaDeletionVector, bitmap: RoaringBitmapArray): void {
    this.holdVector(vectorCacheId(path, descriptor), bitmap)
  }

  private holdVector(id: string, bitmap: RoaringBitmapArray): void {
    if (this.vectors.size >= MAX_CACHED_DTYPES) this.vectors.clear()
    this.vectors.set(id, bitmap)
  }

  /**
   * The row positions a whole data file's deletion vector deletes, as a one-column frame of `ROW_INDEX` (an
   * anti-join on the row index drops them, keeping the file's order); undefined when nothing is deleted.
   */
  private async deletedRows(file: LiveFile): Promise<pl.DataFrame | undefined> {
    const bitmap = await this.deletionVector(file)
    if (!bitmap) return undefined
    return pl.DataFrame([pl.Series(ROW_INDEX, bitmap.toSortedArray(), pl.UInt32)])
  }

  /**
   * Row positions in a data file of the rows with these keys (a frame of the key columns), those of its
   * deletion vector left out: what a merge-on-read delete adds to the file's deletion vector.
   */
  async positionsOf(file: LiveFile, keys: pl.DataFrame, keyColumns: readonly string[]): Promise<number[]> {
    await this.verify(file)
    let df: pl.DataFrame
    try {
      df = await this.format.read(this.absolute(file))
    } catch (error) {
      throw this.corrupt(file, `cannot read data file: ${(error as Error).message}`, error)
    }
    this.checkRowCount(file, df.height)
    const stored = keyColumns.map((c) => this.mapping.stored(c))
    const located = df
      .select(...stored)
      .withRowIndex(ROW_INDEX)
      .join(this.mapping.toStored(keys), { on: stored, how: 'semi' })
    const bitmap = await this.deletionVector(file)
    const positions = located.getColumn(ROW_INDEX).toArray() as number[]
    return bitmap ? positions.filter((p) => !bitmap.has(p)) : positions
  }

  /**
   * A lazy scan of one file (verified first, see `verify`; with `ranges`, only those byte ranges: `verifyRanges`,
   * for a read that touches no others), its deleted rows removed, in schema column order.
   */
  async scan(
    file: LiveFile,
    columns?: readonly string[],
    ranges?: readonly CheckedRange[],
  ): Promise<pl.LazyDataFrame> {
    const { path, lf: scanned } = await this.openChecked(file, ranges)
    let lf = scanned
    let dtypes: ReadonlyMap<string, DataType>
    try {
      dtypes = this.scannedDtypes(path, lf)
    } catch (error) {
      throw this.corrupt(file, 'cannot open data file', error)
    }
    const deleted = await this.deletedRows(file)
    if (deleted)
      lf = lf.withRowIndex(ROW_INDEX).join(deleted.lazy(), { on: ROW_INDEX, how: 'anti' }).drop(ROW_INDEX)
    // A file holding exactly the schema's columns, in order and typed, needs no projection (polars expressions
    // cost about a millisecond each to build in nodejs-polars: a small query feels a handful of them).
    if (columns === undefined && this.matchesSchema(dtypes)) return lf
    return lf.select(...this.projection(columns, dtypes, file))
  }

  /**
   * One physical row of a file (its position ignores deletion vectors), in schema column order: a slice pushed into
   * polars' reader, the file's dtypes taken from the row read instead of a separate footer query (`scannedDtypes`:
   * a polars query of its own, most of a cold point read's polars time). Verified as `scan`.
   */
  async readRow(file: LiveFile, position: number, ranges?: readonly CheckedRange[]): Promise<pl.DataFrame> {
    return (await this.pointRead(file, position, ranges)).frame()
  }

  /**
   * `readRow` without polars where it can: with `ranges` (the checked blocks of its row group and the tail, see
   * `rangesForRow`) of a Parquet file, the row is decoded in JS from the few blocks holding its pages and the
   * footer, checked as read (parquet-row-reader.ts; with `layout`, the file's point-read facts from its key index,
   * the footer is not read); else polars reads it once the blocks it reads are checked.
   */
  async pointRead(
    file: LiveFile,
    position: number,
    ranges?: readonly CheckedRange[],
    layout?: ParquetPointLayout,
  ): Promise<PointRow> {
    if (ranges) {
      const sized: SizeCheck = {}
      const row =
        this.format.name === 'parquet' &&
        (await decodeRowFromRanges(this, file, position, ranges, sized, layout))
      if (row) return row
      await this.verifyRanges(file, ranges, sized)
    } else await this.verify(file)
    return framePointRow(this.polarsRow(file, position))
  }

  /** One physical row of a file (already checked) through polars, as `readRow`. */
  private polarsRow(file: LiveFile, position: number): pl.DataFrame {
    const { path, lf } = this.open(file)
    let df: pl.DataFrame
    try {
      df = lf.slice(position, 1).collectSync()
    } catch (error) {
      throw this.corrupt(file, `cannot read data file: ${(error as Error).message}`, error)
    }
    const dtypes = this.fileDtypes.get(path) ?? this.rememberDtypes(path, df)
    return this.matchesSchema(dtypes) ? df : df.select(...this.projection(undefined, dtypes, file))
  }

  /** A data file checked (its read ranges, else the whole file once) and opened lazily as stored. */
  private async openChecked(
    file: LiveFile,
    ranges: readonly CheckedRange[] | undefined,
  ): Promise<{ path: string; lf: pl.LazyDataFrame }> {
    await (ranges ? this.verifyRanges(file, ranges) : this.verify(file))
    return this.open(file)
  }

  /** A data file opened lazily as stored (checked by the caller). */
  private open(file: LiveFile): { path: string; lf: pl.LazyDataFrame } {
    const path = this.absolute(file)
    if (!this.format.scan) throw new Error(`format ${this.format.name} cannot scan lazily; use read()`)
    try {
      return { path, lf: this.format.scan(path) }
    } catch (error) {
      throw this.corrupt(file, 'cannot open data file', error)
    }
  }

  /**
   * Reads one file eagerly, checking its row count against the log, deleted rows removed. `verified` gets the
   * file's bytes once they matched the log's checksum (a caller needing them reads the file once).
   */
  async read(
    file: LiveFile,
    columns?: readonly string[],
    verified?: (bytes: Uint8Array) => void,
  ): Promise<pl.DataFrame> {
    const bytes = await this.verify(file, true)
    if (bytes) verified?.(bytes)
    let df: pl.DataFrame
    try {
      df = await this.format.read(this.absolute(file))
    } catch (error) {
      throw this.corrupt(file, `cannot read data file: ${(error as Error).message}`, error)
    }
    this.checkRowCount(file, df.height)
    const deleted = await this.deletedRows(file)
    if (deleted) df = df.withRowIndex(ROW_INDEX).join(deleted, { on: ROW_INDEX, how: 'anti' }).drop(ROW_INDEX)
    const list = df.dtypes
    const dtypes = new Map(df.columns.map((c, i) => [c, list[i] as DataType]))
    return df.select(...this.projection(columns, dtypes, file))
  }

  /** True when the format can scan lazily (else files are read eagerly). */
  get lazy(): boolean {
    return this.format.scan !== undefined
  }
}

/** The deletion vector cache's id of a data file's vector. */
function vectorCacheId(path: string, dv: DeltaDeletionVector): string {
  return `${path}\u0000${deletionVectorId(dv)}`
}
