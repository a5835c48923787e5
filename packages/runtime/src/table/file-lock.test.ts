import { type ChildProcess, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { readdir, readFile, utimes, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { gate } from './__fixtures__/gate.js'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { FaultyFileSystem } from './faulty-file-system.js'
import { withFileLock } from './file-lock.js'
import type { CreateOptions } from './file-system.js'
import { bootTimeMs, startTime } from './process-identity.js'
import { LockError } from './table-errors.js'
import { withWriteLock } from './write-lock.js'

const RACER = fileURLToPath(new URL('./__fixtures__/lock-racer.ts', import.meta.url))
const HOLDER = fileURLToPath(new URL('./__fixtures__/lock-holder.ts', import.meta.url))

const tmp = useTempDir('pf-file-lock-')

/** The pid of a process that has exited (a lock it held is stale). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
  await new Promise((resolve) => child.on('exit', resolve))
  return child.pid as number
}

/** A lock file as a process that then died would have left it, in each format a lock was ever written in. */
async function seedStaleLock(path: string, style: 'json' | 'legacy' | 'empty'): Promise<void> {
  const pid = await deadPid()
  if (style === 'json') {
    await writeFile(path, JSON.stringify({ pid, host: hostname(), time: Date.now(), token: randomUUID() }))
  } else if (style === 'legacy') {
    await writeFile(path, `${pid} ${Date.now()}`)
  } else {
    await writeFile(path, '')
    const old = new Date(Date.now() - 10 * 60_000)
    await utimes(path, old, old)
  }
}

/** Files of the lock's folder (locks, breakers, temporary files). */
async function lockFiles(): Promise<string[]> {
  return (await readdir(tmp.dir)).filter((n) => n.includes('lock'))
}

/** A racer child process: answers each "go" with one JSON line. */
class Racer {
  readonly child: ChildProcess
  private out = ''
  private err = ''
  private waiting: ((line: string) => void)[] = []
  readonly ready: Promise<void>

  constructor(lock: string, inside: string) {
    this.child = spawn(process.execPath, ['--import', 'tsx', RACER, lock, inside], { stdio: 'pipe' })
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.err += chunk.toString('utf8')
    })
    this.ready = this.line().then(() => undefined)
    this.child.stdout?.on('data', (chunk: Buffer) => {
      this.out += chunk.toString('utf8')
      let nl = this.out.indexOf('\n')
      while (nl >= 0) {
        const line = this.out.slice(0, nl)
        this.out = this.out.slice(nl + 1)
        this.waiting.shift()?.(line)
        nl = this.out.indexOf('\n')
      }
    })
    this.child.on('exit', (code) => {
      for (const w of this.waiting.splice(0)) w(`exit ${code}: ${this.err}`)
    })
  }

  private line(): Promise<string> {
    return new Promise((resolve) => this.waiting.push(resolve))
  }

  async round(): Promise<{ overlaps: number; takeovers: number }> {
    const answer = this.line()
    this.child.stdin?.write('go\n')
    const line = await answer
    if (!line.startsWith('{')) throw new Error(`racer failed: ${line}`)
    return JSON.parse(line)
  }

  stop(): void {
    this.child.stdin?.write('exit\n')
  }
}

describe('write locks across processes', () => {
  it('many processes taking over a stale lock: exactly one removes it each round, never two inside', async () => {
    const lock = join(tmp.dir, '_pf_unique.lock')
    const inside = join(tmp.dir, 'inside')
    const racers = Array.from({ length: 6 }, () => new Racer(lock, inside))
    try {
      await Promise.all(racers.map((r) => r.ready))
      for (const style of [
        'legacy',
        'json',
        'empty',
        'legacy',
        'json',
        'legacy',
        'json',
        'legacy',
        'json',
      ] as const) {
        await seedStaleLock(lock, style)
        const results = await Promise.all(racers.map((r) => r.round()))
        expect(results.reduce((n, r) => n + r.overlaps, 0)).toBe(0)
        expect(results.reduce((n, r) => n + r.takeovers, 0)).toBe(1)
        expect(await lockFiles()).toEqual([])
      }
    } finally {
      for (const r of racers) r.stop()
    }
  }, 120_000)
})

