// The file-system calls of taking and releasing a free lock: what a @unique create pays for its lock.
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { FaultyFileSystem } from './faulty-file-system.js'
import { handedOverLocksReleased, withFileLock } from './file-lock.js'
import { LockError } from './table-errors.js'

const tmp = useTempDir('pf-lock-release-')

describe('releasing a lock', () => {
  it('reads the lock once to see it is still its own, then removes it: no lstat', async () => {
    const fs = new FaultyFileSystem()
    const lock = join(tmp.dir, 'unique.lock')
    expect(await withFileLock(lock, async () => 'done', { fs, table: 'Member' })).toBe('done')
    const onLock = fs.calls.filter((c) => c.endsWith(lock))
    expect(onLock).toEqual([`createExclusive ${lock}`, `readFile ${lock}`, `unlink ${lock}`])
    expect(await readdir(tmp.dir)).toEqual([])
  })

  it('a lock in a folder that exists costs no mkdir; a missing folder is created', async () => {
    const fs = new FaultyFileSystem()
    const lock = join(tmp.dir, 'unique.lock')
    await withFileLock(lock, async () => 'done', { fs, table: 'Member' })
    expect(fs.calls.filter((c) => c.startsWith('mkdir '))).toEqual([])
    const nested = join(tmp.dir, '_pf', 'unique.lock')
    expect(await withFileLock(nested, async () => readdir(join(tmp.dir, '_pf')), { fs })).toEqual([
      'unique.lock',
    ])
    expect(fs.calls.filter((c) => c.startsWith('mkdir '))).toEqual([`mkdir ${join(tmp.dir, '_pf')}`])
  })

  it('a lock that is no longer its own (taken over) is left alone; a failing read is a warning naming the lock', async () => {
    const fs = new FaultyFileSystem()
    const lock = join(tmp.dir, 'unique.lock')
    const { writeFile } = await import('node:fs/promises')
    const other = JSON.stringify({ pid: 1, host: 'elsewhere', time: Date.now(), token: 'another' })
    expect(await withFileLock(lock, async () => writeFile(lock, other), { fs, table: 'Member' })).toBe(
      undefined,
    )
    expect(await readdir(tmp.dir)).toEqual(['unique.lock'])

    const warnings: Error[] = []
    const onWarning = (w: Error) => warnings.push(w)
    process.on('warning', onWarning)
    const second = join(tmp.dir, 'second.lock')
    fs.inject({ op: 'readFile', path: /second\.lock$/, code: 'EIO' })
    try {
      expect(await withFileLock(second, async () => 'done', { fs, table: 'Member' })).toBe('done')
      await new Promise((resolve) => setImmediate(resolve))
    } finally {
      process.off('warning', onWarning)
    }
    expect(
      warnings.some((w) => w instanceof LockError && w.errno === 'EIO' && w.message.includes(second)),
    ).toBe(true)
  })
})

