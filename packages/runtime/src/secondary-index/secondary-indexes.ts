import { relative, sep } from 'node:path'
import pl from 'nodejs-polars'
import { readDeletionVector } from '../delta/deletion-vector.js'
import { type DeltaDeletionVector, deletionVectorId } from '../delta/delta-actions.js'
import type { RoaringBitmapArray } from '../delta/roaring-bitmap-array.js'
import { mapBounded } from '../table/bounded-map.js'
import { DataFileStore } from '../table/data-file-store.js'
import { KeyCodec } from '../table/key-codec.js'
import type { TableMetadata } from '../table/log-entry.js'
import { metadataCacheKey } from '../table/metadata-cache-key.js'
import type { RowValue } from '../table/parquet-row-decoder.js'
import type { PendingFile } from '../table/pending-file.js'
import {
  type SmallFileRows,
  smallBytesIndexEntries,
  smallFileIndexEntries,
  smallRowsOfBytes,
} from '../table/small-file-rows.js'
import type { Snapshot } from '../table/snapshot.js'
import type { Table } from '../table/table.js'
import type { LiveFile } from '../table/table-state.js'
import type { DecodedFile } from './decoded-file-cache.js'
import { buildFileIndex, type FileIdentity, type FileIndex } from './file-index.js'
import { defaultIndexCache, type IndexCache } from './index-cache.js'
import { IndexFileDamagedError } from './index-errors.js'
import { indexFilePath, readIndexFile, writeIndexFile } from './index-files.js'
import { decodeFileIndex, encodeFileIndex } from './index-format.js'
import type { IndexGroup } from './index-group.js'

/** The live rows of one data file an index lookup matched. */
export interface FileMatch {
  readonly file: LiveFile
  /** Encoded primary key of each matched row. */
  readonly keys: readonly string[]
  /** Physical row position of each matched row. */
  readonly positions: readonly number[]
  /** Encoded group value of each matched row. */
  readonly values: readonly string[]
}

/** What the indexes of a repository did, for tests and benchmarks. */
export interface IndexStats {
  /** Indexes built by reading a data file. */
  builds: number
  /** Indexes read from their index file. */
  loads: number
  /** Index files found damaged, truncated or of another data file (then rebuilt). */
  rejected: number
}

/** What reads of matched rows did, for tests and benchmarks. */
export interface RowReadStats {
  /** Data files decoded whole to serve matched rows (then held by the decoded-file cache when they fit). */
  filesDecoded: number
  /** Physical rows those files held. */
  rowsDecoded: number
  /** Matched rows fetched one by one from decoded files in memory (no data file read). */
  rowsFetched: number
}

/** One matched row fetched from a decoded file: its values in the order of `columns`. */
export interface FetchedRow {
  readonly columns: readonly string[]
  readonly values: readonly unknown[]
}

/** A pending record's group values (null: a part is null) and its rows, decoded in JS. */
interface PendingDecoded {
  readonly values: readonly (string | null)[]
  readonly rows: SmallFileRows | undefined
}

/** Name of the physical row position column while matched rows are picked from a decoded file (`__`: never stored). */
const ROW_POSITION = '__pf_row_position'

/** How one table version's data files are read: a data file store and the table's key codec. */
interface Readers {
  readonly store: DataFileStore
  readonly codec: KeyCodec
}

/** Deletion vectors held at once (they are small; a new version's DV is a new entry). */
const MAX_DELETION_VECTORS = 1024

/** The deletion vector of a live file (Delta merge-on-read deletes: row positions), when it has one. */
function deletionVectorOf(file: LiveFile): DeltaDeletionVector | undefined {
  const add: { readonly path: string; readonly deletionVector?: DeltaDeletionVector | null } = file.add
  return add.deletionVector ?? undefined
}

/** The physical file: every row, none deleted (index positions count them all). */
function physicalFile(file: LiveFile): LiveFile {
  const { deletionVector: _dv, ...add }: LiveFile['add'] & { readonly deletionVector?: unknown } = file.add
  return { ...file, add, deleted: new Set(), deletedRows: 0 }
}

/** The identity an index of this live file must carry. */
export function fileIdentity(file: LiveFile): FileIdentity {
  return {
    path: file.add.path,
    size: file.add.size,
    checksum: file.add.checksum ?? '',
    rows: file.add.stats.numRows,
  }
}

function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.path === b.path && a.size === b.size && a.checksum === b.checksum && a.rows === b.rows
}

/**
 * Per-data-file secondary indexes of one table: loaded lazily (memory, else the index file, else built from the
 * data file and saved), shared through a bounded cache. An index is a cache: any index file that does not check
 * out is rebuilt from the data file, and rows deleted from a file are left out at lookup time.
 */
