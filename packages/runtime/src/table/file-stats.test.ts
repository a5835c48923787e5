import { describe, expect, it } from 'vitest'
import { compareUtf8 } from './file-stats.js'

/** A small deterministic generator (runs are repeatable). */
function random(seed: number): () => number {
  let s = seed
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31
    return s / 2 ** 31
  }
}

const bytesOrder = (a: string, b: string) => Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)))

describe('compareUtf8', () => {
  it('orders strings as their UTF-8 bytes do, surrogate pairs, lone surrogates and U+E000-U+FFFF included', () => {
    // Code units from each range where UTF-16 order and UTF-8 order could part: ASCII, other BMP, high and low
    // surrogates (paired or lone), and the private use / specials above them.
    const units = [
      0x41, 0x61, 0x7f, 0xe9, 0x4e2d, 0xd7ff, 0xd800, 0xd83d, 0xdbff, 0xdc00, 0xde00, 0xdfff, 0xe000, 0xfffd,
      0xffff,
    ]
    const next = random(7)
    const pick = () => units[Math.floor(next() * units.length)] as number
    const strings = [
      '',
      'a',
      'ab',
      'abc',
      '\u{1F600}',
      '\uD83D',
      '\uDE00',
      '\uE000',
      '\uFFFF',
      'a\uD83D',
      'a\u{1F600}',
    ]
    for (let i = 0; i < 400; i++) {
      const length = Math.floor(next() * 4)
      strings.push(String.fromCharCode(...Array.from({ length }, pick)))
    }
    for (const a of strings) {
      for (const b of strings) {
        expect(compareUtf8(a, b), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).toBe(bytesOrder(a, b))
      }
    }
  })
})
