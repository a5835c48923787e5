import { describe, expect, it } from 'vitest'
import { Z85Error, z85Decode, z85Encode } from './z85.js'

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')
const bytesOf = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'))

describe('z85', () => {
  it('encodes and decodes the Z85 specification example', () => {
    const bytes = bytesOf('864fd26fb559f75b')
    expect(z85Encode(bytes)).toBe('HelloWorld')
    expect(hex(z85Decode('HelloWorld'))).toBe('864fd26fb559f75b')
  })

  it("decodes the Delta specification's UUID example (the 20 characters after the prefix 'ab')", () => {
    // PROTOCOL.md JSON Example 1: "ab^-aqEH.-t@S}K{vb[*k^" is deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61
    const uuid = z85Decode('^-aqEH.-t@S}K{vb[*k^')
    expect(hex(uuid)).toBe('d2c639aa8816431aaaf6d3fe2512ff61')
    expect(z85Encode(uuid)).toBe('^-aqEH.-t@S}K{vb[*k^')
  })

  it("decodes the Delta specification's inline example (JSON Example 3) to its 40 bytes", () => {
    // Delta's native RoaringBitmapArray framed big-endian (magic 1681511376, 1 bitmap of 28 bytes), then a
    // standard 32-bit Roaring bitmap holding 3, 4, 7, 11, 18, 29.
    const bytes = z85Decode('wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L')
    expect(hex(bytes)).toBe(
      '6439d3d0' + '00000001' + '0000001c' + '3a3000000100000000000500100000000300040007000b0012001d00',
    )
  })

  it('round-trips the empty input, extremes and every byte value', () => {
    expect(z85Encode(new Uint8Array(0))).toBe('')
    expect(z85Decode('')).toEqual(new Uint8Array(0))
    expect(z85Encode(bytesOf('00000000ffffffff'))).toBe('00000%nSc0')
    const all = new Uint8Array(256).map((_, i) => i)
    const text = z85Encode(all)
    expect(text.length).toBe(320)
    expect(z85Decode(text)).toEqual(all)
  })

  it('refuses bytes whose length is not a multiple of 4', () => {
    expect(() => z85Encode(new Uint8Array(5))).toThrow(Z85Error)
    expect(() => z85Encode(new Uint8Array(5))).toThrow(/5 bytes .* multiple of 4/)
  })

  it('refuses text whose length is not a multiple of 5, naming the length', () => {
    const error = captured(() => z85Decode('HelloWorl'))
    expect(error).toBeInstanceOf(Z85Error)
    expect(error.code).toBe('PF_Z85')
    expect(error.message).toMatch(/9 characters/)
  })

  it('refuses characters outside the alphabet, naming the character and its index', () => {
    for (const bad of ['Hello Worl', 'Hello"Worl', 'Hello,Worl', 'HelloWo~ld', 'HelloWorlé']) {
      const error = captured(() => z85Decode(bad))
      expect(error).toBeInstanceOf(Z85Error)
      expect(error.message).toMatch(/at index \d/)
    }
    expect(captured(() => z85Decode('Hello Worl')).message).toMatch(/" " at index 5/)
  })

  it('refuses a block above 2^32-1 instead of wrapping it', () => {
    // "%nSc0" is 0xffffffff; "%nSc1" is one more.
    expect(hex(z85Decode('%nSc0'))).toBe('ffffffff')
    expect(() => z85Decode('%nSc1')).toThrow(/exceeds 32 bits/)
    expect(() => z85Decode('#####')).toThrow(Z85Error)
  })
})

function captured(fn: () => unknown): Z85Error {
  try {
    fn()
  } catch (error) {
    if (error instanceof Z85Error) return error
    throw error
  }
  throw new Error('expected a Z85Error')
}
