import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdir, readdir, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { dirname } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { callMade } from './__fixtures__/call-made.js'
import { expectCommitTurnWarnings } from './__fixtures__/commit-turn-warnings.js'
import { commitPath } from './__fixtures__/delta-commit-file.js'
import { pathExists } from './__fixtures__/path-exists.js'
import { idsOf, range, userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { useUsersTablePath } from './__fixtures__/users-table-setup.js'
import { useWorkerScript, WorkerProcess } from './__fixtures__/worker-process.js'
import { COMMIT_TURN_WARNING, commitTurnPath, TURN_AFTER_LOST_RACES } from './commit-turn.js'
import { DataFileStore } from './data-file-store.js'
import { FaultyFileSystem } from './faulty-file-system.js'
import { KeyIndexCache } from './key-index-cache.js'
import { createTable, openTable, type Table } from './table.js'
import { ConflictError } from './table-errors.js'

const ws = useUsersTablePath()

beforeEach(async () => {
  const table = await createTable(ws.path, { entity: userEntity, enums: userEnums })
  await table.append(users(range(0, 20)))
})
afterEach(() => vi.restoreAllMocks())

const ENTRY = /_delta_log[/\\]\d{20}\.json$/

/** A pf writer that does not know the commit turn (as an older pf or another Delta writer): it never waits. */
async function turnBlindWriter(): Promise<Table> {
  const fs = new FaultyFileSystem().inject({
    op: 'lstat',
    path: /commit-turn\.lock$/,
    code: 'ENOENT',
    times: Number.POSITIVE_INFINITY,
  })
  return openTable(ws.path, { fs })
}

/** A writer whose next `races` commit attempts each lose to a turn-blind rival appending users 100, 101, ... */
async function writerLosing(races: number): Promise<{ writer: Table; fs: FaultyFileSystem }> {
  const rival = await turnBlindWriter()
  const fs = new FaultyFileSystem()
  const writer = await openTable(ws.path, { fs })
  let next = 100
  fs.inject({
    op: 'createExclusive',
    path: ENTRY,
    times: races,
    before: async () => void (await rival.append(users([next++]))),
  })
  return { writer, fs }
}

/** Deletion vector files under the table. */
async function vectorFiles(): Promise<string[]> {
  return (await readdir(ws.path)).filter((n) => n.startsWith('deletion_vector_')).sort()
}

describe('the commit turn', () => {
  it(`is taken after ${TURN_AFTER_LOST_RACES} lost races and released when the commit gives up`, async () => {
    const rival = await turnBlindWriter()
    const fs = new FaultyFileSystem()
    const writer = await openTable(ws.path, { fs, maxRetries: 5 })
    const turnHeld: boolean[] = []
    let next = 100
    fs.inject({
      op: 'createExclusive',
      path: ENTRY,
      times: 6,
      before: async () => {
        turnHeld.push(await pathExists(commitTurnPath(ws.path)))
        await rival.append(users([next++]))
      },
    })
    const error = await writer.upsert(users([3], 'w')).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConflictError)
    expect(error).toMatchObject({ reason: 'too-many-retries' })
    expect(turnHeld).toEqual([false, false, false, true, true, true])
    expect(await pathExists(commitTurnPath(ws.path))).toBe(false)
    // Nobody waits for a turn that is gone: the next commit is the next version at once.
    const after = await writer.upsert(users([3], 'w'))
    expect(after).toMatchObject({ version: 8, attempts: 1 })
  })

  it('is released when planning under it fails', async () => {
    const rival = await turnBlindWriter()
    const fs = new FaultyFileSystem()
    const writer = await openTable(ws.path, { fs })
    let next = 100
    let heldWhenFailing: boolean | undefined
    fs.inject({
      op: 'createExclusive',
      path: ENTRY,
      times: TURN_AFTER_LOST_RACES,
      before: async () => {
        await rival.append(users([next++]))
        // After the last lost race, the re-plan under the turn reads the rival's new entry: it fails.
        if (next - 100 === TURN_AFTER_LOST_RACES) {
          fs.inject({
            op: 'readFile',
            path: ENTRY,
            code: 'EIO',
            before: async () => {
              heldWhenFailing = await pathExists(commitTurnPath(ws.path))
            },
          })
        }
      },
    })
    await expect(writer.upsert(users([3], 'w'))).rejects.toThrow(/EIO/)
    expect(heldWhenFailing).toBe(true)
    expect(await pathExists(commitTurnPath(ws.path))).toBe(false)
    expect(idsOf(await (await openTable(ws.path)).read())).toEqual([...range(0, 20), 100, 101, 102])
  })

  it('that cannot be taken (the lock file cannot be created) leaves the writer contending as before', async () => {
    const { writer, fs } = await writerLosing(TURN_AFTER_LOST_RACES + 1)
    fs.inject({ op: 'createExclusive', path: /commit-turn\.lock$/, code: 'EACCES' })
    expectCommitTurnWarnings()
    const warned = new Promise<Error>((resolve) => process.once('warning', resolve))
    const result = await writer.upsert(users([3], 'w'))
    const warning = await warned
    expect(warning).toMatchObject({ code: COMMIT_TURN_WARNING })
    expect(warning.message).toContain('could not be taken')
    expect(warning.message).toContain('commit-turn.lock')
    expect(result.attempts).toBe(TURN_AFTER_LOST_RACES + 2)
    expect(
      fs.calls.filter((c) => c.startsWith('createExclusive') && c.endsWith('commit-turn.lock')),
    ).toHaveLength(1)
    expect(await pathExists(commitTurnPath(ws.path))).toBe(false)
    expect((await (await openTable(ws.path)).findByKey(3))?.getColumn('name').get(0)).toBe('w3')
  })

  it('is looked for while the log entry is written, and the entry appears only after the look', async () => {
    const fs = new FaultyFileSystem()
    const writer = await openTable(ws.path, { fs })
    const entry = commitPath(ws.path, writer.version + 1)
    const seen: { createCalled?: boolean; entryExisted?: boolean } = {}
    fs.inject({
      op: 'lstat',
      path: /commit-turn\.lock$/,
      before: async () => {
        // The entry's exclusive create starts before the look ends (the old order looked first, then wrote).
        seen.createCalled = await callMade(fs, `createExclusive ${entry}`)
        seen.entryExisted = await pathExists(entry)
      },
    })
    expect(await writer.append(users([100]))).toMatchObject({ version: 2, attempts: 1 })
    expect(seen).toEqual({ createCalled: true, entryExisted: false })
    expect(idsOf(await (await openTable(ws.path)).read())).toEqual([...range(0, 20), 100])
  })

  it('left by a crashed holder is taken over, by a writer that waits for it and by one that takes it', async () => {
    const lock = commitTurnPath(ws.path)
    const seedStale = async (): Promise<void> => {
      const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
      await new Promise((resolve) => child.on('exit', resolve))
      const owner = { pid: child.pid, host: hostname(), time: Date.now(), token: randomUUID() }
      await mkdir(dirname(lock), { recursive: true })
      await writeFile(lock, JSON.stringify(owner))
    }
    await seedStale()
    const table = await openTable(ws.path)
    expect(await table.upsert(users([1], 'a'))).toMatchObject({ attempts: 1 })
    expect(await pathExists(lock)).toBe(false)

    await seedStale()
    const { writer } = await writerLosing(TURN_AFTER_LOST_RACES)
    const result = await writer.upsert(users([2], 'b'))
    expect(result.attempts).toBe(TURN_AFTER_LOST_RACES + 1)
    expect(await pathExists(lock)).toBe(false)
    const rows = await (await openTable(ws.path)).findByKeys([1, 2])
    expect(rows.getColumn('name').toArray()).toEqual(['a1', 'b2'])
  })
})

