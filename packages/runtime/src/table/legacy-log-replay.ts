import { join } from 'node:path'
import { type FileSystem, isNotFound } from './file-system.js'
import { LegacyConversionError } from './legacy-conversion-error.js'
import { LEGACY_LOG_DIR, logFileName, type TableMetadata } from './log-entry.js'
import { containedPath, pathProblem } from './table-path.js'
import { TxnDecisions } from './txn-decisions.js'

/** A data file live in a 0.1 table, as its log left it. */
export interface LegacyLiveFile {
  readonly path: string
  readonly size: number
  readonly partitionValues: Readonly<Record<string, string | null>>
  readonly numRows: number
  /** `crc32:<hex>` of the file's bytes (absent in the oldest 0.1 tables). */
  readonly checksum?: string
  /** Encoded primary keys whose rows merge-on-read deleted from the file (0.1's key tombstones). */
  readonly deleted: ReadonlySet<string>
  /** Rows of the file those keys matched. */
  readonly deletedRows: number
}

/** A 0.1 table's newest state: what its log says is live. */
export interface LegacyState {
  readonly version: number
  readonly metadata: TableMetadata
  readonly files: ReadonlyMap<string, LegacyLiveFile>
  /** Visible rows. */
  readonly rows: number
  /** Autoincrement high-water marks by field name (`_pf_log/_pf_autoincrement.json`), decimal digits. */
  readonly autoincrementMarks: Readonly<Record<string, string>>
}

/** The 0.1 log's private file of autoincrement marks. */
const MARKS_FILE = '_pf_autoincrement.json'

type Json = Record<string, unknown>

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0

/**
 * Replays a 0.1 table's log (`_pf_log/<version>.json` from version 0, as 0.1 read it: metadata, `remove`,
 * `deletes`, `add`; entries of multi-table transactions only once their decision file says `commit`). Each entry
 * is checked for the shape this needs and against the totals it records; any problem is a LegacyConversionError
 * naming the entry. An undecided transaction past its deadline is aborted as 0.1's writers would; before it,
 * the conversion is refused (convert again later).
 */
export async function replayLegacyLog(root: string, fs: FileSystem, now = Date.now()): Promise<LegacyState> {
  const dir = join(root, LEGACY_LOG_DIR)
  const decisions = new TxnDecisions(fs, root)
  let metadata: TableMetadata | undefined
  const files = new Map<string, LegacyLiveFile>()
  let rows = 0
  let version = -1
  for (;;) {
    const next = version + 1
    const file = join(dir, logFileName(next))
    let bytes: Uint8Array
    try {
      bytes = await fs.readFile(file)
    } catch (error) {
      if (isNotFound(error)) break
      throw new LegacyConversionError(root, `cannot read the 0.1 log entry ${file}`, { cause: error })
    }
    const fail = (detail: string, cause?: unknown): LegacyConversionError =>
      new LegacyConversionError(root, `0.1 log entry ${file} (version ${next}): ${detail}`, { cause })
    let entry: unknown
    try {
      entry = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
    } catch (error) {
      throw fail('not valid JSON (truncated or damaged)', error)
    }
    if (!isObject(entry) || entry.version !== next) throw fail(`does not hold version ${next}`)
    const info = entry.commitInfo
    if (!isObject(info)) throw fail('no commitInfo')
    version = next
    if (isObject(entry.txn)) {
      const txn = entry.txn
      if (typeof txn.id !== 'string' || typeof txn.decision !== 'string' || typeof txn.deadline !== 'number')
        throw fail('malformed txn')
      const problem = pathProblem(txn.decision, { parents: true })
      if (problem) throw fail(`txn decision: ${problem}`)
      const decisionPath = containedPath(root, txn.decision, { parents: true })
      let decided = await decisions.read(decisionPath, txn.id, next).catch((error: unknown) => {
        throw fail(`transaction decision ${decisionPath}: ${(error as Error).message}`, error)
      })
      if (decided === undefined) {
        if (now <= txn.deadline)
          throw fail(
            `its multi-table transaction ${txn.id} is undecided until ${new Date(txn.deadline).toISOString()}; convert again after that`,
          )
        decided = await decisions.decide(decisionPath, txn.id, 'abort', next)
      }
      if (decided === 'abort') continue
    }
    if (entry.metadata !== undefined) {
      const m = entry.metadata
      if (!isObject(m) || !isObject(m.entity) || typeof m.format !== 'string' || !Array.isArray(m.primaryKey))
        throw fail('malformed metadata')
      metadata = m as unknown as TableMetadata
    }
    if (!metadata) throw fail('no metadata (version 0 missing or damaged)')
    for (const r of listOf(entry.remove, 'remove', fail)) {
      const live = typeof r.path === 'string' ? files.get(r.path) : undefined
      if (!live) throw fail(`removes ${String(r.path)}, which is not live`)
      files.delete(live.path)
      rows -= live.numRows - live.deletedRows
    }
    for (const d of listOf(entry.deletes, 'deletes', fail)) {
      const live = typeof d.path === 'string' ? files.get(d.path) : undefined
      if (!live) throw fail(`deletes keys from ${String(d.path)}, which is not live`)
      if (!Array.isArray(d.keys) || !d.keys.every((k) => typeof k === 'string') || !isCount(d.rows))
        throw fail(`malformed deletes of ${live.path}`)
      const deleted = new Set(live.deleted)
      for (const k of d.keys as string[]) deleted.add(k)
      files.set(live.path, { ...live, deleted, deletedRows: live.deletedRows + d.rows })
      rows -= d.rows
    }
    for (const a of listOf(entry.add, 'add', fail)) {
      const stats = a.stats
      if (typeof a.path !== 'string' || !isCount(a.size) || !isObject(stats) || !isCount(stats.numRows))
        throw fail('malformed add')
      const problem = pathProblem(a.path)
      if (problem) throw fail(`add: ${problem}`)
      const replaced = files.get(a.path)
      if (replaced) rows -= replaced.numRows - replaced.deletedRows
      const partitionValues = isObject(a.partitionValues)
        ? (a.partitionValues as Record<string, string | null>)
        : {}
      files.set(a.path, {
        path: a.path,
        size: a.size,
        partitionValues,
        numRows: stats.numRows,
        ...(typeof a.checksum === 'string' ? { checksum: a.checksum } : {}),
        deleted: new Set(),
        deletedRows: 0,
      })
      rows += stats.numRows
    }
    await checkAgainstCheckpoint(dir, fs, next, files, fail)
    // The totals each 0.1 commit recorded: a replay that disagrees read a damaged or incomplete log.
    if (info.tableFiles !== undefined && info.tableFiles !== files.size)
      throw fail(`records ${String(info.tableFiles)} live files, the replay has ${files.size}`)
    if (info.tableRows !== undefined && info.tableRows !== rows)
      throw fail(`records ${String(info.tableRows)} rows, the replay has ${rows}`)
  }
  if (!metadata) throw new LegacyConversionError(root, `no 0.1 log entry ${join(dir, logFileName(0))}`)
  return { version, metadata, files, rows, autoincrementMarks: await readMarks(root, fs, dir) }
}

