import pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
import { DecodedFileCache, decodedBytes } from './decoded-file-cache.js'

const frame = (rows: number, text: string) =>
  pl.DataFrame({
    id: Array.from({ length: rows }, (_, i) => i),
    name: Array.from({ length: rows }, () => text),
    tags: Array.from({ length: rows }, () => [1, 2]),
  })

describe('DecodedFileCache', () => {
  it('counts text bytes, list elements and fixed-width values', () => {
    const short = decodedBytes(frame(100, 'ab'))
    const long = decodedBytes(frame(100, 'abcdefghij'))
    expect(long - short).toBe(800)
    // Per row: 9 (id), 17 + 2 (name), 17 + 2 × 16 (tags).
    expect(decodedBytes(frame(200, 'ab')) - short).toBe(100 * (9 + 19 + 49))
  })

  it('keeps its bytes under the bound, evicting the least recently used, and never keeps a file above it', () => {
    const a = { df: frame(10, 'a'), bytes: 400 }
    const b = { df: frame(10, 'b'), bytes: 400 }
    const c = { df: frame(10, 'c'), bytes: 400 }
    const cache = new DecodedFileCache(1000)
    cache.set('a', a)
    cache.set('b', b)
    expect(cache.get('a')).toBe(a) // now b is the least recently used
    cache.set('c', c)
    expect(cache.get('b')).toBeUndefined()
    expect(cache.get('a')).toBe(a)
    expect(cache.get('c')).toBe(c)
    expect(cache.bytes).toBe(800)
    cache.set('huge', { df: frame(10, 'h'), bytes: 1001 })
    expect(cache.get('huge')).toBeUndefined()
    expect(cache.size).toBe(2)
    cache.clear()
    expect([cache.size, cache.bytes]).toEqual([0, 0])
  })
})