export class SecondaryIndexes {
  readonly stats: IndexStats = { builds: 0, loads: 0, rejected: 0 }
  readonly reads: RowReadStats = { filesDecoded: 0, rowsDecoded: 0, rowsFetched: 0 }
  private readonly readers = new WeakMap<TableMetadata, Readers>()
  private readonly pending = new Map<string, Promise<FileIndex>>()
  private readonly deletionVectors = new Map<string, Promise<RoaringBitmapArray>>()
  /** Pending records' decoded group values and rows (`pendingDecoded`), by their bytes: gone with the record. */
  private readonly pendingRows = new WeakMap<
    Uint8Array,
    Map<string, { readonly readers: Readers; readonly decoded: Promise<PendingDecoded | undefined> }>
  >()

  constructor(private readonly cache: IndexCache = defaultIndexCache) {}

  private readersOf(table: Table, snapshot: Snapshot): Readers {
    const cacheKey = metadataCacheKey(snapshot.metadata)
    let r = this.readers.get(cacheKey)
    if (!r) {
      const codec = new KeyCodec(snapshot.entity, table.name)
      r = {
        store: new DataFileStore(table.path, table.fs, table.name, snapshot.metadata, 1),
        codec,
      }
      this.readers.set(cacheKey, r)
    }
    return r
  }

  /** The cache key of a group's index over one live file (data files are immutable: path, size and checksum). */
  private cacheKey(readers: Readers, file: LiveFile, group: IndexGroup): string {
    const identity = fileIdentity(file)
    return [readers.store.absolute(file), identity.size, identity.checksum, ...group.columns].join('\u0000')
  }

  /** The index of a group over one live file. */
  async fileIndex(table: Table, snapshot: Snapshot, file: LiveFile, group: IndexGroup): Promise<FileIndex> {
    const readers = this.readersOf(table, snapshot)
    const identity = fileIdentity(file)
    const key = this.cacheKey(readers, file, group)
    const hit = this.cache.get(key)
    if (hit) return hit
    let loading = this.pending.get(key)
    if (!loading) {
      loading = this.loadOrBuild(table, readers, file, identity, group).finally(() =>
        this.pending.delete(key),
      )
      this.pending.set(key, loading)
    }
    const index = await loading
    this.cache.set(key, index)
    return index
  }

  private async loadOrBuild(
    table: Table,
    readers: Readers,
    file: LiveFile,
    identity: FileIdentity,
    group: IndexGroup,
  ): Promise<FileIndex> {
    // Named after the data file's path in the table folder (a Delta add path is a URI: it may be escaped).
    const inTable = relative(table.path, readers.store.absolute(file)).split(sep).join('/')
    const path = indexFilePath(table.path, inTable, group.columns)
    const bytes = await readIndexFile(table.fs, path)
    if (bytes) {
      try {
        const index = decodeFileIndex(bytes, path)
        if (!sameIdentity(index.identity, identity))
          throw new IndexFileDamagedError(path, 'it indexes another data file')
        if (index.columns.join('\u0000') !== group.columns.join('\u0000'))
          throw new IndexFileDamagedError(path, 'it indexes other columns')
        this.stats.loads++
        return index
      } catch (error) {
        if (!(error instanceof IndexFileDamagedError)) throw error
        this.stats.rejected++
      }
    }
    const index = await this.build(readers, file, identity, group)
    await writeIndexFile(table.fs, path, encodeFileIndex(index))
    return index
  }

  /** `build` of a small Parquet file, decoded in JS (small-file-rows.ts); undefined when the file is not one. */
  private async buildSmall(
    readers: Readers,
    file: LiveFile,
    identity: FileIdentity,
    group: IndexGroup,
  ): Promise<FileIndex | undefined> {
    const { store, codec } = readers
    const entries = await smallFileIndexEntries(
      store,
      file,
      codec.columns,
      (values) => codec.encodeValues(values),
      group.columns,
      (values) => group.codec.encodeValues(values),
    )
    if (!entries) return undefined
    this.stats.builds++
    return buildFileIndex(identity, group.columns, entries.values, entries.keys)
  }

  /** Reads the key and group columns of every physical row of the file (deleted ones too: positions are physical). */
  private async build(
    readers: Readers,
    file: LiveFile,
    identity: FileIdentity,
    group: IndexGroup,
  ): Promise<FileIndex> {
    // A small file (each single create, save or group commit makes one) is decoded in JS: polars' read of a one-row
    // file cost a find right after a create several milliseconds.
    const small = await this.buildSmall(readers, file, identity, group)
    if (small) return small
    const { store, codec } = readers
    const columns = [...new Set([...codec.columns, ...group.columns])]
    const df = await store.read(physicalFile(file), columns)
    const keys = codec.encodeFrame(df)
    const encoded = group.codec.encodeFrame(df)
    const nulls = group.columns
      .filter((c) => df.getColumn(c).nullCount() > 0)
      .map((c) => df.getColumn(c).isNull().toArray() as boolean[])
    const values = nulls.length === 0 ? encoded : encoded.map((v, i) => (nulls.some((n) => n[i]) ? null : v))
    this.stats.builds++
    return buildFileIndex(identity, group.columns, values, keys)
  }

