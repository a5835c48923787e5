import pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
import { stackFrames } from './stack-frames.js'

const row = (i: number) =>
  pl.DataFrame({ id: pl.Series('id', [i], pl.Int64), name: pl.Series('name', [`n${i}`]) })

describe('stackFrames', () => {
  it('keeps order and dtypes, eagerly for a few frames and lazily for many', () => {
    for (const n of [1, 3, 2_000]) {
      const out = stackFrames(Array.from({ length: n }, (_, i) => row(i)))
      expect(out.height).toBe(n)
      expect(out.getColumn('id').toArray()).toEqual(Array.from({ length: n }, (_, i) => i))
      expect(out.getColumn('id').dtype.equals(pl.Int64)).toBe(true)
      expect(out.getColumn('name').dtype.variant).toMatch(/^(Utf8|String)$/)
    }
  })

  it('relaxes dtypes when asked, and refuses mismatches otherwise', () => {
    const frames = [...Array.from({ length: 10 }, (_, i) => row(i)), pl.DataFrame({ id: [0.5], name: ['x'] })]
    expect(stackFrames(frames, 'verticalRelaxed').getColumn('id').dtype.equals(pl.Float64)).toBe(true)
    expect(() => stackFrames(frames)).toThrow(/frame 10 has columns id:.*Float64/)
    expect(() => stackFrames([])).toThrow(/at least one/)
  })
})