describe('handing a lock over (handOver: a @unique create does not wait for its lock to be removed)', () => {
  const onLock = (fs: FaultyFileSystem, lock: string) =>
    fs.calls.filter((c) => c.endsWith(lock)).map((c) => c.split(' ')[0])

  it('returns before the lock is read or removed; the next caller of this process takes it without file I/O', async () => {
    const fs = new FaultyFileSystem()
    const lock = join(tmp.dir, 'unique.lock')
    const options = { fs, table: 'Member', handOver: true }
    expect(await withFileLock(lock, async () => 'first', options)).toBe('first')
    expect(onLock(fs, lock)).toEqual(['createExclusive'])
    expect(await withFileLock(lock, async () => 'second', options)).toBe('second')
    expect(await withFileLock(lock, async () => 'third', options)).toBe('third')
    expect(onLock(fs, lock)).toEqual(['createExclusive'])
    await handedOverLocksReleased()
    expect(onLock(fs, lock)).toEqual(['createExclusive', 'readFile', 'unlink'])
    expect(await readdir(tmp.dir)).toEqual([])
  })

  it('a caller arriving while the release reads the lock takes it over: the release stops, nothing is removed under it', async () => {
    const fs = new FaultyFileSystem()
    const lock = join(tmp.dir, 'unique.lock')
    const options = { fs, table: 'Member', handOver: true }
    let reading: () => void = () => undefined
    const readStarted = new Promise<void>((resolve) => {
      reading = resolve
    })
    let resume: () => void = () => undefined
    const paused = new Promise<void>((resolve) => {
      resume = resolve
    })
    fs.inject({
      op: 'readFile',
      path: /unique\.lock$/,
      before: () => {
        reading()
        return paused
      },
    })
    await withFileLock(lock, async () => undefined, options)
    await readStarted
    const inside = withFileLock(
      lock,
      async () => {
        resume()
        await new Promise((resolve) => setImmediate(resolve))
        await new Promise((resolve) => setImmediate(resolve))
        return readdir(tmp.dir)
      },
      options,
    )
    expect(await inside).toEqual(['unique.lock'])
    await handedOverLocksReleased()
    expect(onLock(fs, lock)).toEqual(['createExclusive', 'readFile', 'readFile', 'unlink'])
    expect(await readdir(tmp.dir)).toEqual([])
  })

  it('a lock too old to hand over (half of staleMs) is released before the next caller takes it from the file', async () => {
    const fs = new FaultyFileSystem()
    const lock = join(tmp.dir, 'unique.lock')
    const options = { fs, table: 'Member', handOver: true, staleMs: 0 }
    await withFileLock(lock, async () => undefined, options)
    await withFileLock(lock, async () => undefined, options)
    await handedOverLocksReleased()
    expect(onLock(fs, lock)).toEqual([
      'createExclusive',
      'readFile',
      'unlink',
      'createExclusive',
      'readFile',
      'unlink',
    ])
  })

  it('a next caller arriving once the lock is too old to hand over, before its release began, releases it and takes the file (clock moved)', async () => {
    const fs = new FaultyFileSystem()
    const lock = join(tmp.dir, 'unique.lock')
    let now = 1_000_000
    const options = { fs, table: 'Member', handOver: true, clock: () => now }
    await withFileLock(lock, async () => undefined, options)
    expect(onLock(fs, lock)).toEqual(['createExclusive'])
    // Past the hand-over window while the lock waits (idle) for its release: no in-memory take-over.
    now += 1_000
    expect(await withFileLock(lock, async () => readdir(tmp.dir), options)).toEqual(['unique.lock'])
    expect(onLock(fs, lock)).toEqual(['createExclusive', 'readFile', 'unlink', 'createExclusive'])
    // Within the window of that new acquisition: handed over in memory again.
    now += 20
    await withFileLock(lock, async () => undefined, options)
    expect(onLock(fs, lock)).toEqual(['createExclusive', 'readFile', 'unlink', 'createExclusive'])
    await handedOverLocksReleased([lock])
    expect(onLock(fs, lock)).toEqual([
      'createExclusive',
      'readFile',
      'unlink',
      'createExclusive',
      'readFile',
      'unlink',
    ])
    expect(await readdir(tmp.dir)).toEqual([])
  })

  it('releasing the locks of some paths leaves the others handed over', async () => {
    const fs = new FaultyFileSystem()
    const a = join(tmp.dir, 'a.lock')
    const b = join(tmp.dir, 'b.lock')
    const options = { fs, table: 'Member', handOver: true, clock: () => 0 }
    await withFileLock(a, async () => undefined, options)
    await withFileLock(b, async () => undefined, options)
    await handedOverLocksReleased([a])
    expect(await readdir(tmp.dir)).toEqual(['b.lock'])
    await handedOverLocksReleased()
    expect(await readdir(tmp.dir)).toEqual([])
  })
})
