import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { waitFor } from '../testing/wait-for.js'
import { watchSchema } from './schema-watcher.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pf-cli-watch-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

function start(location: { path: string; kind: 'file' | 'dir' }, debounceMs?: number) {
  const runs: string[][] = []
  const controller = new AbortController()
  let ready = false
  const done = watchSchema({
    location,
    signal: controller.signal,
    ...(debounceMs === undefined ? {} : { debounceMs }),
    run: async (changed) => {
      runs.push([...changed])
    },
    onReady: () => {
      ready = true
    },
  })
  return { runs, controller, done, ready: () => waitFor('the watcher to be ready', () => ready) }
}

describe('watchSchema', () => {
  it('runs once at start, then after changes, added and removed files in a schema folder', async () => {
    await writeFile(join(dir, 'a.pfschema'), 'entity A {}')
    const w = start({ path: dir, kind: 'dir' })
    await w.ready()
    expect(w.runs).toEqual([[]])

    await writeFile(join(dir, 'a.pfschema'), 'entity A { id Int @id }')
    await waitFor('a run after a change', () => w.runs.some((r) => r.includes(join(dir, 'a.pfschema'))))
    await writeFile(join(dir, 'b.pfschema'), 'entity B {}')
    await waitFor('a run after an added file', () => w.runs.some((r) => r.includes(join(dir, 'b.pfschema'))))
    const before = w.runs.length
    await unlink(join(dir, 'b.pfschema'))
    await waitFor('a run after a removed file', () => w.runs.length > before)
    const count = w.runs.length
    await writeFile(join(dir, 'notes.txt'), 'not a schema')
    w.controller.abort()
    await w.done
    expect(w.runs.length).toBe(count)
  })

  it('watches a single schema file, also when it is replaced', async () => {
    const file = join(dir, 'app.pfschema')
    await writeFile(file, 'entity A {}')
    await writeFile(join(dir, 'other.pfschema'), '')
    const w = start({ path: file, kind: 'file' })
    await w.ready()
    await unlink(file)
    await writeFile(file, 'entity A { id Int @id }')
    await waitFor('a run after the file was replaced', () => w.runs.some((r) => r.includes(file)))
    await writeFile(join(dir, 'other.pfschema'), 'entity B {}')
    w.controller.abort()
    await w.done
    expect(w.runs.flat()).not.toContain(join(dir, 'other.pfschema'))
  })

  it('debounces a burst of writes into one run', async () => {
    const file = join(dir, 'app.pfschema')
    await writeFile(file, '')
    // A long quiet period, so the burst below (milliseconds) certainly falls inside it.
    const w = start({ path: file, kind: 'file' }, 1000)
    await w.ready()
    for (let i = 0; i < 5; i++) await writeFile(file, `entity A${i} {}`)
    await waitFor('a run after the burst', () => w.runs.length > 1)
    w.controller.abort()
    await w.done
    expect(w.runs).toEqual([[], [file]])
  })

  it('rejects after closing the watcher when run throws', async () => {
    const file = join(dir, 'app.pfschema')
    await writeFile(file, '')
    const controller = new AbortController()
    const done = watchSchema({
      location: { path: file, kind: 'file' },
      signal: controller.signal,
      run: async () => {
        throw new Error('bug in run')
      },
    })
    await expect(done).rejects.toThrow('bug in run')
  })
})
