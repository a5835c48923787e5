import { randomUUID } from 'node:crypto'
import { join, resolve } from 'node:path'
import {
  fateOf,
  fileList,
  flushFiles,
  frame,
  HEADER,
  headerWriter,
  type LoggedFile,
  logFrames,
  loggedDataFilePath,
  readFileList,
  restore,
} from './commit-wal.js'
import { decodeLogEntry, encodeLogEntry } from './delta-log-entry.js'
import { type AppendLog, type FileSystem, isNotFound } from './file-system.js'
import { type AddAction, LOG_DIR, PRIVATE_DIR } from './log-entry.js'
import { currentProcess, type ProcessIdentity } from './process-identity.js'
import { TableCorruptError } from './table-errors.js'
import type { TableState } from './table-state.js'

/**
 * The log-first insert log (docs/design/fast-durable-commits.md, design A; docs/tables.md "Log-first inserts"): a
 * writer appends a small insert's record here and acknowledges it once the append is flushed; the record is
 * published later, with others, as an ordinary Delta commit carrying a `txn` action (`appId` = the log's id,
 * `version` = the offset where the published records end), so a publication retried after a crash, or done by
 * another process, applies each record once.
 *
 * A record holds the insert's `add` actions (as the text of a log entry, decoded by the log's own codec) and the
 * bytes of the data files they name, which are written unflushed beside it: after a power loss, publication
 * restores what the crash lost of them.
 */

/** The folder of insert logs inside a table. */
export const INSERTS_DIR = join(PRIVATE_DIR, 'inserts')
/**
 * Present (`_delta_log/.pf-inserts-pending`) while a writer holds records not published yet; it names that writer and
 * its log. A reader in another process waits while it is there (or publishes the records itself when their writer is
 * gone). Set and cleared by renaming the writer's own marker file (`_pf/inserts/<log>.marker`): no file is made per
 * insert. It lives in the log folder so that setting it changes that folder, whose one `stat` is a warm read's whole
 * freshness check (log-freshness.ts): a reader learns of it at no extra cost. Hidden (a dot name, like pf's temp
 * entries): Delta readers list only the names of versions and checkpoints.
 */
export const PENDING_MARKER = '.pf-inserts-pending'

/** The pending marker's path in the table at `root`. */
export function pendingMarkerPath(root: string): string {
  return join(root, LOG_DIR, PENDING_MARKER)
}

/** The `txn` appId prefix of log-first insert publications. */
const APP_ID_PREFIX = 'pf-inserts-'
const INSERT = 2
/** A record that replaces stored rows (a log-first update): its keys, then an INSERT record's payload. */
const REPLACING = 3

const utf8 = new TextEncoder()
const fromUtf8 = new TextDecoder('utf-8', { fatal: true })

/** A data file a record names: its path from the table's folder (`/`-separated) and its bytes. */
export type InsertedFile = LoggedFile

/** One insert as its log holds it. */
export interface InsertRecord {
  readonly adds: readonly AddAction[]
  readonly files: readonly InsertedFile[]
  /**
   * Encoded keys whose stored rows the record's rows replace (a log-first update): publication deletes the rows
   * of these keys that the version it commits on holds, then adds the record's.
   */
  readonly replaces?: readonly string[]
  /** The offset in its log where it ends: the `txn` version of a publication that includes it. */
  readonly end: number
}

/** The `txn` appId of the insert log at `path`. */
export function insertLogAppId(path: string): string {
  return APP_ID_PREFIX + (path.split(/[\\/]/).pop() as string).replace(/\.log$/, '')
}

/**
 * A record's bytes: its adds as a log entry's text (against the state they were planned on) and its files; with
 * `replaces`, the keys of the stored rows it replaces before them.
 */
export function encodeInsertRecord(
  adds: readonly AddAction[],
  files: readonly InsertedFile[],
  state: TableState,
  replaces: readonly string[] = [],
): Uint8Array {
  const text = utf8.encode(
    encodeLogEntry(
      {
        version: state.version + 1,
        commitInfo: {
          timestamp: Date.now(),
          operation: 'INSERT',
          readVersion: state.version,
          rowsAdded: adds.reduce((n, a) => n + a.stats.numRows, 0),
          rowsRemoved: 0,
          txnId: randomUUID(),
        },
        add: adds,
      },
      state,
    ),
  )
  const list = fileList(files)
  const payload = new Uint8Array(4 + text.length + list.size)
  new DataView(payload.buffer).setUint32(0, text.length)
  payload.set(text, 4)
  list.write(payload, 4 + text.length)
  if (replaces.length === 0) return frame(INSERT, payload)
  const keys = utf8.encode(JSON.stringify(replaces))
  const replacing = new Uint8Array(4 + keys.length + payload.length)
  new DataView(replacing.buffer).setUint32(0, keys.length)
  replacing.set(keys, 4)
  replacing.set(payload, 4 + keys.length)
  return frame(REPLACING, replacing)
}

/** What an insert log holds: its writer (the header) and its complete records (a torn tail left out). */
export interface DecodedInsertLog {
  readonly writer: ProcessIdentity | undefined
  readonly records: InsertRecord[]
}

/** Reads an insert log's bytes (`path` and `table` name it in errors). */
export function decodeInsertLog(data: Uint8Array, path: string, table: string): DecodedInsertLog {
  let writer: ProcessIdentity | undefined
  const records: InsertRecord[] = []
  for (const { kind, payload, end } of logFrames(data)) {
    if (kind === HEADER) writer = headerWriter(payload)
    else if (kind === INSERT) records.push(decodeRecord(payload, end, path, table))
    else if (kind === REPLACING) records.push(decodeReplacing(payload, end, path, table))
  }
  return { writer, records }
}

