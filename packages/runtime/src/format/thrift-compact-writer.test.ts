// The Thrift compact writer: i64 values written from numbers (zigzag in doubles while exact) and from bigints give
// the same bytes; writers share a spare buffer only once finished, so two open at once never mix.
import { describe, expect, it } from 'vitest'
import { ThriftCompactReader } from './thrift-compact-reader.js'
import { ThriftCompactWriter } from './thrift-compact-writer.js'

describe('ThriftCompactWriter', () => {
  it('writes an i64 from a number as from the same bigint, at every magnitude up to 2^53', () => {
    const values = [
      0,
      1,
      -1,
      63,
      -64,
      64,
      2 ** 31,
      -(2 ** 31),
      2 ** 52 - 1,
      -(2 ** 52) + 1,
      2 ** 52,
      -(2 ** 52),
      2 ** 53 - 1,
      -(2 ** 53 - 1),
    ]
    for (const v of values) {
      const fromNumber = new ThriftCompactWriter().i64(1, v).finish()
      const fromBigint = new ThriftCompactWriter().i64(1, BigInt(v)).finish()
      expect(Buffer.from(fromNumber).toString('hex'), String(v)).toBe(Buffer.from(fromBigint).toString('hex'))
      expect(new ThriftCompactReader(fromNumber).readStruct().get(1)).toBe(BigInt(v))
    }
  })

  it('encodes strings as UTF-8 in place', () => {
    const text = 'é中\u{1F600}x'.repeat(300)
    const bytes = new ThriftCompactWriter().binary(1, text).binary(2, 'root').finish()
    const read = new ThriftCompactReader(bytes).readStruct()
    expect(Buffer.from(read.get(1) as Uint8Array).toString('utf8')).toBe(text)
    expect(Buffer.from(read.get(2) as Uint8Array).toString('utf8')).toBe('root')
  })

  it('keeps two writers open at once apart, reuses a finished one’s buffer, and refuses writes after finish', () => {
    const a = new ThriftCompactWriter().i32(1, 7)
    const b = new ThriftCompactWriter().i32(1, 9)
    const aBytes = a.i32(2, 8).finish()
    const c = new ThriftCompactWriter().i32(1, 11).i32(2, 12)
    const bBytes = b.i32(2, 10).finish()
    const cBytes = c.finish()
    const read = (bytes: Uint8Array) => [...new ThriftCompactReader(bytes).readStruct().entries()]
    expect(read(aBytes)).toEqual([
      [1, 7],
      [2, 8],
    ])
    expect(read(bBytes)).toEqual([
      [1, 9],
      [2, 10],
    ])
    expect(read(cBytes)).toEqual([
      [1, 11],
      [2, 12],
    ])
    expect(() => a.i32(3, 1)).toThrow(/after finish/)
    expect(() => a.finish()).toThrow(/after finish/)
  })
})
