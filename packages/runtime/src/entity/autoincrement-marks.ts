import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { ParquetFrameError } from '../errors/pf-error.js'
import { type FileSystem, isNotFound } from '../table/file-system.js'
import { identityMarksByField } from '../table/identity-columns.js'
import { PRIVATE_DIR, type TableMetadata } from '../table/log-entry.js'
import { TableWriteError } from '../table/table-errors.js'

/**
 * The high-water marks of a table's `@default(autoincrement())` fields: the largest value each field ever held
 * through the entity API, so values are never handed out twice — not after `deleteAll`, nor after compaction
 * drops the rows holding the largest ones. Kept in `_pf/autoincrement.json` (pf's folder; vacuum
 * never deletes it): `{ "fields": { "id": "42" } }` (decimal digits: BigInt fields exceed 2^53). Read and raised
 * only while holding the table's write lock; replaced atomically (temp file, fsync, rename, the temp file
 * removed on any failure). The Delta identity high-water marks (identity-columns.ts) are what other engines see.
 */
export const AUTOINCREMENT_MARKS_FILE = join(PRIVATE_DIR, 'autoincrement.json')

/** The table whose marks are read or raised: where it is, its file-system seam and its name (for errors). */
export interface MarksTable {
  readonly path: string
  readonly fs: FileSystem
  readonly name: string
}

/**
 * The marks recorded for a table (empty when none were: a new table, or one written before marks existed), each
 * raised to the Delta identity high-water mark of `metadata` (the version the values are assigned against): other
 * writers (Spark) generate values and raise that mark, never pf's file.
 */
export async function readAutoMarks(
  table: MarksTable,
  metadata?: TableMetadata,
): Promise<Map<string, bigint>> {
  const out = await readMarksFile(table)
  for (const [name, mark] of metadata ? identityMarksByField(metadata) : [])
    if (mark > (out.get(name) ?? 0n)) out.set(name, mark)
  return out
}

async function readMarksFile(table: MarksTable): Promise<Map<string, bigint>> {
  const path = join(table.path, AUTOINCREMENT_MARKS_FILE)
  let text: string
  try {
    text = new TextDecoder().decode(await table.fs.readFile(path))
  } catch (error) {
    if (isNotFound(error)) return new Map()
    throw new TableWriteError(table.name, `reading the autoincrement marks ${path}`, { cause: error })
  }
  const out = new Map<string, bigint>()
  try {
    const fields = (JSON.parse(text) as { fields?: unknown }).fields
    if (typeof fields !== 'object' || fields === null) throw new Error('no "fields" object')
    for (const [name, digits] of Object.entries(fields)) {
      if (typeof digits !== 'string' || !/^\d+$/.test(digits)) throw new Error(`bad value for ${name}`)
      out.set(name, BigInt(digits))
    }
  } catch (error) {
    throw new ParquetFrameError(
      'PF_AUTOINCREMENT_MARKS',
      `The autoincrement marks ${path} are unreadable (${(error as Error).message}); restore the file, or delete it to number from the largest stored values`,
      { cause: error },
    )
  }
  return out
}

/**
 * Raises the recorded marks to at least `marks` (never lowers one) and stores them before resolving. Call it
 * holding the table's write lock. Writes nothing when no mark goes up. `recorded`: the marks just read under the
 * same lock, if the caller has them (else they are read). A failure is a TableWriteError naming the marks file
 * and leaves the previous marks and no temporary file.
 */
export async function raiseAutoMarks(
  table: MarksTable,
  marks: ReadonlyMap<string, bigint>,
  recorded?: ReadonlyMap<string, bigint>,
): Promise<void> {
  const current = new Map(recorded ?? (await readAutoMarks(table)))
  let changed = false
  for (const [name, value] of marks) {
    if (value > (current.get(name) ?? 0n)) {
      current.set(name, value)
      changed = true
    }
  }
  if (!changed) return
  const path = join(table.path, AUTOINCREMENT_MARKS_FILE)
  const dir = join(table.path, PRIVATE_DIR)
  const fields = Object.fromEntries([...current].map(([name, value]) => [name, String(value)]))
  const temp = `${path}.${process.pid}.${randomUUID()}.tmp`
  try {
    await table.fs.mkdir(dir)
    await table.fs.writeFile(temp, `${JSON.stringify({ fields })}\n`)
    await table.fs.rename(temp, path)
    await table.fs.fsyncDir(dir)
  } catch (error) {
    await table.fs.unlink(temp).catch(() => undefined)
    throw new TableWriteError(table.name, `recording the autoincrement marks ${path}`, { cause: error })
  }
}
