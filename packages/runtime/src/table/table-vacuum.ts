import { join } from 'node:path'
import { deletionVectorRelativePath } from '../delta/deletion-vector.js'
import type { DeltaDeletionVector } from '../delta/delta-actions.js'
import { ParquetFrameError } from '../errors/pf-error.js'
import { sweepIndexFiles } from '../secondary-index/index-files.js'
import { type FileSystem, orWhenMissing } from './file-system.js'
import type { LogEntry } from './log-entry.js'
import { CHECKPOINT_CACHE_DIR } from './log-entry.js'
import type { Snapshot } from './snapshot.js'
import { TableProtocolError } from './table-errors.js'
import { logEntryRole, TABLE_MARKER_DIR, tableEntryRole } from './table-layout.js'
import { writerProblem } from './table-protocol.js'
import type { LiveFile } from './table-state.js'

/** Options of `Table.vacuum`. */
export interface VacuumOptions {
  /** Versions superseded less than this long ago stay readable. Default 7 days. 0: only the newest version. */
  readonly retentionMs?: number
  /**
   * Files no version references (a running writer's data files, temporary files, a crashed writer's orphans)
   * are kept until this old, whatever the retention. Default `UNREFERENCED_MIN_AGE_MS` (1 day). Lower it only
   * when no writer of the table is running (offline maintenance, after a crash): a writer whose files vacuum
   * deletes before its commit loses an acknowledged write.
   */
  readonly unreferencedMinAgeMs?: number
  /** List what would be deleted, delete nothing. */
  readonly dryRun?: boolean
}

/** What `Table.vacuum` deleted (paths relative to the table, `/`-separated, sorted). */
export interface VacuumResult {
  readonly deleted: string[]
}

/** What vacuum needs of a table: where it is, how to reach its files, and its log. */
export interface VacuumSubject {
  readonly path: string
  readonly fs: FileSystem
  /** The newest version (re-read from the log). */
  snapshot(): Promise<Snapshot>
  /** A version's log entry, undefined when there is none (of the table `snapshot` last saw at the path). */
  readEntry(version: number): Promise<LogEntry | undefined>
}

const DAY_MS = 86_400_000

/**
 * Files no version ever referenced (a running writer's data files before its commit, temporary files, or the
 * orphans of a crashed writer) are deleted only once this old, whatever the retention: a writer that commits
 * within a day of writing its files never loses them to a vacuum.
 */
export const UNREFERENCED_MIN_AGE_MS = DAY_MS

/** A file vacuum may delete, found by walking the table without following links. */
interface Candidate {
  /** Path relative to the table, `/`-separated. */
  readonly rel: string
  readonly abs: string
  readonly mtimeMs: number
  /** `data`: a data file the log may know; `temp`: a temporary file, never in the log. */
  readonly kind: 'data' | 'temp'
}

/**
 * Deletes the files of this table that no retained version references: data files removed by commits older
 * than the retention, and data files and temporary files no version ever referenced once they are older than
 * both the retention and `UNREFERENCED_MIN_AGE_MS`. Never follows or deletes a symbolic link, never enters a
 * sub-folder that holds its own log (another table), never touches the log's entries, lock files, the
 * autoincrement marks or any file outside the table's naming scheme (see table-layout.ts).
 */
export async function vacuumTable(table: VacuumSubject, options: VacuumOptions = {}): Promise<VacuumResult> {
  const retention = checkedMs(table.path, 'retentionMs', options.retentionMs ?? 7 * DAY_MS)
  const minAge = checkedMs(
    table.path,
    'unreferencedMinAgeMs',
    options.unreferencedMinAgeMs ?? UNREFERENCED_MIN_AGE_MS,
  )
  const now = Date.now()
  const cutoff = now - retention
  const floor = now - Math.max(retention, minAge)
  // List first, read the log second: a file committed after the listing is then seen as referenced.
  const candidates = await listCandidates(table.fs, table.path)
  const snap = await table.snapshot()
  // Deleting files is writing (PROTOCOL.md "VACUUM Protocol Check": check the write protocol unconditionally):
  // a writer feature pf does not honour may need files this vacuum would think dead.
  const unwritable = writerProblem(snap.state.protocol)
  if (unwritable !== undefined) throw new TableProtocolError(table.path, `vacuum: ${unwritable}`)
  const keep = new Set(snap.files.flatMap(pathsOf))
  // Files a settled version removed, or added without them being live now (removed since, or added by an aborted
  // multi-table transaction), are known dead (names are never reused): the retention alone protects them.
  const dead = new Set<string>()
  /** Files removed at `timestamp` stay within the retention, and are known dead after it. */
  const removedAt = (timestamp: number): Set<string> => (timestamp >= cutoff ? keep : dead)
  // The state's tombstones: removes of commits log cleanup deleted too (a Delta checkpoint keeps them).
  for (const t of (await snap.state.tombstones?.list()) ?? [])
    for (const p of pathsOf(t)) removedAt(t.deletionTimestamp).add(p)
  for (let v = snap.version; v > 0; v--) {
    const entry = await table.readEntry(v)
    if (!entry || entry.commitInfo.timestamp < floor) break
    const into = removedAt(entry.commitInfo.timestamp)
    // Data files and deletion vector files alike.
    for (const r of entry.remove ?? []) for (const p of pathsOf(r)) into.add(p)
    // A reservation's planned files: dead once it aborted, live (and kept above) once published.
    for (const a of [...(entry.add ?? []), ...(entry.reserved?.add ?? [])])
      for (const p of pathsOf(a)) into.add(p)
  }
  // Files of undecided multi-table transactions may still become live.
  for (let v = snap.version + 1; ; v++) {
    const entry = await table.readEntry(v)
    if (!entry) break
    for (const a of [...(entry.add ?? []), ...(entry.reserved?.add ?? [])])
      for (const p of pathsOf(a)) keep.add(p)
  }
  const deleted: string[] = []
  for (const c of candidates) {
    if (c.kind === 'data' && keep.has(c.rel)) continue
    const removable = c.kind === 'data' && dead.has(c.rel) ? c.mtimeMs <= cutoff : c.mtimeMs <= floor
    if (!removable) continue
    if (!options.dryRun) {
      try {
        await table.fs.unlink(c.abs)
      } catch {
        // Gone already, or not deletable: either way not deleted by this vacuum.
        continue
      }
    }
    deleted.push(c.rel)
  }
  // Index files of deleted data files index nothing now (caches, not listed: never table data).
  if (!options.dryRun && deleted.length > 0) await sweepIndexFiles(table.fs, table.path)
  return { deleted: deleted.sort() }
}

