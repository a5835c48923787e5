// NodeFileSystem.fsyncDir keeps each folder it flushes open (bounded), and flushes the folder at the path, never one
// that was deleted or replaced there since.
import { fstatSync, mkdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { heldFolder, heldFolderCount, NodeFileSystem } from './node-file-system.js'

const tmp = useTempDir('pf-held-folders-')

describe('NodeFileSystem.fsyncDir', () => {
  it('holds a flushed folder open and flushes it again through the same descriptor', async () => {
    const fs = new NodeFileSystem()
    const dir = join(tmp.dir, 'table')
    mkdirSync(dir)
    await fs.fsyncDir(dir)
    const first = heldFolder(dir)
    expect(first?.ino).toBe(statSync(dir).ino)
    await Promise.all([fs.fsyncDir(dir), new NodeFileSystem().fsyncDir(dir)])
    expect(heldFolder(dir)).toEqual(first)
  })

  it('a folder deleted and made again at the path is opened again: the flush reaches the folder there now', async () => {
    const fs = new NodeFileSystem()
    const dir = join(tmp.dir, 'table')
    mkdirSync(dir)
    await fs.fsyncDir(dir)
    const before = heldFolder(dir)
    rmSync(dir, { recursive: true })
    mkdirSync(dir)
    await fs.fsyncDir(dir)
    const after = heldFolder(dir)
    // Same inode number or not (ext4 reuses them), the held descriptor is the live folder at the path.
    expect(after?.ino).toBe(statSync(dir).ino)
    expect(fstatSync(after?.fd as number).nlink).toBeGreaterThan(0)
    expect(before).toBeDefined()
  })

  it('a folder deleted is an error (as before holding) and is let go', async () => {
    const fs = new NodeFileSystem()
    const dir = join(tmp.dir, 'gone')
    mkdirSync(dir)
    await fs.fsyncDir(dir)
    rmSync(dir, { recursive: true })
    await expect(fs.fsyncDir(dir)).rejects.toMatchObject({ code: 'ENOENT' })
    expect(heldFolder(dir)).toBeUndefined()
  })

  it('holds at most 64 folders, letting go of the least recently flushed', async () => {
    const fs = new NodeFileSystem()
    const dirs = Array.from({ length: 70 }, (_, i) => join(tmp.dir, `t${i}`))
    for (const dir of dirs) {
      mkdirSync(dir)
      await fs.fsyncDir(dir)
    }
    expect(heldFolderCount()).toBeLessThanOrEqual(64)
    expect(heldFolder(dirs[0] as string)).toBeUndefined()
    expect(heldFolder(dirs[69] as string)).toBeDefined()
  })
})
