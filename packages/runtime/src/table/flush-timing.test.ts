import { describe, expect, it } from 'vitest'
import { FlushTiming, SYNC_FLUSH_MAX_MS } from './flush-timing.js'

describe('FlushTiming', () => {
  it('flushes on the event loop while flushes are fast', () => {
    const timing = new FlushTiming()
    expect(timing.synchronous).toBe(true)
    for (let i = 0; i < 100; i++) timing.record(SYNC_FLUSH_MAX_MS * 0.3)
    expect(timing.synchronous).toBe(true)
  })

  it('moves flushes to the thread pool after a slow one, and back once they are fast again', () => {
    const timing = new FlushTiming()
    timing.record(30)
    expect(timing.synchronous).toBe(false)
    let fast = 0
    while (!timing.synchronous) {
      timing.record(0.3)
      fast++
    }
    // A 30 ms flush keeps the next ones off the event loop for a while, not for good.
    expect(fast).toBeGreaterThan(5)
    expect(fast).toBeLessThan(30)
  })

  it('keeps every flush of a slow disk off the event loop', () => {
    const timing = new FlushTiming()
    timing.record(5)
    for (let i = 0; i < 100; i++) {
      expect(timing.synchronous).toBe(false)
      timing.record(5)
    }
  })
})