describe('write lock failures', () => {
  const lock = () => join(tmp.dir, '_pf_unique.lock')
  const ok = async () => 'done'

  it.each(['ENOSPC', 'EROFS', 'EIO'])(
    '%s while creating the lock: a LockError naming table, lock and errno; no file left',
    async (code) => {
      const fs = new FaultyFileSystem().inject({ op: 'createExclusive', path: /_pf_unique\.lock$/, code })
      const error = await withWriteLock(lock(), ok, { fs, table: 'Member' }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(LockError)
      expect(error).toMatchObject({ code: 'PF_LOCK', errno: code, table: 'Member', lockPath: lock() })
      expect((error as Error).message).toContain(`Table Member: write lock ${lock()}`)
      expect(await readdir(tmp.dir)).toEqual([])
      // Nothing blocks the next writer.
      expect(await withWriteLock(lock(), ok, { fs, table: 'Member' })).toBe('done')
      expect(await readdir(tmp.dir)).toEqual([])
    },
  )

  it('the lock is created in place (O_EXCL, no temporary file) and not flushed (no lock outlives a crash), and taken by the next writer', async () => {
    const creates: {
      path: string
      durable: boolean | undefined
      inPlace: boolean | undefined
      text: string
    }[] = []
    class Recording extends FaultyFileSystem {
      override async createExclusive(path: string, data: Uint8Array | string, options?: CreateOptions) {
        creates.push({ path, durable: options?.durable, inPlace: options?.inPlace, text: String(data) })
        return super.createExclusive(path, data, options)
      }
    }
    const fs = new Recording()
    expect(await withWriteLock(lock(), ok, { fs, table: 'Member' })).toBe('done')
    expect(await withWriteLock(lock(), ok, { fs, table: 'Member' })).toBe('done')
    expect(creates.map((c) => [c.path, c.durable, c.inPlace])).toEqual([
      [lock(), false, true],
      [lock(), false, true],
    ])
    expect(JSON.parse(creates[0]?.text ?? '')).toMatchObject({ pid: process.pid })
    expect(await readdir(tmp.dir)).toEqual([])
  })

  it('a lock folder that cannot be created (EROFS) is a LockError, not a raw error', async () => {
    const fs = new FaultyFileSystem().inject({ op: 'mkdir', code: 'EROFS' })
    const missing = join(tmp.dir, 'missing', '_pf_unique.lock')
    await expect(withWriteLock(missing, ok, { fs, table: 'Member' })).rejects.toMatchObject({
      code: 'PF_LOCK',
      errno: 'EROFS',
    })
  })

  it('each step of taking over a stale lock fails typed, and leaves the stale lock or nothing, never a breaker', async () => {
    const steps = [
      { op: 'createExclusive', path: /\.break-[0-9a-f]+$/ },
      { op: 'lstat', path: /_pf_unique\.lock$/ },
      { op: 'readFile', path: /_pf_unique\.lock$/ },
      { op: 'unlink', path: /_pf_unique\.lock$/ },
    ] as const
    for (const step of steps) {
      for (const code of ['ENOSPC', 'EROFS']) {
        await seedStaleLock(lock(), 'json')
        const stale = await readFile(lock(), 'utf8')
        const fs = new FaultyFileSystem().inject({ ...step, code })
        const error = await withWriteLock(lock(), ok, { fs, table: 'Member' }).catch((e: unknown) => e)
        expect(error, `${step.op} ${code}`).toBeInstanceOf(LockError)
        expect(error).toMatchObject({ errno: code, table: 'Member' })
        expect(await lockFiles()).toEqual(['_pf_unique.lock'])
        expect(await readFile(lock(), 'utf8')).toBe(stale)
        // Without the fault the next writer takes it over.
        expect(await withWriteLock(lock(), ok, { fs, table: 'Member' })).toBe('done')
        expect(await lockFiles()).toEqual([])
      }
    }
  })

  it('the lock is released when the work fails, and the work failure is what the caller sees', async () => {
    const failure = new Error('unique check failed')
    await expect(withWriteLock(lock(), () => Promise.reject(failure), { table: 'Member' })).rejects.toBe(
      failure,
    )
    expect(await lockFiles()).toEqual([])
  })

  it('a lock this process could not release is retaken by it at once; the finished work still succeeds', async () => {
    const fs = new FaultyFileSystem().inject({ op: 'unlink', path: /_pf_unique\.lock$/, code: 'EIO' })
    const warnings: Error[] = []
    const onWarning = (w: Error) => warnings.push(w)
    process.on('warning', onWarning)
    try {
      expect(await withWriteLock(lock(), ok, { fs, table: 'Member' })).toBe('done')
      expect(await lockFiles()).toEqual(['_pf_unique.lock'])
      // Default timeout 30 s, stale after 60 s: only recognising its own abandoned lock lets this finish.
      expect(await withWriteLock(lock(), ok, { fs, table: 'Member', timeoutMs: 200 })).toBe('done')
      expect(await lockFiles()).toEqual([])
    } finally {
      process.off('warning', onWarning)
    }
    await new Promise((resolve) => setImmediate(resolve))
    expect(warnings.some((w) => w instanceof LockError && w.errno === 'EIO')).toBe(true)
  })

  it('a holder that provably runs is waited for however old its lock; a reused pid is not its holder', async () => {
    const boot = (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim()
    const start = await startTime(process.ppid)
    const holder = { pid: process.ppid, host: hostname(), boot, token: randomUUID() }
    // Ten minutes old (older than staleMs), but its process still runs: not taken over.
    await writeFile(lock(), JSON.stringify({ ...holder, start, time: Date.now() - 600_000 }))
    await expect(withWriteLock(lock(), ok, { table: 'Member', timeoutMs: 50 })).rejects.toMatchObject({
      code: 'PF_LOCK_TIMEOUT',
    })
    // Fresh, and a process with that pid runs, but it started at another time: the holder is gone.
    await writeFile(lock(), JSON.stringify({ ...holder, start: `${start}0`, time: Date.now() }))
    expect(await withWriteLock(lock(), ok, { table: 'Member', timeoutMs: 5_000 })).toBe('done')
    expect(await lockFiles()).toEqual([])
  })

  it('a lock read empty (being created) is waited for while young, never taken over; once that old, it is', async () => {
    await writeFile(lock(), '')
    await expect(withWriteLock(lock(), ok, { table: 'Member', timeoutMs: 100 })).rejects.toMatchObject({
      code: 'PF_LOCK_TIMEOUT',
    })
    expect(await readFile(lock(), 'utf8')).toBe('')
    // Its creator died between the create and the write: the lock is recovered once older than staleMs.
    const old = new Date(Date.now() - 10 * 60_000)
    await utimes(lock(), old, old)
    expect(await withWriteLock(lock(), ok, { table: 'Member', timeoutMs: 5_000 })).toBe('done')
    expect(await lockFiles()).toEqual([])
  })

  it('the lock of a holder SIGKILLed in another process is recovered at once (its owner was written into it)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', HOLDER, lock()], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const exited = new Promise((resolve) => child.on('exit', resolve))
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout?.on('data', (chunk: Buffer) => {
          if (chunk.toString('utf8').includes('held')) resolve()
        })
        child.on('exit', (code) => reject(new Error(`holder exited with ${code}`)))
      })
      const owner = JSON.parse(await readFile(lock(), 'utf8')) as { pid: number }
      expect(owner.pid).toBe(child.pid)
      // Alive: waited for.
      await expect(withWriteLock(lock(), ok, { table: 'Member', timeoutMs: 100 })).rejects.toMatchObject({
        code: 'PF_LOCK_TIMEOUT',
      })
    } finally {
      child.kill('SIGKILL')
      await exited
    }
    // Dead (default staleMs 60 s): taken over without waiting for its age.
    expect(await withWriteLock(lock(), ok, { table: 'Member', timeoutMs: 5_000 })).toBe('done')
    expect(await lockFiles()).toEqual([])
  }, 30_000)

  it('a live holder is waited for, then a LockError PF_LOCK_TIMEOUT names it', async () => {
    await writeFile(
      lock(),
      JSON.stringify({ pid: process.ppid, host: hostname(), time: Date.now(), token: randomUUID() }),
    )
    const error = await withWriteLock(lock(), ok, { table: 'Member', timeoutMs: 50 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LockError)
    expect(error).toMatchObject({ code: 'PF_LOCK_TIMEOUT', table: 'Member' })
    expect((error as Error).message).toContain(`process ${process.ppid} on ${hostname()}`)
    expect(await lockFiles()).toEqual(['_pf_unique.lock'])
  })
})

