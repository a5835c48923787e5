import { randomUUID } from 'node:crypto'
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { ParquetFrameError } from '../errors/pf-error.js'

/**
 * The high-water marks of a table's `@default(autoincrement())` fields: the largest value each field ever held
 * through the entity API, so values are never handed out twice — not after `deleteAll`, nor after compaction
 * drops the rows holding the largest ones. Kept in `_pf_log/_pf_autoincrement.json` (the log folder, so vacuum
 * leaves it alone): `{ "fields": { "id": "42" } }` (decimal digits: BigInt fields exceed 2^53). Read and raised
 * only while holding the table's write lock; replaced atomically (temp file, fsync, rename).
 */
export const AUTOINCREMENT_MARKS_FILE = join('_pf_log', '_pf_autoincrement.json')

/** The marks recorded for a table (empty when none were: a new table, or one written before marks existed). */
export async function readAutoMarks(tablePath: string): Promise<Map<string, bigint>> {
  const path = join(tablePath, AUTOINCREMENT_MARKS_FILE)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return new Map()
    throw error
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
 * same lock, if the caller has them (else they are read).
 */
export async function raiseAutoMarks(
  tablePath: string,
  marks: ReadonlyMap<string, bigint>,
  recorded?: ReadonlyMap<string, bigint>,
): Promise<void> {
  const current = new Map(recorded ?? (await readAutoMarks(tablePath)))
  let changed = false
  for (const [name, value] of marks) {
    if (value > (current.get(name) ?? 0n)) {
      current.set(name, value)
      changed = true
    }
  }
  if (!changed) return
  const path = join(tablePath, AUTOINCREMENT_MARKS_FILE)
  const fields = Object.fromEntries([...current].map(([name, value]) => [name, String(value)]))
  const temp = `${path}.${process.pid}.${randomUUID()}.tmp`
  await mkdir(join(tablePath, '_pf_log'), { recursive: true })
  const handle = await open(temp, 'w')
  try {
    await handle.writeFile(`${JSON.stringify({ fields })}\n`)
    await handle.sync()
  } finally {
    await handle.close()
  }
  try {
    await rename(temp, path)
  } catch (error) {
    await unlink(temp).catch(() => undefined)
    throw error
  }
}
