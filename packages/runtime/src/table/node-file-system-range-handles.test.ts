// Reads by range share one open handle per file while they follow one another: a cold find(id) opens its key index
// file and its data file once each (it opened the index three times and the data file once per read).

import type { FileHandle } from 'node:fs/promises'
import { writeFile } from 'node:fs/promises'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { range, userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { KeyIndexCache } from './key-index-cache.js'
import { NodeFileSystem, SYNC_READ_MAX } from './node-file-system.js'
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

  it('of at most SYNC_READ_MAX bytes read synchronously on the handle; larger ones through the thread pool', async () => {
    /** Counts the reads that go through the handle's async read (a thread-pool round trip each). */
    class AsyncReadCounting extends NodeFileSystem {
      asyncReads = 0
      protected override async openForRange(path: string): Promise<FileHandle> {
        const handle = await super.openForRange(path)
        const read = handle.read.bind(handle) as FileHandle['read']
        handle.read = ((...args: Parameters<FileHandle['read']>) => {
          this.asyncReads++
          return read(...args)
        }) as FileHandle['read']
        return handle
      }
    }
    const fs = new AsyncReadCounting()
    const path = `${tmp.dir}/large`
    const bytes = Buffer.alloc(SYNC_READ_MAX * 2 + 10)
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + (i >> 9)) & 0xff
    await writeFile(path, bytes)
    // A key lookup's and a point read's reads: small ones, the largest of them at the bound, and one past the end.
    const small = await Promise.all([
      fs.readRange(path, 0, 4096),
      fs.readRange(path, 70_000, 12),
      fs.readRange(path, 5, SYNC_READ_MAX),
      fs.readRange(path, bytes.length - 4, 100),
    ])
    expect(small.map((b) => Buffer.from(b).toString('hex'))).toEqual(
      [
        bytes.subarray(0, 4096),
        bytes.subarray(70_000, 70_012),
        bytes.subarray(5, 5 + SYNC_READ_MAX),
        bytes.subarray(bytes.length - 4),
      ].map((b) => b.toString('hex')),
    )
    expect(fs.asyncReads).toBe(0)
    const large = await fs.readRange(path, 3, SYNC_READ_MAX + 1)
    expect(Buffer.from(large).equals(bytes.subarray(3, 4 + SYNC_READ_MAX))).toBe(true)
    expect(fs.asyncReads).toBeGreaterThan(0)
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