  /**
   * The live rows holding any of the encoded values, per live file (files without one left out), oldest first.
   * `files`: the snapshot's files that may hold them (e.g. pruned by statistics; others get no index). Default all.
   */
  async lookup(
    table: Table,
    snapshot: Snapshot,
    group: IndexGroup,
    values: readonly string[],
    files: readonly LiveFile[] = snapshot.files,
  ): Promise<FileMatch[]> {
    const wanted = [...new Set(values)].sort()
    // Indexes held in memory are taken without an await each; only missing ones are loaded or built.
    const readers = this.readersOf(table, snapshot)
    const held = files.map((f) => this.cache.get(this.cacheKey(readers, f, group)))
    const indexes = held.every((i) => i !== undefined)
      ? held
      : await mapBounded(files, (f) => this.fileIndex(table, snapshot, f, group))
    const out: FileMatch[] = []
    for (let i = 0; i < files.length; i++) {
      const file = files[i] as LiveFile
      const index = indexes[i] as FileIndex
      const dv = deletionVectorOf(file)
      let deleted: RoaringBitmapArray | undefined
      const keys: string[] = []
      const positions: number[] = []
      const found: string[] = []
      for (const value of wanted) {
        const range = index.find(value)
        if (!range) continue
        for (let e = range[0]; e < range[1]; e++) {
          const key = index.keys.at(e)
          const position = index.positions[e] as number
          // Deleted rows: by key (older tables' merge-on-read) or by position (a Delta deletion vector).
          if (file.deleted.has(key)) continue
          if (dv) {
            deleted ??= await this.deletionVector(table, dv)
            if (deleted.has(position)) continue
          }
          keys.push(key)
          positions.push(position)
          found.push(value)
        }
      }
      if (keys.length > 0) out.push({ file, keys, positions, values: found })
    }
    return out
  }

  /** A deletion vector's row positions, read once (a DV never changes: a new delete writes a new one). */
  private deletionVector(table: Table, dv: DeltaDeletionVector): Promise<RoaringBitmapArray> {
    const id = `${table.path}\u0000${deletionVectorId(dv)}`
    let hit = this.deletionVectors.get(id)
    if (!hit) {
      if (this.deletionVectors.size >= MAX_DELETION_VECTORS) this.deletionVectors.clear()
      hit = readDeletionVector(dv, table.path, (p) => table.fs.readFile(p))
      hit.catch(() => this.deletionVectors.delete(id))
      this.deletionVectors.set(id, hit)
    }
    return hit
  }

  /**
   * Every physical row of a live file, decoded: from the table's decoded-file cache, the one finds by key read
   * through too (the file is still checked to exist with its recorded size, as every read checks it), else read
   * whole (checksum verified) and held when it fits.
   */
  async decoded(table: Table, snapshot: Snapshot, file: LiveFile): Promise<DecodedFile> {
    const hit = snapshot.heldFile(file)
    if (hit) {
      await this.readersOf(table, snapshot).store.verify(file)
      return hit
    }
    return snapshot.decodedFile(file, (df) => {
      this.reads.filesDecoded++
      this.reads.rowsDecoded += df.height
    })
  }

  /** Whether every file of the matches is decoded in memory now (then its matched rows are fetched one by one). */
  inMemory(snapshot: Snapshot, matches: readonly FileMatch[]): boolean {
    return matches.every((m) => snapshot.heldFile(m.file) !== undefined)
  }

  /**
   * The matched rows, each as its values in its decoded file's column order (the table's columns), file by file in
   * snapshot order, rows in file order, `offset` rows skipped and at most `limit` kept. Only the files holding rows
   * of that window are decoded (or taken from the cache), and only those rows are fetched.
   */
  async fetchMatches(
    table: Table,
    snapshot: Snapshot,
    matches: readonly FileMatch[],
    offset = 0,
    limit = Number.POSITIVE_INFINITY,
  ): Promise<FetchedRow[]> {
    const out: FetchedRow[] = []
    let skip = offset
    for (const m of matches) {
      if (out.length >= limit) break
      if (skip >= m.positions.length) {
        skip -= m.positions.length
        continue
      }
      const positions = [...m.positions].sort((a, b) => a - b)
      const window = positions.slice(skip, skip + (limit - out.length))
      skip = 0
      this.reads.rowsFetched += window.length
      // A small file not decoded in memory: its rows decoded in JS (as a find by key reads them), not by polars.
      const small = snapshot.heldFile(m.file) ? undefined : await smallRows(snapshot, m.file, window)
      if (small) {
        out.push(...small)
        continue
      }
      const { columns, readRow } = await this.decoded(table, snapshot, m.file)
      for (const p of window) out.push({ columns, values: readRow(p) })
    }
    return out
  }

