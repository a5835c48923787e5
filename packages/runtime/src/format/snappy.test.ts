import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { SnappyError, snappyCompress, snappyDecompress } from './snappy.js'

describe('snappy', () => {
  const cases: [string, Buffer][] = [
    ['empty', Buffer.alloc(0)],
    ['one byte', Buffer.from('a')],
    ['short repeats', Buffer.from('hello hello hello hello hello world')],
    ['random (incompressible)', randomBytes(100_000)],
    ['long runs across fragments', Buffer.alloc(300_000, 7)],
    ['text', Buffer.from(Array.from({ length: 20_000 }, (_, i) => `row-${i % 977},${i * 3};`).join(''))],
  ]

  it.each(cases)('round-trips %s', (_name, input) => {
    const compressed = snappyCompress(input)
    expect(snappyDecompress(compressed).equals(input)).toBe(true)
  })

  it('compresses repetitive data', () => {
    expect(snappyCompress(Buffer.alloc(300_000, 7)).length).toBeLessThan(20_000)
  })

  it('decodes a block from the format description (literal then overlapping copy)', () => {
    // length 9; literal "ab" (tag 0b000001_00); copy len 7 offset 2 (1-byte offset form: len-4=3)
    const block = Buffer.from([9, 0x04, 0x61, 0x62, 0x01 | (3 << 2), 2])
    expect(snappyDecompress(block).toString()).toBe('abababab'.padEnd(9, 'a'))
  })

  it('rejects malformed input', () => {
    expect(() => snappyDecompress(Buffer.from([10, 0x04, 0x61]))).toThrow(SnappyError)
    expect(() => snappyDecompress(Buffer.from([4, 0x01 | (0 << 2), 9]))).toThrow(SnappyError)
  })
})
