// Warm freshness checks: one stat of the log folder when nothing changed, and never a stale version after a commit
// of this or another table object (another process reads the same folder the same way).
import { spawn } from 'node:child_process'
import { rm, stat, utimes } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import type { FileStat } from './file-system.js'
import { PENDING_MARKER } from './insert-log.js'
import { logFileName } from './log-entry.js'
import { NodeFileSystem } from './node-file-system.js'
import { createTable, openTable } from './table.js'

const WORKER = fileURLToPath(new URL('./__fixtures__/table-worker.ts', import.meta.url))

/** Inserts key `id * 1000` into the table at `path` from another process (one commit). */
async function commitFromAnotherProcess(path: string, id: number): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, 'insert', path, String(id), '1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let err = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8')
  })
  const code = await new Promise((resolve) => child.on('exit', resolve))
  if (code !== 0) throw new Error(`writer exited with ${code}: ${err}`)
}

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
  override entryAt(path: string): boolean {
    this.calls.push(`lstat ${path}`)
    return super.entryAt(path)
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

  it('right after its own commit, a check costs the folder stat and a probe of the next entry name, not a read of the log', async () => {
    const fs = new CountingFileSystem()
    const table = await createTable(`${tmp.dir}/users`, { entity: userEntity, enums: userEnums, fs })
    await sleep(SETTLED_MS) // the folder born before the racy margin
    await table.snapshot() // full check: records the folder
    const log = `${tmp.dir}/users/_delta_log`
    for (let v = 1; v <= 3; v++) {
      await table.insert(users([v]))
      fs.calls = []
      expect((await table.snapshot()).version).toBe(v)
      // The pending marker of log-first inserts (insert-log.ts) is probed with the next entry: both are proof.
      expect(fs.calls).toEqual([
        `stat ${log}`,
        `lstat ${log}/${logFileName(v + 1)}`,
        `lstat ${log}/${PENDING_MARKER}`,
      ])
    }
  })

  it('once its own commit is past the racy margin, a check proven by the next entry name makes the next checks one stat', async () => {
    const fs = new CountingFileSystem()
    const table = await createTable(`${tmp.dir}/users`, { entity: userEntity, enums: userEnums, fs })
    await sleep(SETTLED_MS) // the folder born before the racy margin
    await table.snapshot() // full check: records the folder
    const log = `${tmp.dir}/users/_delta_log`
    await table.insert(users([1]))
    // The commit's change to the folder aged past the racy margin (as a second later).
    const past = new Date(Date.now() - 60_000)
    await utimes(log, past, past)
    fs.calls = []
    expect((await table.snapshot()).version).toBe(1)
    expect(fs.calls).toEqual([
      `stat ${log}`,
      `lstat ${log}/${logFileName(2)}`,
      `lstat ${log}/${PENDING_MARKER}`,
    ])
    fs.calls = []
    expect((await table.snapshot()).version).toBe(1)
    expect(fs.calls).toEqual([`stat ${log}`])
    // Another table object's commit changes the folder: seen at once.
    await (await openTable(`${tmp.dir}/users`)).insert(users([2]))
    expect((await table.snapshot()).version).toBe(2)
  })

  it('a commit of another process in the same timestamp tick as its own is seen (the next entry exists)', async () => {
    const path = `${tmp.dir}/users`
    const table = await createTable(path, { entity: userEntity, enums: userEnums })
    await sleep(SETTLED_MS)
    await table.snapshot()
    const log = `${path}/_delta_log`
    for (let round = 1; round <= 2; round++) {
      await table.insert(users([round]))
      expect((await table.snapshot()).version).toBe(2 * round - 1)
      const before = await stat(log)
      await commitFromAnotherProcess(path, round)
      // As if the other commit landed in the tick of this one: the folder's times as they were.
      await utimes(log, before.atimeMs / 1000, before.mtimeMs / 1000)
      expect((await stat(log)).mtimeMs).toBeCloseTo(before.mtimeMs, 2)
      expect((await table.snapshot()).version).toBe(2 * round)
      expect((await table.findByKey(round * 1000))?.height).toBe(1)
    }
  }, 60_000)

  it('after its own commits, a table deleted and created again with fewer versions is seen (another folder)', async () => {
    const path = `${tmp.dir}/users`
    const reader = await createTable(path, { entity: userEntity, enums: userEnums })
    await sleep(SETTLED_MS)
    await reader.snapshot()
    await reader.insert(users([1, 2, 3]))
    await reader.insert(users([4]))
    expect(await reader.count()).toBe(4)
    await reader.settled()
    await rm(path, { recursive: true })
    const again = await createTable(path, { entity: userEntity, enums: userEnums })
    await again.insert(users([9]))
    expect((await reader.snapshot()).version).toBe(1)
    expect(await reader.count()).toBe(1)
    expect(await reader.findByKey(1)).toBeNull()
  })
})
