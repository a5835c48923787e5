import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { range, userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { mapBounded } from './bounded-map.js'
import { FaultyFileSystem } from './faulty-file-system.js'
import type { FileSystem } from './file-system.js'
import { nodeFileSystem } from './node-file-system.js'
import { createTable, openTable } from './table.js'
import { TableCorruptError, TableReadError } from './table-errors.js'

// Under a low open-file limit (ulimit -n 64) a scan of a table with a few dozen files opened them all at once and
// reported the EMFILE as "data file is missing": a false corruption claim. Reads now open a bounded number of files
// and only a file that is not there is corruption.
const tmp = useTempDir('pf-data-file-reads-')

/** A file system that counts data-file reads in flight, keeping the highest count seen. */
function countingFileSystem(): { fs: FileSystem; most: () => number } {
  let inFlight = 0
  let most = 0
  const fs = Object.create(nodeFileSystem) as FileSystem
  fs.readFile = async (path: string) => {
    if (!path.includes('part-')) return nodeFileSystem.readFile(path)
    most = Math.max(most, ++inFlight)
    try {
      return await nodeFileSystem.readFile(path)
    } finally {
      inFlight--
    }
  }
  return { fs, most: () => most }
}

describe('reading data files', () => {
  it('an I/O error other than a missing file is TableReadError naming the file, not TableCorruptError', async () => {
    const path = join(tmp.dir, 'users')
    const table = await createTable(path, { entity: userEntity, enums: userEnums })
    await table.append(users(range(0, 10)))
    const fs = new FaultyFileSystem().inject({ op: 'readFile', path: /part-/, code: 'EMFILE', times: 10 })
    const opened = await openTable(path, { fs })
    const error = await opened
      .scan()
      .then((lf) => lf.collect())
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    expect(error).toBeInstanceOf(TableReadError)
    expect(error).not.toBeInstanceOf(TableCorruptError)
    expect(error).toMatchObject({ code: 'PF_TABLE_READ', cause: { code: 'EMFILE' } })
    expect((error as Error).message).toMatch(/^Read of table User failed at .*part-.* EMFILE/)
  })

  it('a scan of 40 data files opens at most 16 at a time', async () => {
    const path = join(tmp.dir, 'many')
    const table = await createTable(path, { entity: userEntity, enums: userEnums })
    for (let i = 0; i < 40; i++) await table.append(users(range(i, i + 1)))
    const { fs, most } = countingFileSystem()
    const opened = await openTable(path, { fs })
    expect((await (await opened.scan()).collect()).height).toBe(40)
    expect(most()).toBeGreaterThan(1)
    expect(most()).toBeLessThanOrEqual(16)
  })

  it('compaction of 40 small files opens at most 16 at a time', async () => {
    const path = join(tmp.dir, 'compact')
    const table = await createTable(path, { entity: userEntity, enums: userEnums, autoCompact: false })
    for (let i = 0; i < 40; i++) await table.append(users(range(i, i + 1)))
    const { fs, most } = countingFileSystem()
    const opened = await openTable(path, { fs })
    await opened.compact()
    expect((await opened.read()).height).toBe(40)
    expect(most()).toBeGreaterThan(1)
    expect(most()).toBeLessThanOrEqual(16)
  })
})

describe('mapBounded', () => {
  it('keeps order, never runs more than the limit at once, and rejects with the first error', async () => {
    let running = 0
    let most = 0
    const out = await mapBounded(
      range(0, 50),
      async (n) => {
        most = Math.max(most, ++running)
        await new Promise((resolve) => setImmediate(resolve))
        running--
        return n * 2
      },
      4,
    )
    expect(out).toEqual(range(0, 50).map((n) => n * 2))
    expect(most).toBe(4)
    await expect(
      mapBounded([1, 2, 3], async (n) => {
        if (n === 2) throw new Error('two')
        return n
      }),
    ).rejects.toThrow('two')
  })
})
