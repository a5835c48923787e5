import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  MAX_ROW_INDEX,
  NATIVE_MAGIC,
  RoaringBitmapArray,
  RoaringBitmapFormatError,
  RowIndexError,
} from './roaring-bitmap-array.js'

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')
const bytesOf = (h: string): Uint8Array => new Uint8Array(Buffer.from(h.replace(/\s+/g, ''), 'hex'))
const range = (from: number, to: number, step = 1): number[] => {
  const out: number[] = []
  for (let v = from; v < to; v += step) out.push(v)
  return out
}
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')
const roundTrip = (bitmap: RoaringBitmapArray): RoaringBitmapArray =>
  RoaringBitmapArray.deserialize(bitmap.serialize())

function formatError(bytes: Uint8Array): RoaringBitmapFormatError {
  try {
    RoaringBitmapArray.deserialize(bytes)
  } catch (error) {
    if (error instanceof RoaringBitmapFormatError) return error
    throw error
  }
  throw new Error(`expected ${hex(bytes)} to be refused`)
}

// The bitmap of delta-rs/table-with-dv-small's DV file (rows 0 and 9 deleted, written by Spark): magic, one bucket
// (u64 count), key 0, a 32-bit Roaring bitmap without runs holding one array container.
const SPARK_ROWS_0_9 = 'd1d33964 0100000000000000 00000000 3a300000 01000000 0000 0100 10000000 0000 0900'

