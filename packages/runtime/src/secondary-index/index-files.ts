import { randomUUID } from 'node:crypto'
import { dirname, join, posix } from 'node:path'
import { type FileSystem, isNotFound } from '../table/file-system.js'

/**
 * Index files live under `<table>/_pf/indexes/`, mirroring the data file's relative path:
 * `_pf/indexes/<data path>.<columns>.pfidx`. Delta readers and other engines' VACUUM ignore `_`-prefixed paths; the
 * data file's path is readable from the name, so the index files of deleted data files can be found and removed.
 */
export const INDEX_DIR = join('_pf', 'indexes')
const SUFFIX = '.pfidx'

/** The index file of a data file (table-relative, `/`-separated) and a group's columns. */
export function indexFilePath(tablePath: string, dataPath: string, columns: readonly string[]): string {
  const name = columns.map((c) => encodeURIComponent(c)).join('+')
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

/** Deletes the index files of data files (table-relative paths), e.g. those vacuum deleted. Returns how many. */
export async function deleteIndexFilesOf(
  fs: FileSystem,
  tablePath: string,
  dataPaths: readonly string[],
): Promise<number> {
  let deleted = 0
  const byDir = new Map<string, Set<string>>()
  for (const p of dataPaths) {
    const abs = join(tablePath, INDEX_DIR, ...posix.normalize(p).split('/'))
    const names = byDir.get(dirname(abs)) ?? new Set<string>()
    names.add(`${abs.slice(dirname(abs).length + 1)}.`)
    byDir.set(dirname(abs), names)
  }
  for (const [dir, prefixes] of byDir) {
    let entries: string[]
    try {
      entries = await fs.readdir(dir)
    } catch (error) {
      if (isNotFound(error)) continue
      throw error
    }
    for (const name of entries) {
      if (![...prefixes].some((prefix) => name.startsWith(prefix))) continue
      if (!name.endsWith(SUFFIX) && !name.endsWith('.tmp')) continue
      try {
        await fs.unlink(join(dir, name))
        deleted++
      } catch (error) {
        if (!isNotFound(error)) throw error
      }
    }
  }
  return deleted
}