describe('turns: a writer that waited for a held lock takes it before the holder takes it again', () => {
  const lock = () => join(tmp.dir, '_pf_unique.lock')

  it("the holder's next take leaves the freed lock to the writer that claimed the turn", async () => {
    const fs = new FaultyFileSystem()
    const order: string[] = []
    const releaseA = gate()
    const turnClaimed = gate()
    fs.inject({ op: 'createExclusive', path: /\.turn$/, after: () => turnClaimed.open() })
    const options = { fs, table: 'Member' }
    let entered = (): void => undefined
    const aInside = new Promise<void>((resolve) => {
      entered = resolve
    })
    const a = withFileLock(
      lock(),
      async () => {
        order.push('A')
        entered()
        await releaseA.opened
      },
      options,
    )
    await aInside
    // W finds the lock held by a live writer and claims the next turn.
    const w = withFileLock(lock(), async () => void order.push('W'), options)
    await turnClaimed.opened
    releaseA.open()
    await a
    // The holder's next take, right after its release (W is asleep between two polls): it waits for W's turn.
    const b = withFileLock(lock(), async () => void order.push('B'), options)
    await Promise.all([w, b])
    expect(order).toEqual(['A', 'W', 'B'])
    expect(await lockFiles()).toEqual([])
  })

  it('a turn claimed by a writer that died is not waited for, and is removed', async () => {
    const pid = await deadPid()
    await writeFile(
      `${lock()}.turn`,
      JSON.stringify({ pid, host: hostname(), time: Date.now(), token: randomUUID() }),
    )
    expect(await withWriteLock(lock(), async () => 'done', { table: 'Member', timeoutMs: 200 })).toBe('done')
    expect(await lockFiles()).toEqual([])
  })

  it('a turn whose writer cannot be checked (another host) is left alone while young, then not waited for', async () => {
    const other = { pid: 1, host: 'elsewhere', token: randomUUID() }
    await writeFile(`${lock()}.turn`, JSON.stringify({ ...other, time: Date.now() }))
    await expect(
      withWriteLock(lock(), async () => 'done', { table: 'Member', timeoutMs: 100 }),
    ).rejects.toMatchObject({
      code: 'PF_LOCK_TIMEOUT',
    })
    // Older than 2 s (the default staleMs is 60 s): a writer there that died no longer keeps the lock from anyone.
    await writeFile(`${lock()}.turn`, JSON.stringify({ ...other, time: Date.now() - 3_000 }))
    expect(await withWriteLock(lock(), async () => 'done', { table: 'Member', timeoutMs: 5_000 })).toBe(
      'done',
    )
    expect(await lockFiles()).toEqual([])
  })
})