describe('RoaringBitmapArray', () => {
  it('writes the same bytes as Spark for rows 0 and 9, and reads them back', () => {
    const bitmap = RoaringBitmapArray.fromPositions([9, 0, 9])
    expect(hex(bitmap.serialize())).toBe(SPARK_ROWS_0_9.replace(/\s+/g, ''))
    const read = RoaringBitmapArray.deserialize(bytesOf(SPARK_ROWS_0_9))
    expect(read.toSortedArray()).toEqual([0, 9])
    expect(read.size).toBe(2)
  })

  it('round-trips the empty set as a magic number and a zero bucket count', () => {
    const empty = RoaringBitmapArray.fromPositions([])
    expect(hex(empty.serialize())).toBe('d1d33964' + '0000000000000000')
    const read = roundTrip(empty)
    expect(read.size).toBe(0)
    expect(read.toSortedArray()).toEqual([])
    expect(read.max()).toBeUndefined()
    expect(read.has(0)).toBe(false)
    expect(RoaringBitmapArray.empty().serialize()).toEqual(empty.serialize())
  })

  it('round-trips one position', () => {
    const read = roundTrip(RoaringBitmapArray.fromPositions([42]))
    expect(read.toSortedArray()).toEqual([42])
    expect(read.has(42)).toBe(true)
    expect(read.has(41)).toBe(false)
    expect(read.max()).toBe(42)
  })

  it('writes a long range as one run container (RoaringFormatSpec: cookie 12347, run flags, no offsets)', () => {
    const bitmap = RoaringBitmapArray.fromPositions(range(0, 10_000))
    // magic | 1 bucket | key 0 | cookie 0x303b (1 container) | run flag 1 | key 0, cardinality-1 9999 | 1 run 0..9999
    expect(hex(bitmap.serialize())).toBe(
      'd1d33964' + '0100000000000000' + '00000000' + '3b300000' + '01' + '00000f27' + '0100' + '00000f27',
    )
    const read = roundTrip(bitmap)
    expect(read.size).toBe(10_000)
    expect(read.toSortedArray()).toEqual(range(0, 10_000))
  })

  it('round-trips dense scattered containers (> 4096 values) as bitmaps of 8 KiB', () => {
    const evens = range(0, 2 * 65_536, 2) // 32768 values per container, no runs to speak of
    const bitmap = RoaringBitmapArray.fromPositions(evens)
    const bytes = bitmap.serialize()
    // header 12 + bucket key 4 + cookie/count 8 + 2 x (descriptor 4 + offset 4) + 2 x 8192
    expect(bytes.length).toBe(12 + 4 + 8 + 16 + 2 * 8192)
    const read = RoaringBitmapArray.deserialize(bytes)
    expect(read.size).toBe(65_536)
    expect(read.toSortedArray()).toEqual(evens)
    expect(read.has(65_534)).toBe(true)
    expect(read.has(65_535)).toBe(false)
  })

  it('keeps exactly 4096 values as an array and 4097 as a bitmap, as Roaring serializes them', () => {
    const at4096 = RoaringBitmapArray.fromPositions(range(0, 3 * 4096, 3))
    expect(at4096.serialize().length).toBe(12 + 4 + 8 + 8 + 2 * 4096)
    const at4097 = RoaringBitmapArray.fromPositions(range(0, 3 * 4097, 3))
    expect(at4097.serialize().length).toBe(12 + 4 + 8 + 8 + 8192)
    expect(roundTrip(at4096).toSortedArray()).toEqual(range(0, 3 * 4096, 3))
    expect(roundTrip(at4097).toSortedArray()).toEqual(range(0, 3 * 4097, 3))
  })

  it('puts positions beyond 2^32 into further buckets, up to 2^53-1', () => {
    const positions = [5, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 7, 3 * 2 ** 33 + 1, MAX_ROW_INDEX]
    const bitmap = RoaringBitmapArray.fromPositions(positions)
    const bytes = bitmap.serialize()
    expect(new DataView(bytes.buffer).getUint32(4, true)).toBe(4) // buckets 0, 1, 6 and 2^21-1
    const read = RoaringBitmapArray.deserialize(bytes)
    expect(read.toSortedArray()).toEqual(positions)
    expect(read.max()).toBe(MAX_ROW_INDEX)
    for (const p of positions) expect(read.has(p)).toBe(true)
    expect(read.has(2 ** 32 + 6)).toBe(false)
  })

  it('writes the bytes of the RoaringFormatSpec test files (Java RoaringBitmap and CRoaring, run-optimized)', () => {
    // testdata/bitmapwithruns.bin of RoaringBitmap/RoaringFormatSpec (a 32-bit bitmap written by Java): multiples of
    // 1000 below 100000, multiples of 3 in [300000, 600000), all of [700000, 800000).
    const java = [...range(0, 100_000, 1000), ...range(300_000, 600_000, 3), ...range(700_000, 800_000)]
    const bucket = RoaringBitmapArray.fromPositions(java).serialize().subarray(16) // after magic, count and key
    expect(bucket.length).toBe(48_056)
    expect(sha256(bucket)).toBe('1f1909bfdd354fa2f0694fe88b8076833ca5383ad9fc3f68f2709c84a2ab70e3')
    // testdata64/bitmap64.bin (CRoaring's Roaring64Map, the portable layout): even values below 2^16, all of
    // [2^32, 2^32 + 10^6), and 2^48.
    const wide = [...range(0, 65_536, 2), ...range(2 ** 32, 2 ** 32 + 1_000_000), 2 ** 48]
    const portable = RoaringBitmapArray.fromPositions(wide).serialize().subarray(4) // after the magic
    expect(sha256(portable)).toBe('a0f752256dbbc2ca67659c4bedb0ac5b67f18fbef76d65e0cc95bfa442eb0a6a')
    expect(roundTrip(RoaringBitmapArray.fromPositions(wide)).toSortedArray()).toEqual(wide)
  })

  it('refuses row indexes that are negative, fractional or beyond 2^53-1', () => {
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 53, Number.POSITIVE_INFINITY]) {
      expect(() => RoaringBitmapArray.fromPositions([1, bad])).toThrow(RowIndexError)
    }
    expect(() => RoaringBitmapArray.fromPositions([-1])).toThrow(/Row index -1 is not an integer/)
  })

  it('unions sets across array, bitmap and run containers and buckets', () => {
    const a = RoaringBitmapArray.fromPositions([1, 3, 5, ...range(70_000, 80_000), 2 ** 40])
    const b = RoaringBitmapArray.fromPositions([3, 4, ...range(65_536, 65_536 + 8000, 2), 2 ** 40 + 1])
    const union = a.union(b)
    const expected = [...new Set([...a.toSortedArray(), ...b.toSortedArray()])].sort((x, y) => x - y)
    expect(union.toSortedArray()).toEqual(expected)
    expect(union.size).toBe(expected.length)
    expect(roundTrip(union).toSortedArray()).toEqual(expected)
    // Two arrays of 3000 values each become one bitmap container of 6000.
    const odd = RoaringBitmapArray.fromPositions(range(1, 6000, 2))
    const even = RoaringBitmapArray.fromPositions(range(0, 6000, 2))
    expect(odd.union(even).toSortedArray()).toEqual(range(0, 6000))
    expect(a.union(RoaringBitmapArray.empty()).toSortedArray()).toEqual(a.toSortedArray())
  })

  it('round-trips any set of positions (property)', () => {
    const position = fc.oneof(
      fc.integer({ min: 0, max: 300_000 }),
      fc.integer({ min: 0, max: MAX_ROW_INDEX }),
      fc.integer({ min: 2 ** 32 - 70_000, max: 2 ** 32 + 70_000 }),
    )
    const runOf = fc
      .tuple(fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 1, max: 9000 }))
      .map(([from, length]) => range(from, from + length))
    fc.assert(
      fc.property(
        fc.array(position, { maxLength: 300 }),
        fc.array(runOf, { maxLength: 3 }),
        (loose, runs) => {
          const all = [...loose, ...runs.flat()]
          const expected = [...new Set(all)].sort((x, y) => x - y)
          const bitmap = RoaringBitmapArray.fromPositions(all)
          expect(bitmap.size).toBe(expected.length)
          const read = roundTrip(bitmap)
          expect(read.toSortedArray()).toEqual(expected)
          expect(read.serialize()).toEqual(bitmap.serialize())
        },
      ),
      { numRuns: 60 },
    )
  })

  it("reads Delta's native layout (little-endian, as delta-spark writes it) into the same set", () => {
    // magic 1681511376 | 2 bitmaps (keys 0 and 1, by position) | each: its u32 size 18 and a 32-bit bitmap
    const bitmap32 = (value: string) => `3a300000 01000000 0000 0000 10000000 ${value}`
    const bytes = bytesOf(
      hexLe(NATIVE_MAGIC) + `02000000 12000000 ${bitmap32('0100')} 12000000 ${bitmap32('0200')}`,
    )
    expect(RoaringBitmapArray.deserialize(bytes).toSortedArray()).toEqual([1, 2 ** 32 + 2])
  })

  it('reads empty buckets, which delta-spark writes for the gaps below its highest key', () => {
    // magic | 2 buckets | key 0: an empty 32-bit bitmap (cookie 12346, 0 containers) | key 1: row 2^32 + 5
    const bytes = bytesOf(
      'd1d33964 0200000000000000 00000000 3a300000 00000000 01000000 3a300000 01000000 0000 0000 10000000 0500',
    )
    const read = RoaringBitmapArray.deserialize(bytes)
    expect(read.toSortedArray()).toEqual([2 ** 32 + 5])
    expect(read.serialize().length).toBe(bytes.length - 12) // pf writes no empty bucket
  })

  describe('refuses corrupt bytes with RoaringBitmapFormatError naming the byte', () => {
    const good = RoaringBitmapArray.fromPositions([
      1,
      2,
      3,
      70_000,
      ...range(200_000, 210_000),
      2 ** 33,
    ]).serialize()

    it('a wrong magic number', () => {
      const bytes = good.slice()
      bytes[0] = 0
      expect(formatError(bytes).message).toMatch(/at byte 0: magic number \d+ is not 1681511377/)
      expect(formatError(new Uint8Array([1, 2])).code).toBe('PF_DV_BITMAP')
    })

    it('every truncation', () => {
      for (let length = 0; length < good.length; length++) formatError(good.subarray(0, length))
    })

    it('bytes after the bitmap', () => {
      const longer = new Uint8Array(good.length + 1)
      longer.set(good)
      expect(formatError(longer).message).toMatch(/1 bytes after the bitmap/)
    })

    it('buckets out of order, a key with its top bit set, an impossible bucket count', () => {
      const twoBuckets = RoaringBitmapArray.fromPositions([1, 2 ** 32 + 1]).serialize()
      const swapped = twoBuckets.slice()
      new DataView(swapped.buffer).setUint32(12, 1, true) // first key 1, second key 1
      expect(formatError(swapped).message).toMatch(/bucket key 1 does not ascend/)
      const signed = RoaringBitmapArray.fromPositions([1]).serialize()
      new DataView(signed.buffer).setUint32(12, 0x80000000, true)
      expect(formatError(signed).message).toMatch(/most significant bit/)
      const count = RoaringBitmapArray.fromPositions([1]).serialize()
      new DataView(count.buffer).setUint32(8, 1, true)
      expect(formatError(count).message).toMatch(/at byte 4: bucket count/)
    })

    it('a container cardinality that disagrees with its values', () => {
      const bytes = RoaringBitmapArray.fromPositions(range(0, 10_000)).serialize()
      new DataView(bytes.buffer).setUint16(23, 9998, true) // the run holds 10000 values; the header says 9999
      expect(formatError(bytes).message).toMatch(/holds 10000 values, its header says 9999/)
    })

    it('array values out of order, a wrong container offset, an unknown cookie', () => {
      const bytes = bytesOf(SPARK_ROWS_0_9)
      const unsorted = bytes.slice()
      unsorted.set([9, 0, 0, 0], 32)
      expect(formatError(unsorted).message).toMatch(/not strictly ascending/)
      const offset = bytes.slice()
      offset[28] = 0x11
      expect(formatError(offset).message).toMatch(/container 0 starts at 16, its offset says 17/)
      const cookie = bytes.slice()
      cookie[16] = 0x3c
      expect(formatError(cookie).message).toMatch(/unknown 32-bit Roaring cookie/)
    })

    it('any flipped byte decodes or fails with the typed error, never another exception', () => {
      for (let at = 0; at < good.length; at += 7) {
        for (const flip of [0x01, 0x80, 0xff]) {
          const bytes = good.slice()
          bytes[at] = (bytes[at] as number) ^ flip
          try {
            RoaringBitmapArray.deserialize(bytes)
          } catch (error) {
            expect(error).toBeInstanceOf(RoaringBitmapFormatError)
          }
        }
      }
    })
  })
})

function hexLe(value: number): string {
  const b = new Uint8Array(4)
  new DataView(b.buffer).setUint32(0, value, true)
  return hex(b)
}
