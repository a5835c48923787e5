// The group-commit queue on its own: who goes into which group, and who gets which outcome.
import { describe, expect, it } from 'vitest'
import { CommitQueue, type QueuedOutcome } from './commit-queue.js'

/** A committer that records its groups and finishes each only when the test says so. */
function gatedCommitter() {
  const groups: number[][] = []
  const gates: (() => void)[] = []
  const commit = async (writes: readonly number[]): Promise<QueuedOutcome<string>[]> => {
    groups.push([...writes])
    await new Promise<void>((resolve) => gates.push(resolve))
    return writes.map((w) =>
      w % 5 === 0 ? { ok: false, error: new Error(`write ${w} refused`) } : { ok: true, value: `v${w}` },
    )
  }
  const open = async (): Promise<void> => {
    while (gates.length === 0) await new Promise((resolve) => setImmediate(resolve))
    gates.shift()?.()
  }
  return { groups, commit, open }
}

describe('CommitQueue', () => {
  it('writes submitted together form one group; writes submitted during a commit form the next one', async () => {
    const c = gatedCommitter()
    const queue = new CommitQueue(c.commit)
    const first = [1, 2, 3].map((w) => queue.submit(w))
    await c.open()
    // The first group is committing (gate taken); submit more, then let it finish.
    expect(c.groups).toEqual([[1, 2, 3]])
    const second = [4, 5, 6].map((w) => queue.submit(w))
    await c.open()
    const settled = await Promise.allSettled([...first, ...second])
    expect(c.groups).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ])
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual([
      'v1',
      'v2',
      'v3',
      'v4',
      'write 5 refused',
      'v6',
    ])
  })

  it('writes whose callers reach submit through more promise reactions than the first (as repositories do) join its group', async () => {
    const c = gatedCommitter()
    const queue = new CommitQueue(c.commit)
    const submitted = [1, 2, 3].map(async (w) => {
      for (let i = 0; i < 4 * w; i++) await Promise.resolve()
      return queue.submit(w)
    })
    await c.open()
    expect(c.groups).toEqual([[1, 2, 3]])
    await Promise.allSettled(submitted)
  })

  it('a committer that throws fails its group only; the queue goes on', async () => {
    let calls = 0
    const queue = new CommitQueue<number, number>(async (writes) => {
      calls++
      if (calls === 1) throw new Error('disk full')
      return writes.map((w) => ({ ok: true, value: w * 10 }))
    })
    const failed = await Promise.allSettled([queue.submit(1), queue.submit(2)])
    expect(failed.map((s) => s.status)).toEqual(['rejected', 'rejected'])
    expect(await queue.submit(3)).toBe(30)
  })

  it('groups are at most maxGroup writes', async () => {
    const sizes: number[] = []
    const queue = new CommitQueue<number, number>(async (writes) => {
      sizes.push(writes.length)
      return writes.map((w) => ({ ok: true, value: w }))
    }, 4)
    const values = await Promise.all(Array.from({ length: 10 }, (_, i) => queue.submit(i)))
    expect(values).toEqual(Array.from({ length: 10 }, (_, i) => i))
    expect(sizes).toEqual([4, 4, 2])
  })
})
