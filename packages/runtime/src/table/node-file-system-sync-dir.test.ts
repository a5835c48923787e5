// NodeFileSystem.createExclusive and writeFile with `syncDir`: the folder naming the new file is flushed before it
// resolves (the log entry's create and a data file's write use it), and a lost race flushes nothing.
import { promises, readdirSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { NodeFileSystem } from './node-file-system.js'

const tmp = useTempDir('pf-sync-dir-')
afterEach(() => vi.restoreAllMocks())

describe('NodeFileSystem.createExclusive with `syncDir`', () => {
  it('flushes the folder once the file is linked in, and leaves no temp file', async () => {
    const fs = new NodeFileSystem()
    const target = join(tmp.dir, '00000000000000000001.json')
    const order: string[] = []
    const fsyncDir = vi.spyOn(fs, 'fsyncDir').mockImplementation(async (path) => {
      order.push(`fsyncDir ${path} ${(await readdir(tmp.dir)).includes('00000000000000000001.json')}`)
    })
    await fs.createExclusive(target, '{"a":1}', { syncDir: true })
    expect(fsyncDir).toHaveBeenCalledTimes(1)
    expect(order).toEqual([`fsyncDir ${tmp.dir} true`])
    expect(await readFile(target, 'utf8')).toBe('{"a":1}')
    expect(await readdir(tmp.dir)).toEqual(['00000000000000000001.json'])
  })

  it('a lost race (EEXIST) flushes nothing; without syncDir nothing is flushed either', async () => {
    const fs = new NodeFileSystem()
    const target = join(tmp.dir, 'entry.json')
    await fs.createExclusive(target, 'first')
    const fsyncDir = vi.spyOn(fs, 'fsyncDir')
    await expect(fs.createExclusive(target, 'second', { syncDir: true })).rejects.toMatchObject({
      code: 'EEXIST',
    })
    await fs.createExclusive(join(tmp.dir, 'other.json'), 'x')
    expect(fsyncDir).not.toHaveBeenCalled()
    expect((await readdir(tmp.dir)).sort()).toEqual(['entry.json', 'other.json'])
    expect(await readFile(target, 'utf8')).toBe('first')
  })

  it('a failing folder flush is thrown after the file was created', async () => {
    const fs = new NodeFileSystem()
    const target = join(tmp.dir, 'entry.json')
    vi.spyOn(fs, 'fsyncDir').mockRejectedValue(Object.assign(new Error('EIO'), { code: 'EIO' }))
    await expect(fs.createExclusive(target, 'x', { syncDir: true })).rejects.toMatchObject({ code: 'EIO' })
    expect(await readdir(tmp.dir)).toEqual(['entry.json'])
  })

  it('a folder flush that fails at once is thrown only once the temporary name is gone', async () => {
    const fs = new NodeFileSystem()
    const target = join(tmp.dir, 'entry.json')
    vi.spyOn(fs, 'fsyncDir').mockRejectedValue(Object.assign(new Error('EIO'), { code: 'EIO' }))
    // The temporary name's removal takes a while (a busy thread pool).
    const unlink = promises.unlink
    vi.spyOn(promises, 'unlink').mockImplementation(async (path) => {
      await new Promise((r) => setTimeout(r, 30))
      return unlink(path)
    })
    await expect(fs.createExclusive(target, 'x', { syncDir: true })).rejects.toMatchObject({ code: 'EIO' })
    expect(readdirSync(tmp.dir)).toEqual(['entry.json'])
  })
})

describe('NodeFileSystem.writeFile with `syncDir`', () => {
  it('flushes the folder once the name exists, and the file, from one open', async () => {
    const fs = new NodeFileSystem()
    const target = join(tmp.dir, 'part-1.parquet')
    const seen: string[] = []
    vi.spyOn(fs, 'fsyncDir').mockImplementation(async (path) => {
      seen.push(`fsyncDir ${path} ${(await readdir(tmp.dir)).includes('part-1.parquet')}`)
    })
    // The file's own flush is part of the write: no second open to flush it.
    const fsyncFile = vi.spyOn(fs, 'fsyncFile')
    await fs.writeFile(target, 'bytes', { syncDir: true })
    expect(seen).toEqual([`fsyncDir ${tmp.dir} true`])
    expect(fsyncFile).not.toHaveBeenCalled()
    expect(await readFile(target, 'utf8')).toBe('bytes')
    await fs.writeFile(join(tmp.dir, 'other'), 'x')
    expect(seen).toHaveLength(1)
  })

  it('a failing folder flush is thrown after the file was written', async () => {
    const fs = new NodeFileSystem()
    const target = join(tmp.dir, 'part-2.parquet')
    vi.spyOn(fs, 'fsyncDir').mockRejectedValue(Object.assign(new Error('EIO'), { code: 'EIO' }))
    await expect(fs.writeFile(target, 'abc', { syncDir: true })).rejects.toMatchObject({ code: 'EIO' })
    expect(await readFile(target, 'utf8')).toBe('abc')
  })

  it('a failing write throws its own error once the folder flush it started has ended', async () => {
    const fs = new NodeFileSystem()
    let flushEnded = false
    vi.spyOn(fs, 'fsyncDir').mockImplementation(async () => {
      await new Promise((r) => setTimeout(r, 20))
      flushEnded = true
    })
    // Linux's /dev/full opens, then fails every write with ENOSPC.
    await expect(fs.writeFile('/dev/full', 'x', { syncDir: true })).rejects.toMatchObject({ code: 'ENOSPC' })
    expect(flushEnded).toBe(true)
  })
})

describe('NodeFileSystem.mkdir', () => {
  it("flushes each new folder's name into its parent, and nothing when the folder exists", async () => {
    const fs = new NodeFileSystem()
    const flushed: string[] = []
    vi.spyOn(fs, 'fsyncDir').mockImplementation(async (path) => void flushed.push(path))
    await fs.mkdir(join(tmp.dir, 'store', 'users', '_delta_log'))
    expect(flushed.sort()).toEqual([tmp.dir, join(tmp.dir, 'store'), join(tmp.dir, 'store', 'users')])
    expect(await readdir(join(tmp.dir, 'store', 'users'))).toEqual(['_delta_log'])
    flushed.length = 0
    await fs.mkdir(join(tmp.dir, 'store', 'users'))
    await fs.mkdir(join(tmp.dir, 'store', 'users', 'region=eu'))
    expect(flushed).toEqual([join(tmp.dir, 'store', 'users')])
  })
})
