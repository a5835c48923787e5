import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import pl from 'nodejs-polars'
import { encodeDeletionVectorFile } from '../delta/deletion-vector.js'
import { RoaringBitmapArray } from '../delta/roaring-bitmap-array.js'
import { DataFileStore } from './data-file-store.js'
import { computeFileStats } from './file-stats.js'
import { type FileSystem, isAlreadyExists, isNotFound } from './file-system.js'
import { KeyCodec } from './key-codec.js'
import { LegacyConversionError } from './legacy-conversion-error.js'
import { type LegacyLiveFile, type LegacyState, replayLegacyLog } from './legacy-log-replay.js'
import {
  type AddAction,
  LEGACY_LOG_DIR,
  type LogEntry,
  PRIVATE_DIR,
  type TableMetadata,
} from './log-entry.js'
import { nodeFileSystem } from './node-file-system.js'
import { openTable } from './table.js'
import { TableNotFoundError } from './table-errors.js'
import { TableLog } from './table-log.js'
import { protocolOf } from './table-protocol.js'
import type { LiveFile, TableState } from './table-state.js'
import { removeQuietly } from './temp-files.js'

/** Where a converted table keeps its 0.1 log (inside pf's private folder, ignored by Delta readers). */
export const LEGACY_ARCHIVE_DIR = join(PRIVATE_DIR, 'legacy-0.1')

/** What `convertLegacyTable` did. */
export interface LegacyConversionResult {
  /** `converted`: now a Delta table; `finished`: an interrupted conversion was verified and finished; `already`: nothing to do. */
  readonly outcome: 'converted' | 'finished' | 'already'
  /** The 0.1 version converted (undefined for `already`). */
  readonly legacyVersion?: number
  /** Visible rows verified. */
  readonly rows: number
  /** Live data files of the new table. */
  readonly files: number
  /** Files given a deletion vector for the rows 0.1 deleted by key (merge-on-read). */
  readonly deletionVectors: number
}

/** Options of `convertLegacyTable`. */
export interface LegacyConversionOptions {
  /** File-system seam. Default: the real file system. */
  readonly fs?: FileSystem
}

/**
 * Converts a parquetframe 0.1 table (`_pf_log/`) into a Delta table in one verified step: replays the 0.1 log,
 * writes version 0 of `_delta_log/` (protocol, metaData from the 0.1 metadata by pf's rules, one `add` per live
 * file with statistics recomputed from the file; the rows 0.1 deleted by key become deletion vectors), then opens
 * the new table and compares every row with the 0.1 replay; only then moves `_pf_log/` to `_pf/legacy-0.1/`.
 * Version 0 is the commit point: before it the 0.1 table is untouched (new deletion vector files are removed on
 * failure), a failed verification removes it again; after a crash past it, converting again verifies and
 * finishes. Data files stay where they are; dead ones stay until `vacuum`. LegacyConversionError on any failure.
 */