describe('a retry re-plans without waste', () => {
  it('a merge-on-read delete that loses 5 races reads the file once, writes one vector file and leaves no other', async () => {
    const { writer, fs } = await writerLosing(5)
    const positionsOf = vi.spyOn(DataFileStore.prototype, 'positionsOf')
    const result = await writer.deleteKeys([4, 7])
    expect(result).toMatchObject({ attempts: 6, rowsRemoved: 2 })
    expect(positionsOf).toHaveBeenCalledTimes(1)
    // A vector file is written as a data file is (temp name, then rename: data-file-write-behind.ts).
    const vectorWrites = fs.calls.filter((c) => c.startsWith('writeFile') && c.includes('deletion_vector_'))
    expect(vectorWrites).toHaveLength(1)
    expect(await vectorFiles()).toHaveLength(1)
    const expected = [...range(0, 20), ...range(100, 105)].filter((k) => k !== 4 && k !== 7)
    expect(idsOf(await (await openTable(ws.path)).read())).toEqual(expected)
  })

  it('a delete of keys the warm key index holds takes their rows from it: the data file is not read for them', async () => {
    const table = await openTable(ws.path, { keyIndex: new KeyIndexCache() })
    for (let i = 0; i < 3; i++) await table.findByKey(4)
    const positionsOf = vi.spyOn(DataFileStore.prototype, 'positionsOf')
    expect(await table.deleteKeys([4, 9])).toMatchObject({ rowsRemoved: 2 })
    expect(positionsOf).not.toHaveBeenCalled()
    expect(idsOf(await (await openTable(ws.path)).read())).toEqual(
      range(0, 20).filter((k) => k !== 4 && k !== 9),
    )
  })

  it('a key held twice in a file (a blind append) is deleted in both rows, the index warm or not', async () => {
    const table = await openTable(ws.path, { keyIndex: new KeyIndexCache() })
    await table.append(users([30, 31, 30, 32]))
    for (let i = 0; i < 3; i++) await table.findByKey(31)
    expect(await table.deleteKeys([30, 31])).toMatchObject({ rowsRemoved: 3 })
    expect(idsOf(await (await openTable(ws.path)).read())).toEqual([...range(0, 20), 32])
  })

  it('a rival that changes the same file makes the retry plan it again: both deletes hold', async () => {
    const rival = await turnBlindWriter()
    const fs = new FaultyFileSystem()
    const writer = await openTable(ws.path, { fs })
    const rounds: (() => Promise<unknown>)[] = [() => rival.append(users([100])), () => rival.deleteKeys([5])]
    fs.inject({
      op: 'createExclusive',
      path: ENTRY,
      times: 2,
      before: async () => void (await rounds.shift()?.()),
    })
    const result = await writer.deleteKeys([4])
    expect(result).toMatchObject({ attempts: 3, rowsRemoved: 1 })
    const expected = [...range(0, 20), 100].filter((k) => k !== 4 && k !== 5)
    expect(idsOf(await (await openTable(ws.path)).read())).toEqual(expected)
    // The rival's vector and the writer's (joined with it); the lost attempts' files are gone.
    expect(await vectorFiles()).toHaveLength(2)
  })
})

