import { describe, expect, it } from 'vitest'
import { loneSurrogateIndex, loneSurrogateMessage } from './lone-surrogate.js'

describe('loneSurrogateIndex', () => {
  it('is -1 for well-formed text: ASCII, accents, pairs (astral characters), empty', () => {
    for (const s of ['', 'plain', 'héllo wörld', '😀 emoji \u{1F600}', 'CJK 漢字', '\uD83D\uDE00'])
      expect(loneSurrogateIndex(s)).toBe(-1)
  })

  it('finds the first lone surrogate: high or low, at the start, middle or end, or a pair in the wrong order', () => {
    expect(loneSurrogateIndex('ab\uD800c')).toBe(2)
    expect(loneSurrogateIndex('\uDC00abc')).toBe(0)
    expect(loneSurrogateIndex('abc\uD83D')).toBe(3)
    expect(loneSurrogateIndex('\uDE00\uD83D')).toBe(0)
    expect(loneSurrogateIndex('😀x\uDFFF😀')).toBe(3)
  })

  it('names the unit and its index in the message', () => {
    expect(loneSurrogateMessage('ab\uD800c')).toContain('U+D800 at index 2')
  })
})