export async function convertLegacyTable(
  path: string,
  options: LegacyConversionOptions = {},
): Promise<LegacyConversionResult> {
  const fs = options.fs ?? nodeFileSystem
  const log = new TableLog(path, fs, path)
  const legacyEntry0 = join(path, LEGACY_LOG_DIR, '00000000000000000000.json')
  const hasLegacy = await exists(fs, legacyEntry0)
  const hasDelta = await log.identity().then(
    () => true,
    (error: unknown) => {
      if (error instanceof TableNotFoundError || (error as { code?: string }).code === 'PF_TABLE_LEGACY_LOG')
        return false
      throw error
    },
  )
  if (!hasLegacy) {
    if (hasDelta) {
      const state = await log.latest()
      return {
        outcome: 'already',
        rows: state.rows,
        files: state.files.size,
        deletionVectors: vectorsOf(state),
      }
    }
    throw new LegacyConversionError(path, `no 0.1 log (${legacyEntry0} not found) and no Delta table`)
  }
  const legacy = await replayLegacyLog(path, fs)
  const expected = await legacyRows(path, fs, legacy)
  if (hasDelta) {
    // An interrupted conversion: version 0 is written; verify it as a fresh conversion would, then finish.
    const check = await verify(path, fs, legacy, expected)
    if (check)
      throw new LegacyConversionError(path, `the Delta table next to the 0.1 log differs from it: ${check}`)
    await archiveLegacyLog(path, fs)
    const state = await new TableLog(path, fs, path).latest()
    return {
      outcome: 'finished',
      legacyVersion: legacy.version,
      rows: expected.height,
      files: state.files.size,
      deletionVectors: vectorsOf(state),
    }
  }
  const metadata = deltaMetadataOf(legacy)
  const store = new DataFileStore(path, fs, metadata.entity.name, metadata, Number.MAX_SAFE_INTEGER)
  const written: string[] = []
  let committed = false
  try {
    const add: AddAction[] = []
    for (const file of legacy.files.values()) {
      const action = await deltaAddOf(path, fs, store, metadata, file, written)
      if (action) add.push(action)
    }
    const entry: LogEntry = {
      version: 0,
      commitInfo: {
        timestamp: Date.now(),
        operation: 'CREATE',
        readVersion: -1,
        rowsAdded: legacy.rows,
        rowsRemoved: 0,
        txnId: randomUUID(),
        details: [`converted from parquetframe 0.1 (_pf_log version ${legacy.version}, ${legacy.rows} rows)`],
      },
      protocol: protocolOf(metadata),
      metadata,
      add,
    }
    // The deletion vector files' folder entries are durable before the entry naming them.
    if (written.length > 0) await fs.fsyncDir(path)
    await fs.mkdir(log.dir)
    try {
      await log.writeEntry(entry, undefined)
    } catch (error) {
      if (isAlreadyExists(error))
        throw new LegacyConversionError(path, 'another process converted or created the table meanwhile', {
          cause: error,
        })
      throw error
    }
    committed = true
    const check = await verify(path, fs, legacy, expected)
    if (check) throw new LegacyConversionError(path, `verification failed: ${check}`)
    await archiveLegacyLog(path, fs)
    return {
      outcome: 'converted',
      legacyVersion: legacy.version,
      rows: expected.height,
      files: add.length,
      deletionVectors: add.filter((a) => a.deletionVector).length,
    }
  } catch (error) {
    // Nothing of the 0.1 table changed: the new log entry (if written) and vector files go again.
    if (committed) await removeQuietly(fs, log.entryPath(0))
    await Promise.all(written.map((p) => removeQuietly(fs, p)))
    if (error instanceof LegacyConversionError) throw error
    throw new LegacyConversionError(path, (error as Error).message, { cause: error })
  }
}

/** The Delta table's metadata: the 0.1 metadata (same IR and rules), with its autoincrement marks. */
function deltaMetadataOf(legacy: LegacyState): TableMetadata {
  const marks: Record<string, string> = {}
  for (const field of legacy.metadata.entity.fields) {
    const mark = legacy.autoincrementMarks[field.name]
    if (mark !== undefined) marks[field.column] = mark
  }
  return Object.keys(marks).length > 0
    ? { ...legacy.metadata, identityHighWaterMarks: marks }
    : { ...legacy.metadata }
}

/** A 0.1 live file as pf's reader sees it (no deletion vector), for checks and reads. */
function liveFileOf(file: LegacyLiveFile, columns: AddAction['stats']['columns'] = {}): LiveFile {
  return {
    add: {
      path: file.path,
      size: file.size,
      partitionValues: file.partitionValues,
      stats: { numRows: file.numRows, columns },
      ...(file.checksum ? { checksum: file.checksum } : {}),
    },
    version: 0,
    deleted: new Set(),
    deletedRows: 0,
  }
}

/**
 * The `add` of one live 0.1 file: size and checksum checked against the 0.1 log, statistics recomputed from the
 * file, the rows 0.1 deleted by key as a deletion vector (written into the table folder, listed in `written`).
 * Undefined when 0.1 deleted every row of the file.
 */