describe('real processes', { timeout: 300_000 }, () => {
  const worker = useWorkerScript('flood-worker')

  it('a writer slow between planning and committing commits within a bound against 3 processes committing non-stop', async () => {
    const flood = [1, 2, 3].map((id) => new WorkerProcess(worker.script, [ws.path, String(id)]))
    try {
      await Promise.all(flood.map((w) => w.waitFor('ACK', 3)))
      // Every attempt of this writer waits 200 ms before creating its entry: the rivals commit meanwhile.
      const fs = new FaultyFileSystem().inject({
        op: 'createExclusive',
        path: ENTRY,
        times: Number.POSITIVE_INFINITY,
        before: () => sleep(200),
      })
      const writer = await openTable(ws.path, { fs, maxRetries: 20 })
      const result = await writer.deleteKeys([4])
      // Races lost before taking the turn, at most one per rival commit already past its wait, then the win.
      expect(result.attempts).toBeLessThanOrEqual(TURN_AFTER_LOST_RACES + flood.length + 1)
      expect(await (await openTable(ws.path)).findByKey(4)).toBeNull()
    } finally {
      for (const w of flood) w.send('stop')
      await Promise.all(flood.map((w) => w.exited))
    }
    for (const w of flood) expect(w.failures()).toEqual([])
    expect(await pathExists(commitTurnPath(ws.path))).toBe(false)
  })
})