/** The files a logical file (or its remove) names: its data file and its deletion vector file, if any. */
function pathsOf(
  file: { readonly path: string; readonly deletionVector?: DeltaDeletionVector } | LiveFile,
): string[] {
  const action = 'add' in file ? file.add : file
  const dv = action.deletionVector
  return dv && dv.storageType === 'u' ? [action.path, deletionVectorRelativePath(dv)] : [action.path]
}

/** A duration option, refused unless a finite number of milliseconds >= 0. */
function checkedMs(path: string, name: string, value: number): number {
  if (Number.isFinite(value) && value >= 0) return value
  throw new ParquetFrameError(
    'PF_VACUUM_RETENTION',
    `vacuum of ${path}: ${name} must be a number of milliseconds >= 0, got ${value}`,
  )
}

/** The data files and temporary files of a table: its folder, its partition folders, its log and pf's checkpoint cache. */
async function listCandidates(fs: FileSystem, root: string): Promise<Candidate[]> {
  const out: Candidate[] = []
  const visit = async (dir: string, prefix: string, inLog: boolean): Promise<void> => {
    for (const e of await orWhenMissing(fs.readdirTyped(dir), [])) {
      const abs = join(dir, e.name)
      const rel = `${prefix}${e.name}`
      const role = inLog ? undefined : tableEntryRole(e.name, e.isDirectory ? 'directory' : 'file')
      if (role === 'other') continue
      // Inside the log and pf's checkpoint cache only temporary files are candidates; the rest of `_pf` (locks,
      // marks) is never touched.
      if (inLog && (e.isDirectory || logEntryRole(e.name) !== 'temp')) continue
      const info = await lstatOrUndefined(fs, abs)
      // Links are never followed nor deleted: what they point at is not this table's.
      if (!info || info.isSymbolicLink) continue
      if (info.isDirectory) {
        if (role === 'log-dir' && prefix === '') await visit(abs, `${rel}/`, true)
        else if (role === 'private-dir' && prefix === '') {
          const cache = join(abs, CHECKPOINT_CACHE_DIR)
          const cacheInfo = await lstatOrUndefined(fs, cache)
          if (cacheInfo?.isDirectory && !cacheInfo.isSymbolicLink)
            await visit(cache, `${rel}/${CHECKPOINT_CACHE_DIR}/`, true)
        } else if (role === 'partition-dir' && !(await holdsTable(fs, abs)))
          await visit(abs, `${rel}/`, false)
        continue
      }
      if (role === 'dv-file' && prefix === '') out.push({ rel, abs, mtimeMs: info.mtimeMs, kind: 'data' })
      else if (role === 'data-file') out.push({ rel, abs, mtimeMs: info.mtimeMs, kind: 'data' })
      else if (role === 'data-temp' || inLog) out.push({ rel, abs, mtimeMs: info.mtimeMs, kind: 'temp' })
    }
  }
  await visit(root, '', false)
  return out
}

/** True when a folder holds its own log: another table, nested in this one's folder. */
async function holdsTable(fs: FileSystem, dir: string): Promise<boolean> {
  return (await lstatOrUndefined(fs, join(dir, TABLE_MARKER_DIR))) !== undefined
}

function lstatOrUndefined(
  fs: FileSystem,
  path: string,
): Promise<{ mtimeMs: number; isDirectory: boolean; isSymbolicLink: boolean } | undefined> {
  return orWhenMissing(fs.lstat(path), undefined)
}