async function deltaAddOf(
  root: string,
  fs: FileSystem,
  store: DataFileStore,
  metadata: TableMetadata,
  file: LegacyLiveFile,
  written: string[],
): Promise<AddAction | undefined> {
  const absolute = join(root, ...file.path.split('/'))
  const stat = await fs.stat(absolute).catch((error: unknown) => {
    throw new LegacyConversionError(root, `live data file ${absolute} cannot be read`, { cause: error })
  })
  if (stat.size !== file.size)
    throw new LegacyConversionError(
      root,
      `live data file ${absolute} has ${stat.size} bytes, the 0.1 log says ${file.size}`,
    )
  const live = liveFileOf(file)
  // Checks the 0.1 checksum and row count as every read does.
  const df = await store.format.read(absolute).catch((error: unknown) => {
    throw new LegacyConversionError(root, `live data file ${absolute} cannot be read`, { cause: error })
  })
  await store.verify(live, true)
  if (df.height !== file.numRows)
    throw new LegacyConversionError(
      root,
      `live data file ${absolute} has ${df.height} rows, the 0.1 log says ${file.numRows}`,
    )
  const stats = computeFileStats(df, store.mapping.storedEntity())
  const add: AddAction = { ...live.add, stats }
  if (file.deleted.size === 0) return add
  const codec = new KeyCodec(metadata.entity, metadata.entity.name)
  const positions = await store.positionsOf(live, codec.frame([...file.deleted]), codec.columns)
  if (positions.length !== file.deletedRows)
    throw new LegacyConversionError(
      root,
      `${absolute}: the 0.1 log deletes ${file.deletedRows} rows by key, ${positions.length} rows of the file hold those keys`,
    )
  if (positions.length === file.numRows) return undefined
  const vector = encodeDeletionVectorFile([RoaringBitmapArray.fromPositions(positions)])
  const [descriptor] = vector.descriptors
  if (!descriptor) throw new Error('a deletion vector file without its descriptor')
  const vectorPath = join(root, ...vector.path.split('/'))
  written.push(vectorPath)
  await fs.writeFile(vectorPath, vector.bytes)
  return { ...add, deletionVector: descriptor }
}

/** Every visible row of the 0.1 table as 0.1 read it: each live file without the rows of its deleted keys. */
async function legacyRows(root: string, fs: FileSystem, legacy: LegacyState): Promise<pl.DataFrame> {
  const metadata = deltaMetadataOf(legacy)
  const store = new DataFileStore(root, fs, metadata.entity.name, metadata, Number.MAX_SAFE_INTEGER)
  const codec = new KeyCodec(metadata.entity, metadata.entity.name)
  const frames: pl.DataFrame[] = []
  for (const file of legacy.files.values()) {
    let df = await store.read(liveFileOf(file)).catch((error: unknown) => {
      throw new LegacyConversionError(root, `live data file ${file.path}: ${(error as Error).message}`, {
        cause: error,
      })
    })
    if (file.deleted.size > 0) {
      const keys = codec.encodeFrame(df)
      df = df.filter(pl.Series(keys.map((k) => !file.deleted.has(k))))
    }
    frames.push(df)
  }
  const all = frames.length === 0 ? undefined : pl.concat(frames, { how: 'vertical' })
  if (all === undefined) return pl.DataFrame({})
  if (all.height !== legacy.rows)
    throw new LegacyConversionError(
      root,
      `the 0.1 log counts ${legacy.rows} rows, its live files hold ${all.height}`,
    )
  return all
}

/** Opens the Delta table as any pf user does and compares every row with the 0.1 replay; the difference, if any. */
async function verify(
  root: string,
  fs: FileSystem,
  legacy: LegacyState,
  expected: pl.DataFrame,
): Promise<string | undefined> {
  const table = await openTable(root, { fs })
  const actual = await table.read()
  if (actual.height !== expected.height)
    return `the Delta table reads ${actual.height} rows, the 0.1 table ${expected.height}`
  if (expected.height === 0) return undefined
  const key = legacy.metadata.primaryKey as string[]
  const rowsOf = (df: pl.DataFrame): string[] =>
    df
      .select(...expected.columns)
      .sort(key)
      .toRecords()
      .map((r) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)))
  const a = rowsOf(actual)
  const e = rowsOf(expected)
  const differs = e.findIndex((row, i) => row !== a[i])
  return differs === -1
    ? undefined
    : `row ${differs} by key: the 0.1 table has ${e[differs]}, the Delta table ${a[differs]}`
}

/** Moves `_pf_log/` under `_pf/legacy-0.1/`: the folder is then a plain Delta table (0.1 kept its marks in there too). */
async function archiveLegacyLog(root: string, fs: FileSystem): Promise<void> {
  const archive = join(root, LEGACY_ARCHIVE_DIR)
  await fs.mkdir(archive)
  await fs.rename(join(root, LEGACY_LOG_DIR), join(archive, LEGACY_LOG_DIR))
  await fs.fsyncDir(archive)
  await fs.fsyncDir(root)
}

function vectorsOf(state: TableState): number {
  let n = 0
  for (const file of state.files.values()) if (file.add.deletionVector) n++
  return n
}

async function exists(fs: FileSystem, path: string): Promise<boolean> {
  try {
    await fs.stat(path)
    return true
  } catch (error) {
    if (isNotFound(error)) return false
    throw error
  }
}
