import { readdir, readFile, stat, symlink, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { pathExists } from './__fixtures__/path-exists.js'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { FlushTiming } from './flush-timing.js'
import { LOG_WRITE_AHEAD, NodeFileSystem, SYNC_READ_MAX, SYNC_WRITE_MAX } from './node-file-system.js'

const tmp = useTempDir('pf-node-file-system-')
const fs = new NodeFileSystem()

describe('NodeFileSystem.createExclusive with `after`', () => {
  it('the file appears only once `after` resolves, with the whole content', async () => {
    const target = join(tmp.dir, 'entry.json')
    let release = () => {}
    const after = new Promise<void>((resolve) => {
      release = resolve
    })
    const creating = fs.createExclusive(target, '{"a":1}', { after })
    // The temporary file is written meanwhile (the work overlaps), the target is not there.
    for (let i = 0; i < 10_000 && !(await readdir(tmp.dir)).some((n) => n.endsWith('.tmp')); i++)
      await nextTurn()
    expect((await readdir(tmp.dir)).some((n) => n.endsWith('.tmp'))).toBe(true)
    expect(await pathExists(target)).toBe(false)
    release()
    await creating
    expect(await readFile(target, 'utf8')).toBe('{"a":1}')
    expect(await readdir(tmp.dir)).toEqual(['entry.json'])
  })

  it('a rejected `after` creates nothing, leaves no temporary file and throws its error', async () => {
    const target = join(tmp.dir, 'entry.json')
    const failure = Object.assign(new Error('EIO: flush failed'), { code: 'EIO' })
    const error = await fs
      .createExclusive(target, 'x', { after: Promise.reject(failure) })
      .catch((e: unknown) => e)
    expect(error).toBe(failure)
    expect(await readdir(tmp.dir)).toEqual([])
  })

  it('still refuses an existing file (EEXIST) after `after`, keeping the existing content', async () => {
    const target = join(tmp.dir, 'entry.json')
    await fs.createExclusive(target, 'first')
    const error = await fs
      .createExclusive(target, 'second', { after: Promise.resolve(), durable: false })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'EEXIST' })
    expect(await readFile(target, 'utf8')).toBe('first')
    expect(await readdir(tmp.dir)).toEqual(['entry.json'])
  })
})

describe('NodeFileSystem.createExclusive with `inPlace`', () => {
  it('writes the target itself (no temporary name beside it, so a name at the length limit works); EEXIST keeps the existing file', async () => {
    // 240 characters: the temporary file's name (`.<name>.<uuid>.tmp`) would be longer than a name may be.
    const target = join(tmp.dir, `${'l'.repeat(235)}.lock`)
    await fs.createExclusive(target, '{"pid":1}', { durable: false, inPlace: true })
    expect(await readFile(target, 'utf8')).toBe('{"pid":1}')
    const error = await fs.createExclusive(target, 'other', { inPlace: true }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'EEXIST' })
    expect(await readFile(target, 'utf8')).toBe('{"pid":1}')
    expect(await readdir(tmp.dir)).toEqual([`${'l'.repeat(235)}.lock`])
  })
})

describe('NodeFileSystem.entryAt', () => {
  it('says whether an entry is at a path (a dangling link is one), and throws other errors', async () => {
    await writeFile(join(tmp.dir, 'file'), 'x')
    await symlink(join(tmp.dir, 'gone'), join(tmp.dir, 'dangling'))
    expect(fs.entryAt(join(tmp.dir, 'file'))).toBe(true)
    expect(fs.entryAt(join(tmp.dir, 'dangling'))).toBe(true)
    expect(fs.entryAt(join(tmp.dir, 'absent'))).toBe(false)
    expect(() => fs.entryAt(join(tmp.dir, 'file', 'child'))).toThrow(/ENOTDIR/)
  })
})

