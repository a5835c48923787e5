import { supportedExtensions } from '../format/format-registry.js'
import { LOG_DIR, PRIVATE_DIR } from './log-entry.js'

/**
 * What a directory entry inside a table folder is to the table's own protocol. The one place that knows the
 * on-disk layout: vacuum deletes nothing this function does not claim, so a file of another kind (a lock, the
 * autoincrement marks, a user's notes, another table) is safe by construction.
 *
 * - `data-file`: `part-<uuid>.<ext>` — a data file; the log decides whether it is live, removed or an orphan.
 * - `data-temp`: `.part-<uuid>.<ext>.tmp` — a data file an older pf was writing (pf now writes under the final name).
 * - `dv-file`: `deletion_vector_<uuid>.bin` in the table folder — a deletion vector file; the log decides.
 * - `partition-dir`: `<column>=<value>` — a hive partition folder holding data files.
 * - `log-dir`: the Delta log folder `_delta_log`.
 * - `private-dir`: pf's own folder `_pf` (locks, autoincrement marks, checkpoint cache); Delta readers and other
 *   writers' VACUUM leave `_`-prefixed names alone.
 * - `other`: anything else (including other Delta writers' data files) — never pf's to delete.
 */
export type TableEntryRole =
  | 'data-file'
  | 'data-temp'
  | 'dv-file'
  | 'partition-dir'
  | 'log-dir'
  | 'private-dir'
  | 'other'

/**
 * What a file inside the log or private folder is: `entry` (commits, checkpoints, pointers, marks, locks and
 * anything else kept there) or `temp` (a file being written, `*.tmp`).
 */
export type LogEntryRole = 'entry' | 'temp'

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'

/** A deletion vector file as pf writes them (no random prefix folder). */
const DV_FILE = new RegExp(`^deletion_vector_${UUID}\\.bin$`)

let dataPatterns: { file: RegExp; temp: RegExp } | undefined

/** Data file names of every format a table can store (a table may hold several after `rewriteFormat`). */
function patterns(): { file: RegExp; temp: RegExp } {
  if (!dataPatterns) {
    const exts = supportedExtensions()
      .map((e) => e.replace(/^\./, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('|')
    dataPatterns = {
      file: new RegExp(`^part-${UUID}\\.(?:${exts})$`),
      temp: new RegExp(`^\\.part-${UUID}\\.(?:${exts})\\.tmp$`),
    }
  }
  return dataPatterns
}

/** The role of an entry of a table folder (or of a partition folder) by its name and kind. */
export function tableEntryRole(name: string, kind: 'file' | 'directory'): TableEntryRole {
  if (kind === 'directory') {
    if (name === LOG_DIR) return 'log-dir'
    if (name === PRIVATE_DIR) return 'private-dir'
    return /^[^=.][^=]*=[^=]*$/.test(name) ? 'partition-dir' : 'other'
  }
  const { file, temp } = patterns()
  if (file.test(name)) return 'data-file'
  if (DV_FILE.test(name)) return 'dv-file'
  if (temp.test(name)) return 'data-temp'
  return 'other'
}

/** The role of a file in the log folder by its name. */
export function logEntryRole(name: string): LogEntryRole {
  return name.endsWith('.tmp') ? 'temp' : 'entry'
}

/** The folder that makes a directory a table: a sub-folder holding one is another table, never part of this one. */
export const TABLE_MARKER_DIR = LOG_DIR
