// @unique and autoincrement under the table's write lock: stale locks of dead writers taken over by many
// processes at once without duplicates; every failing step of the lock and of the autoincrement marks typed,
// leaving no lock and no temporary file.
import { spawn } from 'node:child_process'
import { readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useTempDir } from '../table/__fixtures__/temp-dir.js'
import { FaultyFileSystem } from '../table/faulty-file-system.js'
import { handedOverLocksReleased } from '../table/file-lock.js'
import { LockError, TableWriteError } from '../table/table-errors.js'
import { registeredMember } from './__fixtures__/member-entity.js'
import { runWriters } from './__fixtures__/writer-processes.js'
import * as pf from './index.js'

const tmp = useTempDir('pf-lock-')

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
  await new Promise((resolve) => child.on('exit', resolve))
  return child.pid as number
}

/**
 * Plays writers that take the lock and die at once, again and again while `running`: each leaves a lock of a
 * dead process for the real writers to take over. Resolves with how many it left.
 */
async function dyingLockHolders(lock: string, running: () => boolean): Promise<number> {
  const pid = await deadPid()
  let left = 0
  while (running()) {
    try {
      await writeFile(lock, `${pid} ${Date.now()}`, { flag: 'wx' })
      left++
    } catch {
      // Held by a real writer now.
    }
    await new Promise((resolve) => setTimeout(resolve, 2))
  }
  return left
}

describe('write locks left by dead writers, taken over by concurrent processes', () => {
  it('@unique: each contested email stored once', async () => {
    const Member = registeredMember({ unique: true })
    await Member.repo(pf.openStore(tmp.dir)).save(
      Object.assign(new Member(), { id: 0, email: 'seed@example.com', writer: 'test' }),
    )
    let running = true
    const holders = dyingLockHolders(join(tmp.dir, 'members', '_pf', 'unique.lock'), () => running)
    const results = await runWriters(
      [1000, 2000, 3000, 4000].map((from) => ['unique', tmp.dir, 'parquet', String(from), '12']),
    ).finally(() => {
      running = false
    })
    expect(await holders).toBeGreaterThan(0)
    expect(results.reduce((n, r) => n + r.saved, 0)).toBe(12)
    expect(results.reduce((n, r) => n + r.rejected, 0)).toBe(36)
    const members = await Member.repo(pf.openStore(tmp.dir)).findAll()
    expect(members).toHaveLength(13)
    expect(new Set(members.map((m) => m.email)).size).toBe(13)
  }, 180_000)

  it('autoincrement: every id handed out once', async () => {
    const Member = registeredMember({ auto: true })
    await Member.repo(pf.openStore(tmp.dir)).save(
      Object.assign(new Member(), { email: 'seed@example.com', writer: 'test' }),
    )
    let running = true
    const holders = dyingLockHolders(join(tmp.dir, 'members', '_pf', 'unique.lock'), () => running)
    const results = await runWriters(
      [1, 1001, 2001, 3001].map((from) => ['auto', tmp.dir, 'parquet', String(from), '8']),
    ).finally(() => {
      running = false
    })
    expect(await holders).toBeGreaterThan(0)
    expect(results.map((r) => r.saved)).toEqual([8, 8, 8, 8])
    const ids = (await Member.repo(pf.openStore(tmp.dir)).findAll()).map((m) => m.id).sort((a, b) => a - b)
    expect(ids).toEqual(Array.from({ length: 33 }, (_, i) => i + 1))
  }, 180_000)
})

describe('failures of the lock and the autoincrement marks, through the entity API', () => {
  /** Files a failed write must not leave: locks (once their background release ran), breakers, temporary files. */
  async function leftovers(): Promise<string[]> {
    await handedOverLocksReleased()
    const table = join(tmp.dir, 'members')
    const names = [
      ...(await readdir(table)),
      ...(await readdir(join(table, '_delta_log'))).map((n) => `_delta_log/${n}`),
      ...(await readdir(join(table, '_pf')).catch(() => [])).map((n) => `_pf/${n}`),
    ]
    return names.filter((n) => n.includes('.lock') || n.endsWith('.tmp'))
  }

  it.each(['ENOSPC', 'EROFS'])(
    '%s creating the @unique lock: LockError naming Member and the lock; nothing left',
    async (code) => {
      const Member = registeredMember({ unique: true })
      const fs = new FaultyFileSystem()
      const repo = Member.repo(pf.openStore(tmp.dir, { fs }))
      await repo.create({ id: 1, email: 'a@example.com', writer: 't' })
      // Released (not handed over to the next create): the next create must create the lock file.
      await handedOverLocksReleased()
      fs.inject({ op: 'createExclusive', path: /_pf\/unique\.lock$/, code })
      const error = await repo.create({ id: 2, email: 'b@example.com', writer: 't' }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(LockError)
      expect(error).toMatchObject({ code: 'PF_LOCK', errno: code, table: 'Member' })
      expect((error as Error).message).toContain(join(tmp.dir, 'members', '_pf', 'unique.lock'))
      expect(await leftovers()).toEqual([])
      await repo.create({ id: 2, email: 'b@example.com', writer: 't' })
      expect(await repo.count()).toBe(2)
    },
  )

  it('each step of recording the autoincrement marks fails typed, leaves no temporary file and no lock', async () => {
    const Member = registeredMember({ auto: true })
    const fs = new FaultyFileSystem()
    const repo = Member.repo(pf.openStore(tmp.dir, { fs }))
    await repo.save(Object.assign(new Member(), { email: 'first@example.com', writer: 't' }))
    const steps = [
      { op: 'readFile', path: /_pf\/autoincrement\.json$/ },
      { op: 'writeFile', path: /_pf\/autoincrement\.json\..*\.tmp$/ },
      { op: 'rename', path: /_pf\/autoincrement\.json$/ },
      { op: 'fsyncDir', path: /_pf$/ },
    ] as const
    for (const step of steps) {
      for (const code of ['ENOSPC', 'EROFS', 'EIO']) {
        fs.inject({ ...step, code })
        const error = await repo
          .save(Object.assign(new Member(), { email: 'x@example.com', writer: 't' }))
          .catch((e: unknown) => e)
        expect(error, `${step.op} ${code}`).toBeInstanceOf(TableWriteError)
        expect((error as Error).message).toContain(join('_pf', 'autoincrement.json'))
        expect((error as Error).message).toContain('Member')
        expect(await leftovers()).toEqual([])
      }
    }
    fs.clear()
    await repo.save(Object.assign(new Member(), { email: 'last@example.com', writer: 't' }))
    const ids = (await repo.findAll()).map((m) => m.id)
    expect(ids).toHaveLength(2)
    expect(new Set(ids).size).toBe(2)
  })
})
