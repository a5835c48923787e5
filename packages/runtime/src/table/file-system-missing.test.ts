import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { orWhenMissing } from './file-system.js'
import { nodeFileSystem as fs } from './node-file-system.js'

const temp = useTempDir('pf-missing-')

describe('orWhenMissing', () => {
  it("gives the operation's result when the path exists, the stand-in when it does not", async () => {
    await mkdir(join(temp.dir, 'sub'))
    await writeFile(join(temp.dir, 'sub', 'a.txt'), 'a')
    expect(await orWhenMissing(fs.readdirTyped(join(temp.dir, 'sub')), [])).toEqual([
      { name: 'a.txt', isDirectory: false },
    ])
    expect(await orWhenMissing(fs.readdirTyped(join(temp.dir, 'gone')), [])).toEqual([])
    expect(await orWhenMissing(fs.stat(join(temp.dir, 'gone.txt')), undefined)).toBeUndefined()
  })

  it('lets every other error through (a file read as a folder)', async () => {
    await writeFile(join(temp.dir, 'plain.txt'), 'x')
    await expect(orWhenMissing(fs.readdirTyped(join(temp.dir, 'plain.txt')), [])).rejects.toMatchObject({
      code: 'ENOTDIR',
    })
  })
})