function decodeRecord(payload: Uint8Array, end: number, path: string, table: string): InsertRecord {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength)
  const textLength = view.getUint32(0)
  const text = fromUtf8.decode(payload.subarray(4, 4 + textLength))
  const entry = decodeLogEntry(text, { table, file: path, version: -1 })
  return { adds: entry.add ?? [], files: readFileList(payload, 4 + textLength), end }
}

function decodeReplacing(payload: Uint8Array, end: number, path: string, table: string): InsertRecord {
  const length = new DataView(payload.buffer, payload.byteOffset, payload.byteLength).getUint32(0)
  let replaces: unknown
  try {
    replaces = JSON.parse(fromUtf8.decode(payload.subarray(4, 4 + length)))
  } catch {
    replaces = undefined
  }
  if (!Array.isArray(replaces) || !replaces.every((k) => typeof k === 'string')) {
    // The frame's checksum held: a writer wrote this, not a torn tail.
    throw new TableCorruptError(
      table,
      path,
      -1,
      'a log-first update record whose replaced keys are not a list of keys',
    )
  }
  return { ...decodeRecord(payload.subarray(4 + length), end, path, table), replaces }
}

/** An insert log this process appends to. */
export class InsertLogFile {
  private constructor(
    readonly path: string,
    readonly appId: string,
    private readonly handle: AppendLog,
    /** Where the next append goes (the header's end, then each record's). */
    private at: number,
  ) {}

  /** Makes a new log in `root`'s insert folder, its header (this process) flushed, and its marker file. */
  static async open(fs: FileSystem & { openLog: NonNullable<FileSystem['openLog']> }, root: string) {
    const dir = join(root, INSERTS_DIR)
    await fs.mkdir(dir)
    const path = join(dir, `${randomUUID()}.log`)
    const handle = await fs.openLog(path)
    try {
      const writer = await currentProcess()
      const header = frame(HEADER, utf8.encode(JSON.stringify(writer)))
      await handle.append(header)
      await fs.writeFile(markerFile(path), JSON.stringify({ writer, log: path.split(/[\\/]/).pop() }), {
        durable: false,
      })
      await fs.fsyncDir(dir)
      return new InsertLogFile(path, insertLogAppId(path), handle, header.length)
    } catch (error) {
      await handle.close().catch(() => undefined)
      await fs.unlink(path).catch(() => undefined)
      throw error
    }
  }

  /** Appends a record (encodeInsertRecord) and resolves with its end offset once it is flushed. */
  async append(record: Uint8Array): Promise<number> {
    await this.handle.append(record)
    this.at += record.length
    return this.at
  }

  /** Bytes appended (header included). */
  get size(): number {
    return this.at
  }

  close(): Promise<void> {
    return this.handle.close()
  }
}

/** The marker file of the log at `path` (renamed to PENDING_MARKER while it holds records not published). */
export function markerFile(logPath: string): string {
  return logPath.replace(/\.log$/, '.marker')
}

/** What the pending marker says: the writer holding unpublished records and its log's file name. */
export interface PendingMarker {
  readonly writer: ProcessIdentity
  readonly log: string
}

/** The pending marker of the table at `root`, or undefined when there is none (or it is being replaced). */
export async function readPendingMarker(fs: FileSystem, root: string): Promise<PendingMarker | undefined> {
  try {
    const text = fromUtf8.decode(await fs.readFile(pendingMarkerPath(root)))
    return JSON.parse(text) as PendingMarker
  } catch (error) {
    if (isNotFound(error)) return undefined
    if (error instanceof SyntaxError) return undefined
    throw error
  }
}

/**
 * Makes each data file of `records` hold the bytes they logged (a power loss may have lost or torn them; equal ones
 * are left). A file holding other bytes is TableCorruptError naming the log.
 */
export async function restoreInsertedFiles(
  fs: FileSystem,
  root: string,
  table: string,
  log: string,
  records: readonly InsertRecord[],
): Promise<string[]> {
  const paths: string[] = []
  for (const record of records) {
    for (const file of record.files) {
      const path = loggedDataFilePath(root, table, log, -1, file.path)
      paths.push(path)
      await restore(fs, path, file.bytes, {
        create: true,
        conflict: () =>
          new TableCorruptError(
            table,
            path,
            -1,
            `it differs from the acknowledged insert that ${log} records for it; move that log out of ${INSERTS_DIR}/ to keep what the file holds now`,
          ),
      })
    }
  }
  await flushFiles(fs, paths)
  return paths
}

/** The insert logs in a table's folder (absolute paths). */
export async function insertLogs(fs: FileSystem, root: string): Promise<string[]> {
  try {
    const dir = join(root, INSERTS_DIR)
    return (await fs.readdir(dir)).filter((n) => n.endsWith('.log')).map((n) => join(dir, n))
  } catch (error) {
    if (isNotFound(error)) return []
    throw error
  }
}

/**
 * A log left to others: undefined while its writer runs (or it is this process's own), else its records (a writer
 * that is gone, whether by a crash or a power loss: either way what it acknowledged must be published).
 */
export async function orphanedInsertLog(
  fs: FileSystem,
  path: string,
  table: string,
  own: ReadonlySet<string>,
): Promise<DecodedInsertLog | undefined> {
  if (own.has(resolve(path))) return undefined
  let data: Uint8Array
  let mtimeMs: number
  try {
    mtimeMs = (await fs.stat(path)).mtimeMs
    data = await fs.readFile(path)
  } catch (error) {
    if (isNotFound(error)) return undefined
    throw error
  }
  const decoded = decodeInsertLog(data, path, table)
  const fate = await fateOf(decoded.writer, mtimeMs)
  return fate === 'leave' ? undefined : decoded
}