describe('a lock left from before this host booted (a power loss) is taken at once', () => {
  const lock = () => join(tmp.dir, '_pf_unique.lock')
  // Longer than this host has been up: a lock judged only by its age would be waited for.
  const staleMs = Date.now() - bootTimeMs() + 3_600_000
  const beforeBoot = () => new Date(bootTimeMs() - 1_000)

  it('an empty one (its writer lost between the create and the write)', async () => {
    await writeFile(lock(), '')
    await utimes(lock(), beforeBoot(), beforeBoot())
    expect(await withFileLock(lock(), async () => 'done', { staleMs, timeoutMs: 200 })).toBe('done')
    expect(await lockFiles()).toEqual([])
  })

  it('one naming a process of this host whose pid now runs another program (no boot id to tell)', async () => {
    const owner = { pid: process.ppid, host: hostname(), time: bootTimeMs() - 1_000, token: randomUUID() }
    await writeFile(lock(), JSON.stringify(owner))
    await utimes(lock(), beforeBoot(), beforeBoot())
    expect(await withFileLock(lock(), async () => 'done', { staleMs, timeoutMs: 200 })).toBe('done')
    expect(await lockFiles()).toEqual([])
  })

  it('while a young empty lock is still waited for', async () => {
    await writeFile(lock(), '')
    const error = await withFileLock(lock(), async () => 'done', { staleMs, timeoutMs: 100 }).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(LockError)
  })
})
