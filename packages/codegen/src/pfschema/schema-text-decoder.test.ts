import { describe, expect, it } from 'vitest'
import { decodeSchemaText, firstInvalidUtf8 } from './schema-text-decoder.js'

const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p)))))

describe('decodeSchemaText', () => {
  it('decodes UTF-8 exactly, keeping a byte-order mark and every code point', () => {
    const text = '\uFEFFentity Café { id Int @id } // 😀 \u00e9'
    expect(decodeSchemaText(new TextEncoder().encode(text), 'f')).toEqual({ ok: true, text })
  })

  it('points at the first bad byte by line and column (columns in UTF-16 units, as the lexer counts)', () => {
    const result = decodeSchemaText(bytes('a\n😀é', [0xff], 'x'), 'f.pfschema')
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.diagnostic.code).toBe('PF0005')
    expect(result.diagnostic.span).toEqual({ file: 'f.pfschema', line: 2, column: 4, length: 1 })
    expect(result.lossy).toBe('a\n😀é\uFFFDx')
  })

  it.each([
    ['a lone continuation byte', [0x80], 0],
    ['an overlong encoding', [0xc0, 0xaf], 0],
    ['an overlong 3-byte form', [0xe0, 0x80, 0xaf], 0],
    ['an encoded surrogate', [0xed, 0xa0, 0x80], 0],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['a sequence cut at the end', [0x61, 0xe2, 0x82], 1],
    ['a lead byte followed by ASCII', [0x61, 0x62, 0xe2, 0x41], 2],
  ])('finds %s', (_, input, at) => {
    const data = new Uint8Array(input)
    expect(firstInvalidUtf8(data)).toBe(at)
    expect(decodeSchemaText(data, 'f').ok).toBe(false)
  })

  it('agrees with the strict decoder on well-formed text of every length class', () => {
    const data = new TextEncoder().encode('a\u00e9\u20ac\u{10348}\u{10FFFF}\uD7FF\uE000')
    expect(firstInvalidUtf8(data)).toBe(data.length)
  })
})
