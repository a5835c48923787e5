import { randomUUID } from 'node:crypto'
import { dirname, join, posix, sep } from 'node:path'
import { type FileSystem, orWhenMissing } from '../table/file-system.js'

/**
 * Index files live under `<table>/_pf/indexes/`, mirroring the data file's path in the table folder:
 * `_pf/indexes/<data path>.<columns>.pfidx`. Delta readers and other engines' VACUUM ignore `_`-prefixed paths; the
 * data file's path is readable from the name, so the index files of deleted data files can be found and removed.
 */
export const INDEX_DIR = join('_pf', 'indexes')
const SUFFIX = '.pfidx'

/** The index file of a data file (its path in the table folder, `/`-separated) and a group's columns. */
export function indexFilePath(tablePath: string, dataPath: string, columns: readonly string[]): string {
  const name = columns.map((c) => encodeURIComponent(c).replaceAll('.', '%2E')).join('+')
  return join(tablePath, INDEX_DIR, ...posix.normalize(dataPath).split('/')) + `.${name}${SUFFIX}`
}

/** An index file's bytes, or undefined when there is none (or it cannot be read: it is rebuilt either way). */
export async function readIndexFile(fs: FileSystem, path: string): Promise<Uint8Array | undefined> {
  try {
    return await fs.readFile(path)
  } catch {
    return undefined
  }
}

/**
 * Writes an index file under a temporary name, then renames it into place: a reader sees the old file or the whole
 * new one. Best effort: an index is a cache, so a failed write (a read-only table, a full disk) only costs a rebuild.
 */
export async function writeIndexFile(fs: FileSystem, path: string, bytes: Uint8Array): Promise<boolean> {
  const temp = `${path}.${randomUUID()}.tmp`
  try {
    await fs.mkdir(dirname(path))
    await fs.writeFile(temp, bytes)
    await fs.rename(temp, path)
    return true
  } catch {
    await fs.unlink(temp).catch(() => undefined)
    return false
  }
}

/**
 * Deletes the index files (and left-over temporary ones) whose data file no longer exists, e.g. after a vacuum
 * deleted data files. Returns the deleted index files, relative to the table, `/`-separated, sorted.
 */
export async function sweepIndexFiles(fs: FileSystem, tablePath: string): Promise<string[]> {
  const root = join(tablePath, INDEX_DIR)
  const deleted: string[] = []
  const visit = async (dir: string, prefix: string): Promise<void> => {
    for (const e of await orWhenMissing(fs.readdirTyped(dir), [])) {
      if (e.isDirectory) {
        await visit(join(dir, e.name), `${prefix}${e.name}/`)
        continue
      }
      const data = dataFileOf(e.name)
      if (data === undefined) continue
      const dataFile = join(tablePath, ...`${prefix}${data}`.split('/'))
      const dataExists = await orWhenMissing(
        fs.stat(dataFile).then(() => true),
        false,
      )
      if (dataExists) continue
      const removed = await orWhenMissing(
        fs.unlink(join(dir, e.name)).then(() => true),
        false,
      )
      if (removed) deleted.push(`${INDEX_DIR.split(sep).join('/')}/${prefix}${e.name}`)
    }
  }
  await visit(root, '')
  return deleted.sort()
}

/** The data file name of an index file name (`<data>.<columns>.pfidx`, or a temporary `….pfidx.<uuid>.tmp`). */
function dataFileOf(name: string): string | undefined {
  const match = /^(.+)\.[^.]+\.pfidx(?:\.[0-9a-f-]{36}\.tmp)?$/.exec(name)
  return match?.[1]
}