describe('NodeFileSystem.readFile', () => {
  it('reads a file of at most SYNC_READ_MAX bytes with no thread-pool round trip, a larger one whole', async () => {
    const bytes = Buffer.alloc(SYNC_READ_MAX * 3 + 7)
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 131 + (i >> 11)) & 0xff
    const files = { empty: 0, small: 1000, bound: SYNC_READ_MAX, large: bytes.length }
    for (const [name, size] of Object.entries(files))
      await writeFile(join(tmp.dir, name), bytes.subarray(0, size))
    for (const [name, size] of Object.entries(files)) {
      // Read before the event loop turns (an async read of the file takes a turn per step: open, stat, read, close).
      let turned = false
      setImmediate(() => {
        turned = true
      })
      const read = Buffer.from(await fs.readFile(join(tmp.dir, name)))
      expect(turned).toBe(size > SYNC_READ_MAX)
      expect(read.equals(bytes.subarray(0, size))).toBe(true)
      await nextTurn()
    }
    await expect(fs.readFile(join(tmp.dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' })
  })
})

describe('NodeFileSystem.openLog', () => {
  it('writes zeros ahead of the appends, so an append leaves the file size alone; the appends read back in order', async () => {
    const path = join(tmp.dir, 'a.log')
    const log = await fs.openLog(path)
    const appends = [Buffer.from('first'), Buffer.alloc(1000, 7), Buffer.from('third')]
    await log.append(appends[0] as Buffer)
    const size = (await stat(path)).size
    expect(size).toBe((appends[0] as Buffer).length + LOG_WRITE_AHEAD)
    await log.append(appends[1] as Buffer)
    await log.append(appends[2] as Buffer)
    // The later appends overwrote zeros: their flushes changed no file size (nor block map) to write.
    expect((await stat(path)).size).toBe(size)
    const bytes = await readFile(path)
    const written = Buffer.concat(appends)
    expect(bytes.subarray(0, written.length).equals(written)).toBe(true)
    expect(bytes.subarray(written.length).every((b) => b === 0)).toBe(true)
    await log.close()
  })

  it('writes further zeros once an append passes them, and appends larger than SYNC_WRITE_MAX whole', async () => {
    const path = join(tmp.dir, 'b.log')
    const log = await fs.openLog(path)
    const big = Buffer.alloc(LOG_WRITE_AHEAD + SYNC_WRITE_MAX + 3)
    for (let i = 0; i < big.length; i++) big[i] = (i * 31 + 1) & 0xff
    await log.append(Buffer.from('head'))
    await log.append(big)
    await log.append(Buffer.from('tail'))
    const bytes = await readFile(path)
    const written = Buffer.concat([Buffer.from('head'), big, Buffer.from('tail')])
    expect(bytes.subarray(0, written.length).equals(written)).toBe(true)
    expect(bytes.length).toBeGreaterThanOrEqual(written.length + LOG_WRITE_AHEAD - 4)
    expect(bytes.subarray(written.length).every((b) => b === 0)).toBe(true)
    await log.close()
  })

  it('refuses a file that exists (EEXIST, its content kept): its end could not be told from the zeros ahead of it', async () => {
    const path = join(tmp.dir, 'c.log')
    await writeFile(path, 'kept')
    await expect(fs.openLog(path)).rejects.toMatchObject({ code: 'EEXIST' })
    expect(await readFile(path, 'utf8')).toBe('kept')
  })

  it('refuses an append once the file was deleted (ENOENT)', async () => {
    const path = join(tmp.dir, 'd.log')
    const log = await fs.openLog(path)
    await log.append(Buffer.from('x'))
    await unlink(path)
    await expect(log.append(Buffer.from('y'))).rejects.toMatchObject({ code: 'ENOENT' })
    await log.close()
  })
})

describe('NodeFileSystem log flushes', () => {
  /** Whether the event loop turned while an append after the log's first was made durable. */
  async function appendTurns(timing: FlushTiming, name: string): Promise<boolean> {
    const log = await new NodeFileSystem(timing).openLog(join(tmp.dir, name))
    await log.append(Buffer.from('first: writes the zeros ahead'))
    let turned = false
    setImmediate(() => {
      turned = true
    })
    await log.append(Buffer.from('record'))
    const turnedWhileAppending = turned
    await log.close()
    return turnedWhileAppending
  }

  it('are made on the event loop while flushes are fast: the append is durable before the loop turns', async () => {
    expect(await appendTurns(new FlushTiming(Number.POSITIVE_INFINITY), 'fast.log')).toBe(false)
  })

  it('go through the thread pool once flushes are slow: the event loop turns meanwhile', async () => {
    const timing = new FlushTiming()
    timing.record(50)
    expect(await appendTurns(timing, 'slow.log')).toBe(true)
  })

  it('of an append that writes zeros ahead go through the thread pool, untimed (they flush the zeros too)', async () => {
    const timing = new FlushTiming(Number.POSITIVE_INFINITY)
    const recorded: number[] = []
    timing.record = (ms) => {
      recorded.push(ms)
    }
    const log = await new NodeFileSystem(timing).openLog(join(tmp.dir, 'ahead.log'))
    let turned = false
    setImmediate(() => {
      turned = true
    })
    await log.append(Buffer.from('first'))
    expect(turned).toBe(true)
    expect(recorded).toEqual([])
    await log.append(Buffer.from('second'))
    expect(recorded).toHaveLength(1)
    await log.close()
  })
})
