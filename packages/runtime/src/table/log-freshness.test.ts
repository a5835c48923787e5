// Warm freshness checks: one stat of the log folder when nothing changed, and never a stale version after a commit
// of this or another table object (another process reads the same folder the same way).
import { rm } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import type { FileStat } from './file-system.js'
import { NodeFileSystem } from './node-file-system.js'
import { createTable, openTable } from './table.js'

/** The real file system, counting the calls a snapshot makes. */
class CountingFileSystem extends NodeFileSystem {
  calls: string[] = []
  override async stat(path: string): Promise<FileStat> {
    this.calls.push(`stat ${path}`)
    return super.stat(path)
  }
  override statSync(path: string): FileStat {
    this.calls.push(`stat ${path}`)
    return super.statSync(path)
  }
  override async readFile(path: string): Promise<Uint8Array> {
    this.calls.push(`readFile ${path}`)
    return super.readFile(path)
  }
  override async readdir(path: string): Promise<string[]> {
    this.calls.push(`readdir ${path}`)
    return super.readdir(path)
  }
}

const tmp = useTempDir('pf-log-freshness-')

/** Longer than the racy margin: a log folder changed this long ago is trusted. */
const SETTLED_MS = 1100

describe('warm freshness check', () => {
  it('an unchanged log costs one stat of the log folder; a commit by another table object is seen at once', async () => {
    const fs = new CountingFileSystem()
    const reader = await createTable(`${tmp.dir}/users`, { entity: userEntity, enums: userEnums, fs })
    await reader.insert(users([1, 2]))
    await sleep(SETTLED_MS)
    await reader.snapshot() // full check: records the folder's state
    fs.calls = []
    expect((await reader.snapshot()).version).toBe(1)
    expect(fs.calls).toEqual([`stat ${tmp.dir}/users/_delta_log`])

    const writer = await openTable(`${tmp.dir}/users`)
    await writer.insert(users([3]))
    expect((await reader.findByKey(3))?.height).toBe(1)
    expect((await reader.snapshot()).version).toBe(2)
  })

  it('right after a commit (racy margin) every check reads the log, and sees every later commit', async () => {
    const fs = new CountingFileSystem()
    const reader = await createTable(`${tmp.dir}/users`, { entity: userEntity, enums: userEnums, fs })
    const writer = await openTable(`${tmp.dir}/users`)
    for (let i = 1; i <= 20; i++) {
      await writer.insert(users([i]))
      fs.calls = []
      expect((await reader.findByKey(i))?.height).toBe(1)
      expect(fs.calls.length).toBeGreaterThan(1)
    }
  })

  it('a table deleted and created again at the path is seen, not the old one', async () => {
    const reader = await createTable(`${tmp.dir}/users`, { entity: userEntity, enums: userEnums })
    await reader.insert(users([1, 2, 3]))
    await sleep(SETTLED_MS)
    expect(await reader.count()).toBe(3)
    // Its background work (the state cached after its commit) done first: it would race the rm (ENOTEMPTY).
    await reader.settled()
    await rm(`${tmp.dir}/users`, { recursive: true })
    const again = await createTable(`${tmp.dir}/users`, { entity: userEntity, enums: userEnums })
    await again.insert(users([9]))
    expect(await reader.findByKey(1)).toBeNull()
    expect(await reader.count()).toBe(1)
  })
})