  /**
   * The rows of this process's pending log-first records (`Table.pendingView`: each one small Parquet file's bytes,
   * in the snapshot's schema) whose group value is one of the encoded `values`, record by record, rows in file order,
   * decoded in JS. Undefined when a record's file is not one the decoder follows (the caller reads after publishing).
   */
  async pendingMatches(
    table: Table,
    snapshot: Snapshot,
    group: IndexGroup,
    values: readonly string[],
    records: readonly PendingFile[],
  ): Promise<FetchedRow[] | undefined> {
    const readers = this.readersOf(table, snapshot)
    const wanted = new Set(values)
    const out: FetchedRow[] = []
    for (const record of records) {
      const decoded = await this.pendingDecoded(readers, group, record)
      if (!decoded) return undefined
      for (let p = 0; p < decoded.values.length; p++) {
        const value = decoded.values[p]
        if (value === null || value === undefined || !wanted.has(value)) continue
        const row = await decoded.rows?.row(p)
        if (!row?.values) return undefined
        out.push({ columns: row.columns, values: row.values })
      }
    }
    return out
  }

  /**
   * A pending record's group values and rows, decoded once per record, group and schema (a burst of creates keeps
   * many records pending, and every indexed read between publications reads them all).
   */
  private async pendingDecoded(
    readers: Readers,
    group: IndexGroup,
    record: PendingFile,
  ): Promise<PendingDecoded | undefined> {
    let byGroup = this.pendingRows.get(record.bytes)
    if (!byGroup) {
      byGroup = new Map()
      this.pendingRows.set(record.bytes, byGroup)
    }
    // Readers are per table and schema: a record read through another schema's is decoded anew.
    const id = group.name
    const known = byGroup.get(id)
    if (known && known.readers === readers) return known.decoded
    const { store, codec } = readers
    const rows = record.add.stats.numRows
    const encodeKey = (v: readonly RowValue[]) => codec.encodeValues(v)
    const decoded = (async (): Promise<PendingDecoded | undefined> => {
      const entries = await smallBytesIndexEntries(
        store,
        record.bytes,
        rows,
        codec.columns,
        encodeKey,
        group.columns,
        (v) => group.codec.encodeValues(v),
      )
      if (!entries) return undefined
      const decodedRows = await smallRowsOfBytes(store, record.bytes, rows, codec.columns, encodeKey)
      return { values: entries.values, rows: decodedRows }
    })()
    byGroup.set(id, { readers, decoded })
    decoded.catch(() => byGroup.delete(id))
    return decoded
  }

  /**
   * A lazy frame of the rows an index lookup matched (the table's columns), file by file in snapshot order, rows in
   * file order: each file's decoded rows at the matched positions (the lookup left deleted ones out), so a row is
   * never returned that the index excluded as deleted.
   */
  async scanMatches(
    table: Table,
    snapshot: Snapshot,
    matches: readonly FileMatch[],
  ): Promise<pl.LazyDataFrame> {
    if (matches.length === 0) return snapshot.scan({ keys: [] })
    const parts = await mapBounded(matches, async (m) => {
      const { df } = await this.decoded(table, snapshot, m.file)
      const positions = [...new Set(m.positions)].sort((a, b) => a - b)
      const wanted = pl.DataFrame([pl.Series(ROW_POSITION, positions, pl.UInt32)])
      // Eager: the decoded file is in memory, and the matched rows are few.
      return df
        .withRowIndex(ROW_POSITION)
        .join(wanted, { on: ROW_POSITION, how: 'semi' })
        .drop(ROW_POSITION)
        .lazy()
    })
    return parts.length === 1 ? (parts[0] as pl.LazyDataFrame) : pl.concat(parts, { how: 'vertical' })
  }
}

/** Rows at physical positions of a small file decoded in JS (Snapshot.smallFileRow); undefined unless all are. */
async function smallRows(
  snapshot: Snapshot,
  file: LiveFile,
  positions: readonly number[],
): Promise<FetchedRow[] | undefined> {
  const out: FetchedRow[] = []
  for (const p of positions) {
    const row = await snapshot.smallFileRow(file, p)
    if (!row?.values) return undefined
    out.push({ columns: row.columns, values: row.values })
  }
  return out
}
