// Reads by range share one open handle per file while they follow one another: a cold find(id) opens its key index
// file and its data file once each (it opened the index three times and the data file once per read).

import type { FileHandle } from 'node:fs/promises'
import { writeFile } from 'node:fs/promises'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { range, userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { KeyIndexCache } from './key-index-cache.js'
import { NodeFileSystem } from './node-file-system.js'
import { createTable, openTable } from './table.js'

const tmp = useTempDir('pf-range-handles-')

/** The real file system, counting the files it opens to read by range. */
class CountingFileSystem extends NodeFileSystem {
  readonly opened: string[] = []
  protected override openForRange(path: string): Promise<FileHandle> {
    this.opened.push(path)
    return super.openForRange(path)
  }
}

describe('reads by range', () => {
  it('share one open while each read follows the last; a read after an idle turn opens again', async () => {
    const fs = new CountingFileSystem()
    const path = `${tmp.dir}/bytes`
    await writeFile(path, Buffer.from('0123456789abcdef'))
    expect(Buffer.from(await fs.readRange(path, 0, 4)).toString()).toBe('0123')
    // Dependent reads (the offset of one taken from the last), then two at once.
    expect(Buffer.from(await fs.readRange(path, 4, 4)).toString()).toBe('4567')
    const both = await Promise.all([fs.readRange(path, 8, 4), fs.readRange(path, 12, 8)])
    expect(both.map((b) => Buffer.from(b).toString())).toEqual(['89ab', 'cdef'])
    expect(fs.opened).toEqual([path])
    await nextTurn()
    await writeFile(path, Buffer.from('ABCDEFGH'))
    // The handle was closed once a turn passed: the file written since is read, through a new open.
    expect(Buffer.from(await fs.readRange(path, 0, 4)).toString()).toBe('ABCD')
    expect(fs.opened).toEqual([path, path])
  })

  it('do not share a failed open: the next read tries again', async () => {
    const fs = new CountingFileSystem()
    const path = `${tmp.dir}/later`
    await expect(fs.readRange(path, 0, 4)).rejects.toMatchObject({ code: 'ENOENT' })
    await writeFile(path, Buffer.from('late'))
    expect(Buffer.from(await fs.readRange(path, 0, 4)).toString()).toBe('late')
    expect(fs.opened).toEqual([path, path])
  })

  it("a fresh process's find(id) opens the key index file once and the data file once", async () => {
    const path = `${tmp.dir}/users`
    const writer = await createTable(path, { entity: userEntity, enums: userEnums })
    await writer.upsert(users(range(0, 5000)))
    const [file] = (await writer.snapshot()).files
    // The first lookup saves the file's key index for other processes.
    expect((await (await writer.snapshot()).findRow(1))?.row).toBeDefined()
    await nextTurn()
    const fs = new CountingFileSystem()
    const reader = await openTable(path, { fs, keyIndex: new KeyIndexCache() })
    const found = await (await reader.snapshot()).findRow(4321)
    expect(found?.df.slice(found.row, 1).getColumn('name').get(0)).toBe('u4321')
    const index = fs.opened.filter((p) => p.includes('%40key'))
    const data = fs.opened.filter((p) => p.endsWith(file?.add.path ?? '?'))
    expect(index).toHaveLength(1)
    expect(data).toHaveLength(1)
  })
})
