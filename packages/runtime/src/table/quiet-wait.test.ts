import { spawn } from 'node:child_process'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { QuietWait } from './quiet-wait.js'

const CHILD = fileURLToPath(new URL('./__fixtures__/quiet-wait-exit.ts', import.meta.url))

/** Runs the child to its natural end: its exit code and output. */
function runChild(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: 'pipe' })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
    })
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString()
    })
    child.on('error', reject)
    child.on('exit', (code) => resolve({ code, out, err }))
  })
}

describe('QuietWait', () => {
  afterEach(() => void vi.useRealTimers())

  it('ends once the quiet time passed without a touch, a touch starts it again, a flush ends it at once', async () => {
    vi.useFakeTimers()
    const wait = new QuietWait(100)
    let ended = false
    const waiting = wait.wait().then(() => {
      ended = true
    })
    await vi.advanceTimersByTimeAsync(80)
    wait.touch()
    await vi.advanceTimersByTimeAsync(80)
    expect(ended).toBe(false)
    await vi.advanceTimersByTimeAsync(30)
    expect(ended).toBe(true)
    await waiting
    let flushed = false
    const second = wait.wait().then(() => {
      flushed = true
    })
    wait.flush()
    await second
    expect(flushed).toBe(true)
  })

  it('keeps no process alive: a script whose work is done exits, and the waiting work runs before it does', async () => {
    // A ten-minute wait: with a timer that held the process, this test would time out; without the flush when the
    // event loop empties, the wait would never end and `flushed` would not be printed.
    const { code, out, err } = await runChild('wait')
    expect(err).toBe('')
    expect(code).toBe(0)
    expect(out).toBe('flushed\n')
  })
})

describe('the state cache of a process that ends without settled()', () => {
  const tmp = useTempDir('pf-quiet-exit-')

  it('is written before the process exits (the wait for a pause in commits ends when the event loop empties)', async () => {
    const path = join(tmp.dir, 'users')
    const { code, out, err } = await runChild('commit', path, '3')
    expect(err).toBe('')
    expect(code).toBe(0)
    expect(out).toBe('committed 3\n')
    const cached = (await readdir(join(path, '_pf', 'checkpoints'))).filter((n) =>
      n.endsWith('.snapshot.json'),
    )
    expect(cached.map((n) => Number.parseInt(n, 10))).toEqual([3])
  })
})