/**
 * 0.1 readers started from the newest checkpoint (`<version>.checkpoint.json`): where one exists for this version,
 * its live files and deleted keys must be the replay's, else 0.1 and the conversion would disagree.
 */
async function checkAgainstCheckpoint(
  dir: string,
  fs: FileSystem,
  version: number,
  files: ReadonlyMap<string, LegacyLiveFile>,
  fail: (detail: string, cause?: unknown) => Error,
): Promise<void> {
  const path = join(dir, `${String(version).padStart(20, '0')}.checkpoint.json`)
  let bytes: Uint8Array
  try {
    bytes = await fs.readFile(path)
  } catch (error) {
    if (isNotFound(error)) return
    throw fail(`cannot read its checkpoint ${path}`, error)
  }
  let listed: Map<string, string>
  try {
    const data = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as { files?: unknown }
    if (!Array.isArray(data.files)) throw new Error('no "files" list')
    listed = new Map(
      data.files.map((f: { add?: { path?: unknown }; deleted?: unknown }) => [
        String(f.add?.path),
        JSON.stringify([...((f.deleted as string[] | undefined) ?? [])].sort()),
      ]),
    )
  } catch (error) {
    throw fail(`its checkpoint ${path} is unreadable (${(error as Error).message})`, error)
  }
  const replayed = new Map([...files.values()].map((f) => [f.path, JSON.stringify([...f.deleted].sort())]))
  const differs =
    listed.size !== replayed.size || [...replayed].some(([p, deleted]) => listed.get(p) !== deleted)
  if (differs)
    throw fail(`its checkpoint ${path} lists other live files or deleted keys than the log entries`)
}

function listOf(value: unknown, name: string, fail: (detail: string) => Error): Json[] {
  if (value === undefined) return []
  if (!Array.isArray(value) || !value.every(isObject)) throw fail(`malformed ${name}`)
  return value
}

/** The 0.1 autoincrement marks (`{ "fields": { "id": "42" } }`), empty when the table has none. */
async function readMarks(root: string, fs: FileSystem, dir: string): Promise<Record<string, string>> {
  const path = join(dir, MARKS_FILE)
  let bytes: Uint8Array
  try {
    bytes = await fs.readFile(path)
  } catch (error) {
    if (isNotFound(error)) return {}
    throw new LegacyConversionError(root, `cannot read ${path}`, { cause: error })
  }
  try {
    const fields = (JSON.parse(new TextDecoder().decode(bytes)) as { fields?: unknown }).fields
    if (!isObject(fields)) throw new Error('no "fields" object')
    const out: Record<string, string> = {}
    for (const [name, digits] of Object.entries(fields)) {
      if (typeof digits !== 'string' || !/^\d+$/.test(digits)) throw new Error(`bad value for ${name}`)
      out[name] = digits
    }
    return out
  } catch (error) {
    throw new LegacyConversionError(root, `${path} is unreadable (${(error as Error).message})`, {
      cause: error,
    })
  }
}
