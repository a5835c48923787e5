import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseUtcDate, parseUtcTimestamp, utcDateText, utcMicrosParts } from './utc-calendar.js'

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const JS_DATE_LIMIT_MS = 8_640_000_000_000_000

describe('utc calendar', () => {
  it('agrees with Date.toISOString wherever a JS Date exists', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -JS_DATE_LIMIT_MS, max: JS_DATE_LIMIT_MS }),
        fc.integer({ min: 0, max: 999 }),
        (ms, micro) => {
          const micros = BigInt(ms) * 1000n + BigInt(ms === JS_DATE_LIMIT_MS ? 0 : micro)
          const iso = new Date(ms).toISOString()
          const { date, time } = utcMicrosParts(micros)
          expect(`${date}T${time}`).toBe(
            `${iso.slice(0, -1)}${String(micros - BigInt(ms) * 1000n).padStart(3, '0')}`,
          )
          expect(parseUtcTimestamp(`${date}T${time}Z`)).toBe(micros)
          expect(parseUtcTimestamp(`${date} ${time}`, false)).toBe(micros)
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('formats and parses every int64 microsecond, beyond where JS Date throws', () => {
    for (const micros of [
      INT64_MIN,
      INT64_MAX,
      BigInt(JS_DATE_LIMIT_MS + 1) * 1000n,
      -BigInt(JS_DATE_LIMIT_MS + 1) * 1000n - 1n,
    ]) {
      const { date, time } = utcMicrosParts(micros)
      expect(parseUtcTimestamp(`${date}T${time}Z`)).toBe(micros)
    }
    expect(utcMicrosParts(INT64_MAX)).toEqual({ date: '+294247-01-10', time: '04:00:54.775807' })
    expect(utcMicrosParts(INT64_MIN)).toEqual({ date: '-290308-12-21', time: '19:59:05.224192' })
    fc.assert(
      fc.property(fc.bigInt({ min: INT64_MIN, max: INT64_MAX }), (micros) => {
        const { date, time } = utcMicrosParts(micros)
        expect(parseUtcTimestamp(`${date}T${time}Z`)).toBe(micros)
      }),
      { numRuns: 2000 },
    )
  })

  it('dates: Date.toISOString form, leap years, and no impossible day', () => {
    expect(utcDateText(0)).toBe('1970-01-01')
    expect(utcDateText(-719_529)).toBe('-000001-12-31')
    expect(utcDateText(2_932_897)).toBe('+010000-01-01')
    expect(parseUtcDate('2000-02-29')).toBe(11_016)
    expect(parseUtcDate('1900-02-29')).toBeUndefined()
    expect(parseUtcDate('2023-13-01')).toBeUndefined()
    expect(parseUtcDate('-000000-01-01')).toBeUndefined()
    expect(parseUtcDate('+010000-01-01')).toBe(2_932_897)
  })

  it('offsets and sub-microsecond digits', () => {
    expect(parseUtcTimestamp('1970-01-01T01:00:00+01:00')).toBe(0n)
    expect(parseUtcTimestamp('1970-01-01T00:00:00.000000001Z')).toBeUndefined()
    expect(parseUtcTimestamp('1970-01-01T00:00:00.123Z')).toBe(123_000n)
    expect(parseUtcTimestamp('1970-01-01T00:00:00')).toBeUndefined()
    expect(parseUtcTimestamp('1970-01-01T24:00:00Z')).toBeUndefined()
  })
})
