import { describe, expect, it, vi } from 'vitest'
import { buildFileIndex, type FileIndex } from './file-index.js'
import { IndexCache } from './index-cache.js'
import { IndexFileDamagedError } from './index-errors.js'
import { decodeFileIndex, encodeFileIndex } from './index-format.js'

const identity = { path: 'p=1/part-a.parquet', size: 1234, checksum: 'crc32:0badf00d', rows: 6 }

function sample(): FileIndex {
  // Rows 0..5 of a file: values (null: not indexed) and their primary keys.
  return buildFileIndex(identity, ['email'], ['b', 'a', null, 'b', 'ü€', 'a'], ['1', '2', '3', '4', '5', '6'])
}

describe('file index', () => {
  it('holds sorted distinct values with the positions and keys of their rows; nulls are left out', () => {
    const index = sample()
    expect([...index.values]).toEqual(['a', 'b', 'ü€'])
    expect(index.entries).toBe(5)
    const [from, to] = index.find('a') ?? [0, 0]
    expect([...index.positions.slice(from, to)]).toEqual([1, 5])
    expect([...index.keys].slice(from, to)).toEqual(['2', '6'])
    expect(index.find('b')).toEqual([2, 4])
    expect(index.find('c')).toBeUndefined()
    expect(index.find('')).toBeUndefined()
  })

  it('round-trips through its binary form', () => {
    const index = sample()
    const back = decodeFileIndex(encodeFileIndex(index), 'x.pfidx')
    expect(back.identity).toEqual(identity)
    expect(back.columns).toEqual(['email'])
    expect([...back.values]).toEqual([...index.values])
    expect([...back.starts]).toEqual([...index.starts])
    expect([...back.positions]).toEqual([...index.positions])
    expect([...back.keys]).toEqual([...index.keys])
  })

  it('a loaded index holds no string per entry: keys are read from the file bytes when a lookup matches them', () => {
    const rows = 2000
    const values = Array.from({ length: rows }, (_, i) => `user${i}@example.com`)
    const keys = Array.from({ length: rows }, (_, i) => `${i}`)
    const bytes = encodeFileIndex(buildFileIndex({ ...identity, rows }, ['email'], values, keys))
    const decodes = vi.spyOn(Buffer.prototype, 'toString')
    try {
      const index = decodeFileIndex(bytes, 'x.pfidx')
      // The header's strings, and each value once to check the order: no key.
      expect(decodes.mock.calls.length).toBeLessThan(rows + 10)
      const [from, to] = index.find('user1234@example.com') ?? [0, 0]
      expect(to - from).toBe(1)
      expect(index.keys.at(from)).toBe('1234')
    } finally {
      decodes.mockRestore()
    }
  })

  it('an empty index round-trips', () => {
    const empty = buildFileIndex({ ...identity, rows: 0 }, ['a', 'b'], [], [])
    const back = decodeFileIndex(encodeFileIndex(empty), 'x.pfidx')
    expect(back.entries).toBe(0)
    expect(back.columns).toEqual(['a', 'b'])
  })

  it('refuses every truncation and every flipped byte with IndexFileDamagedError naming the file', () => {
    const bytes = encodeFileIndex(sample())
    for (let n = 0; n < bytes.length; n++) {
      expect(() => decodeFileIndex(bytes.subarray(0, n), 'idx/x.pfidx'), `truncated to ${n}`).toThrow(
        IndexFileDamagedError,
      )
    }
    for (let i = 0; i < bytes.length; i++) {
      const damaged = bytes.slice()
      damaged[i] = (damaged[i] as number) ^ 0x5a
      let error: unknown
      try {
        decodeFileIndex(damaged, 'idx/x.pfidx')
      } catch (e) {
        error = e
      }
      expect(error, `byte ${i} flipped`).toBeInstanceOf(IndexFileDamagedError)
      expect(error).toMatchObject({ code: 'PF_INDEX_DAMAGED', path: 'idx/x.pfidx' })
    }
    const longer = new Uint8Array(bytes.length + 1)
    longer.set(bytes)
    expect(() => decodeFileIndex(longer, 'x')).toThrow(/bytes, the header says/)
  })
})

describe('index cache', () => {
  it('evicts the least recently used indexes past its byte bound and never holds one larger than it', () => {
    const a = sample()
    const cache = new IndexCache(a.bytes * 2)
    cache.set('a', a)
    cache.set('b', sample())
    expect(cache.get('a')).toBe(a) // a is now the most recently used
    cache.set('c', sample())
    expect(cache.get('b')).toBeUndefined()
    expect(cache.get('a')).toBe(a)
    expect(cache.size).toBe(2)
    expect(cache.bytes).toBeLessThanOrEqual(cache.maxBytes)
    const small = new IndexCache(a.bytes - 1)
    small.set('a', a)
    expect(small.size).toBe(0)
    expect(small.bytes).toBe(0)
  })
})
