import { describe, expect, it } from 'vitest'
import { ByteBoundedLru } from './byte-bounded-lru.js'

const sized = (bytes: number, name = '') => ({ bytes, name })

describe('ByteBoundedLru', () => {
  it('keeps its bytes under the bound, evicting the least recently used first', () => {
    const lru = new ByteBoundedLru<string, { bytes: number }>(1000)
    const a = sized(400)
    const b = sized(400)
    const c = sized(400)
    lru.set('a', a)
    lru.set('b', b)
    expect(lru.get('a')).toBe(a) // b is now the least recently used
    lru.set('c', c)
    expect(lru.has('b')).toBe(false)
    expect(lru.get('a')).toBe(a)
    expect(lru.get('c')).toBe(c)
    expect([lru.size, lru.bytes]).toEqual([2, 800])
  })

  it('evicts as many old values as a large new one needs, in order of last use', () => {
    const lru = new ByteBoundedLru<number, { bytes: number }>(100)
    for (let i = 0; i < 10; i++) lru.set(i, sized(10))
    lru.get(0)
    lru.get(1)
    lru.set(10, sized(35)) // drops 2, 3, 4, 5 (the least recently used), keeps 0 and 1
    expect([...Array(11).keys()].filter((k) => lru.has(k))).toEqual([0, 1, 6, 7, 8, 9, 10])
    expect(lru.bytes).toBe(95)
  })

  it('does not keep a value larger than the bound, and keeps one exactly at it', () => {
    const lru = new ByteBoundedLru<string, { bytes: number }>(1000)
    lru.set('a', sized(400))
    lru.set('huge', sized(1001))
    expect(lru.get('huge')).toBeUndefined()
    expect([lru.size, lru.bytes]).toEqual([1, 400])
    lru.set('full', sized(1000))
    expect(lru.has('full')).toBe(true)
    expect(lru.has('a')).toBe(false)
    expect([lru.size, lru.bytes]).toEqual([1, 1000])
  })

  it('replaces a value under the same key, counting only the new one; an oversize replacement drops the old', () => {
    const lru = new ByteBoundedLru<string, { bytes: number; name: string }>(1000)
    lru.set('a', sized(300, 'old'))
    lru.set('a', sized(500, 'new'))
    expect([lru.get('a')?.name, lru.bytes]).toEqual(['new', 500])
    lru.set('a', sized(2000, 'huge'))
    expect([lru.has('a'), lru.bytes]).toEqual([false, 0])
  })

  it('deletes one value and clears all', () => {
    const lru = new ByteBoundedLru<string, { bytes: number }>(1000)
    lru.set('a', sized(100))
    lru.set('b', sized(200))
    expect(lru.delete('a')).toBe(true)
    expect(lru.delete('a')).toBe(false)
    expect([lru.size, lru.bytes]).toEqual([1, 200])
    lru.clear()
    expect([lru.size, lru.bytes, lru.get('b')]).toEqual([0, 0, undefined])
  })
})
