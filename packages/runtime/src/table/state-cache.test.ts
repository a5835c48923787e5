import { copyFile, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { commitPath, readCommitFile } from './__fixtures__/delta-commit-file.js'
import { DurableWrites } from './__fixtures__/durable-writes.js'
import { idsOf, range, userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { useUsersTablePath } from './__fixtures__/users-table-setup.js'
import { useWorkerScript, WorkerProcess } from './__fixtures__/worker-process.js'
import { FaultyFileSystem } from './faulty-file-system.js'
import { versionOfLogFile } from './log-entry.js'
import { nodeFileSystem } from './node-file-system.js'
import { decodeCacheHint, encodeCacheHint, snapshotFileName, snapshotStep } from './state-cache.js'
import { createTable, openTable, type Table } from './table.js'
import { TableLog } from './table-log.js'

const ws = useUsersTablePath()
const worker = useWorkerScript()
const cacheDir = () => join(ws.path, '_pf', 'checkpoints')
const snapshotFile = (v: number) => join(cacheDir(), snapshotFileName(v))
const hintFile = () => join(cacheDir(), '_last_checkpoint')

/** The cached states in `_pf/checkpoints/`, by version. */
async function cachedStates(): Promise<number[]> {
  const names = await readdir(cacheDir()).catch(() => [] as string[])
  return names.filter((n) => n.endsWith('.snapshot.json')).map((n) => Number.parseInt(n, 10))
}

/** Opens the table in a new object, counting the commits it reads (a missing one counts: it was looked for). */
async function openCounting(): Promise<{ table: Table; entries: number[] }> {
  const fs = new FaultyFileSystem()
  const table = await openTable(ws.path, { fs })
  const entries = fs.calls
    .filter((c) => c.startsWith('readFile '))
    .map((c) => versionOfLogFile(basename(c.slice('readFile '.length))))
    .filter((v): v is number => v !== undefined)
  return { table, entries: [...new Set(entries)].sort((a, b) => a - b) }
}

/** A commit of another Delta writer (no pf totals in its commitInfo), e.g. Spark deleting a whole file. */
async function foreignCommit(version: number, actions: readonly object[]): Promise<void> {
  const lines = [
    { commitInfo: { operation: 'DELETE', engineInfo: 'Apache-Spark/3.5.1 Delta-Lake/3.2.0' } },
    ...actions,
  ]
  await writeFile(commitPath(ws.path, version), `${lines.map((a) => JSON.stringify(a)).join('\n')}\n`, {
    flag: 'wx',
  })
}

/** A copy of the bytes with one bit of byte `at` flipped. */
function flipped(bytes: Buffer, at: number): Buffer {
  const copy = Buffer.from(bytes)
  copy.writeUInt8((copy[at] as number) ^ 0x01, at)
  return copy
}

let table: Table
/** Users 1..5, one commit each (versions 1..5), the state cached after the last. */
beforeEach(async () => {
  table = await createTable(ws.path, { entity: userEntity, enums: userEnums })
  for (const id of [1, 2, 3, 4, 5]) await table.append(users([id]))
  await table.settled()
})

afterEach(() => {
  vi.restoreAllMocks()
})

describe("pf's state cache: the writer caches its newest state, a fresh open replays only what follows it", () => {
  it('a fresh open starts from the state cached after the last commit: no commit before it is read', async () => {
    expect(await cachedStates()).toEqual([5])
    const { table: opened, entries } = await openCounting()
    expect(opened.version).toBe(5)
    // Version 0 (the table's identity) and 5 (the cache's commit) are read; 6 is looked for; 1..4 never.
    expect(entries).toEqual([0, 5, 6])
    expect(idsOf(await opened.read())).toEqual([1, 2, 3, 4, 5])
  })

  it('only the newest cached state is kept, and tables that write no checkpoints cache none', async () => {
    for (const id of [6, 7, 8]) await table.append(users([id]))
    await table.settled()
    expect(await cachedStates()).toEqual([8])
    const other = await createTable(join(ws.dir, 'plain'), {
      entity: userEntity,
      enums: userEnums,
      checkpointInterval: 0,
    })
    await other.append(users([1]))
    await other.settled()
    expect(await readdir(join(ws.dir, 'plain', '_pf')).catch(() => [])).not.toContain('checkpoints')
  })

  it('a cache older than the log: the commits after it, pf’s and another writer’s, are replayed', async () => {
    // A writer whose cache writes fail (a full disk, a crash): its commits land, the cache stays at version 5.
    const fs = new FaultyFileSystem().inject({
      op: 'writeFile',
      path: /snapshot\.json/,
      code: 'EIO',
      times: 99,
    })
    const writer = await openTable(ws.path, { fs })
    await writer.append(users([6]))
    await writer.append(users([7]))
    await writer.settled()
    expect(await cachedStates()).toEqual([5])
    // Spark deletes the file of user 2 (version 8): no pf totals, seen only by replaying it.
    const [add] = (await readCommitFile(ws.path, 2)).add
    await foreignCommit(8, [{ remove: { path: add?.path, dataChange: true, deletionTimestamp: Date.now() } }])
    const { table: opened, entries } = await openCounting()
    expect(opened.version).toBe(8)
    expect(entries.filter((v) => v <= 8)).toEqual([0, 5, 6, 7, 8])
    expect(idsOf(await opened.read())).toEqual([1, 3, 4, 5, 6, 7])
  })

  it('a cache of the table that was at the path before is refused, even at a version with the same totals', async () => {
    // Another writer replaced the table: a new log (another table id), the old `_pf/` left behind.
    await rm(join(ws.path, '_delta_log'), { recursive: true })
    const replaced = await createTable(ws.path, {
      entity: userEntity,
      enums: userEnums,
      checkpointInterval: 0,
    })
    for (const id of [11, 12, 13, 14, 15, 16]) await replaced.append(users([id]))
    expect(await cachedStates()).toEqual([5])
    const { table: opened, entries } = await openCounting()
    expect(opened.version).toBe(6)
    expect(entries.filter((v) => v <= 6)).toEqual([0, 1, 2, 3, 4, 5, 6])
    expect(idsOf(await opened.read())).toEqual([11, 12, 13, 14, 15, 16])
  })

  it.each([
    ['a flipped byte', (b: Buffer) => flipped(b, b.length - 20)],
    ['a truncation', (b: Buffer) => b.subarray(0, b.length - 100)],
    [
      'another layout',
      (b: Buffer) =>
        Buffer.from(b.toString('latin1').replace('pf-checkpoint-cache/4', 'pf-checkpoint-cache/9'), 'latin1'),
    ],
    [
      'another version',
      (b: Buffer) => Buffer.from(b.toString('latin1').replaceAll('"version":5', '"version":4'), 'latin1'),
    ],
  ])('a damaged cache (%s) is a cache miss: the log is replayed', async (_, damage) => {
    const bytes = await readFile(snapshotFile(5))
    await writeFile(snapshotFile(5), damage(bytes))
    const { table: opened, entries } = await openCounting()
    expect(opened.version).toBe(5)
    expect(entries.filter((v) => v <= 5)).toEqual([0, 1, 2, 3, 4, 5])
    expect(idsOf(await opened.read())).toEqual([1, 2, 3, 4, 5])
  })

  it('the cache the hint names was removed (another writer pruned it): the newest cache listed is used', async () => {
    const kept = join(ws.dir, 'kept.snapshot.json')
    await copyFile(snapshotFile(5), kept)
    await table.append(users([6]))
    await table.append(users([7]))
    await table.settled()
    expect(await cachedStates()).toEqual([7])
    expect(JSON.parse(await readFile(hintFile(), 'utf8'))).toEqual({ version: 7, snapshot: true })
    await rm(snapshotFile(7))
    await copyFile(kept, snapshotFile(5))
    const { table: opened, entries } = await openCounting()
    expect(opened.version).toBe(7)
    expect(entries.filter((v) => v <= 7)).toEqual([0, 5, 6, 7])
    expect(idsOf(await opened.read())).toEqual([1, 2, 3, 4, 5, 6, 7])
  })

  it('a writer in another process: a table open here sees its commits, a fresh open starts from its cache', async () => {
    const reader = await openTable(ws.path)
    const child = new WorkerProcess(worker.script, ['insert', ws.path, '7', '4'])
    // Writes here at the same time: both processes cache their newest state.
    for (const id of [6, 7, 8]) await table.append(users([id]))
    await child.waitFor('DONE')
    expect(await child.exited).toBe(0)
    expect(child.failures()).toEqual([])
    await table.settled()
    const all = [1, 2, 3, 4, 5, 6, 7, 8, 7000, 7001, 7002, 7003]
    expect((await reader.snapshot()).version).toBe(12)
    expect(idsOf(await reader.read())).toEqual(all)
    const [newest] = (await cachedStates()).sort((a, b) => b - a)
    const { table: opened, entries } = await openCounting()
    expect(opened.version).toBe(12)
    // Nothing before the newest cached state is replayed (version 0 is read for the table's identity).
    expect(entries.filter((v) => v > 0 && v < (newest as number))).toEqual([])
    expect(idsOf(await opened.read())).toEqual(all)
  })

  it('a cache write never re-creates a table folder deleted after the commit (a reset script)', async () => {
    const fs = new FaultyFileSystem().inject({
      op: 'stat',
      path: /_delta_log$/,
      before: () => rm(ws.path, { recursive: true, force: true }),
    })
    const writer = await openTable(ws.path, { fs })
    await writer.append(users([6]))
    await writer.settled()
    expect(fs.calls.filter((c) => c.startsWith('writeFile'))).not.toContainEqual(
      expect.stringMatching(/snapshot/),
    )
    await expect(stat(ws.path)).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('an open leaves the table checked: its first read costs no file read, a later commit is still seen', async () => {
    // The log folder last changed long ago (a change within the clock's granularity is not trusted).
    const past = new Date(Date.now() - 60_000)
    await utimes(join(ws.path, '_delta_log'), past, past)
    const opened = await openTable(ws.path)
    const reads = vi.spyOn(nodeFileSystem, 'readFile')
    expect((await opened.snapshot()).version).toBe(5)
    expect(reads).not.toHaveBeenCalled()
    await table.append(users([6]))
    expect((await opened.snapshot()).version).toBe(6)
    expect(idsOf(await opened.read())).toEqual([1, 2, 3, 4, 5, 6])
  })
})

/** The versions of the cached states a file system's calls wrote (their temp files), in order. */
function statesWritten(fs: FaultyFileSystem): number[] {
  return fs.calls
    .filter((c) => c.startsWith('writeFile') && c.includes('.snapshot.json.'))
    .map((c) => Number.parseInt(basename(c).slice(1), 10))
}

describe('the state cache stays off the commits that follow it', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('a burst of commits caches its state once, after the pause that ends it; settled writes it at once', async () => {
    // No pause ever ends (timers frozen): only settled() ends the wait.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const fs = new FaultyFileSystem()
    const writer = await openTable(ws.path, { fs })
    for (const id of [6, 7, 8, 9, 10, 11, 12, 13, 14, 15]) await writer.append(users([id]))
    expect(statesWritten(fs)).toEqual([])
    expect(await cachedStates()).toEqual([5])
    await writer.settled()
    expect(statesWritten(fs)).toEqual([15])
    expect(await cachedStates()).toEqual([15])
    const { table: opened, entries } = await openCounting()
    expect(entries).toEqual([0, 15, 16])
    expect(idsOf(await opened.read())).toEqual(range(1, 16))
  })

  it('commits that never pause are cached whenever the newest cache lags 32 versions', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const fs = new FaultyFileSystem()
    const writer = await openTable(ws.path, { fs })
    for (const id of range(6, 76)) await writer.append(users([id]))
    await writer.settled()
    // Version 37 lags the cache of version 5 by 32: cached then, and 69 after it; the last (75) once settled.
    expect(statesWritten(fs)).toEqual([37, 69, 75])
    expect(await cachedStates()).toEqual([75])
  })

  it('the cached state and its hint are written without a flush (a cache lost in a crash is a cache miss)', async () => {
    const fs = new DurableWrites()
    const writer = await openTable(ws.path, { fs })
    await writer.append(users([6]))
    await writer.settled()
    expect(statesWritten(fs)).toEqual([6])
    expect(fs.durable.filter((p) => p.startsWith(cacheDir()))).toEqual([])
    expect(fs.calls.filter((c) => c.startsWith('fsync') && c.includes(cacheDir()))).toEqual([])
    expect(JSON.parse(await readFile(hintFile(), 'utf8'))).toEqual({ version: 6, snapshot: true })
  })
})

describe('a checkpoint supersedes the cached states up to its version', () => {
  it('removes them, and a cached state it overtook is not written after it', async () => {
    expect(await cachedStates()).toEqual([5])
    expect(await table.checkpoint()).toBe(5)
    expect(await cachedStates()).toEqual([])

    // A state cache of version 6 (written once commits paused) and a checkpoint of version 7, started together by
    // one log: the older cache must not land after the checkpoint that supersedes it. (The writing table settles
    // first and its own cached states are removed: only the log's writes are watched.)
    const log = new TableLog(ws.path, nodeFileSystem, 'users')
    const settledWithoutCaches = async () => {
      await table.settled()
      for (const v of await cachedStates()) await rm(snapshotFile(v))
    }
    await table.append(users([6]))
    const six = await log.latest()
    await table.append(users([7]))
    await settledWithoutCaches()
    const seven = await log.latest()
    await Promise.all([log.writeCheckpoint(seven), log.writeSnapshot(six)])
    expect(await cachedStates()).toEqual([])
    expect(decodeCacheHint(await readFile(hintFile(), 'utf8'))).toMatchObject({ version: 7, snapshot: false })

    // The other order: the cached state first, then the checkpoint removes it.
    await table.append(users([8]))
    await settledWithoutCaches()
    const eight = await log.latest()
    await log.writeSnapshot(eight)
    expect(await cachedStates()).toEqual([8])
    await log.writeCheckpoint(eight)
    expect(await cachedStates()).toEqual([])
    expect(idsOf(await (await openTable(ws.path)).read())).toEqual(range(1, 9))
  })
})

describe('state cache rules', () => {
  it('caches after every commit up to 256 live files, then every ceil(files / 100) commits', () => {
    expect([0, 1, 152, 256].map(snapshotStep)).toEqual([1, 1, 1, 1])
    expect([257, 1000, 10_000, 10_001].map(snapshotStep)).toEqual([3, 10, 100, 101])
  })

  it('the hint names a cached state or a checkpoint; the older hint (version only) is a checkpoint', () => {
    expect(decodeCacheHint(encodeCacheHint({ version: 7, snapshot: true }))).toEqual({
      version: 7,
      snapshot: true,
    })
    expect(encodeCacheHint({ version: 100, snapshot: false })).toBe('{"version":100}')
    expect(decodeCacheHint('{"version":100}')).toEqual({ version: 100, snapshot: false })
    for (const bad of ['', '{"version":-1}', '{"version":1.5}', '{"version":"3"}', '{"ver'])
      expect(decodeCacheHint(bad)).toBeUndefined()
  })
})
