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
    // UTF-8 bytes, not characters: 'é' is 2 bytes, '€' 3, '😀' 4 (2 UTF-16 units).
    expect(decodedBytes(frame(100, 'é€😀')) - short).toBe(100 * (2 + 3 + 4 - 2))
  })

  it('decodes a file once for concurrent loads, holds it, and reads again only after a failed read', async () => {
    const cache = new DecodedFileCache()
    let reads = 0
    const read = async () => {
      reads++
      return frame(10, 'a')
    }
    const [a, b] = await Promise.all([cache.load('f', read), cache.load('f', read)])
    expect(a).toBe(b)
    expect(await cache.load('f', read)).toBe(a)
    expect(reads).toBe(1)
    expect(a.columns).toEqual(['id', 'name', 'tags'])
    expect(a.readRow(3)).toEqual([3, 'a', [1, 2]])
    expect(cache.bytes).toBe(decodedBytes(a.df))
    await expect(cache.load('g', () => Promise.reject(new Error('disk gone')))).rejects.toThrow('disk gone')
    expect((await cache.load('g', read)).df.height).toBe(10)
    expect(reads).toBe(2)
  })

  it('serves a file above its bound without holding it, and evicts the least recently used to hold a new one', async () => {
    const one = decodedBytes(frame(10, 'a'))
    const cache = new DecodedFileCache(one * 2)
    const big = await cache.load('big', async () => frame(30, 'a'))
    expect(big.df.height).toBe(30)
    expect([cache.has('big'), cache.size, cache.bytes]).toEqual([false, 0, 0])
    await cache.load('a', async () => frame(10, 'a'))
    await cache.load('b', async () => frame(10, 'b'))
    cache.get('a')
    await cache.load('c', async () => frame(10, 'c'))
    expect(['a', 'b', 'c'].filter((k) => cache.has(k))).toEqual(['a', 'c'])
    expect(cache.bytes).toBeLessThanOrEqual(cache.maxBytes)
  })
})
