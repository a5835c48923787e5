import pl from 'nodejs-polars'
import { entityIRFor } from '../../entity/__fixtures__/test-ir.js'
import type { EnumIR } from '../../schema/schema-ir.js'

/** An entity with a field of every pf scalar type (and an enum), all but the key optional. */
export const everyTypeEntity = entityIRFor(
  'Row',
  {
    id: 'Int',
    i: 'Int?',
    big: 'BigInt?',
    f: 'Float?',
    b: 'Boolean?',
    s: 'String?',
    j: 'Json?',
    e: 'enum:Color?',
    d: 'Date?',
    t: 'DateTime?',
    dec: 'Decimal(12,3)?',
    wide: 'Decimal(30,5)?',
    by: 'Bytes?',
  },
  { storage: 'rows' },
)

export const everyTypeEnums: EnumIR[] = [{ name: 'Color', values: ['RED', 'GREEN', 'BLUE'] }]

const texts = ['', 'a', 'héllo wörld', '日本語', '\uFEFFbom', 'x'.repeat(300)]

/**
 * Rows 0..rows-1 of `everyTypeEntity` in its table dtypes, each column null on its own pattern: 64-bit integers
 * beyond 2^53, NaN/-0/infinite floats, empty and non-ASCII text, dates and µs timestamps before 1970, decimals
 * stored as INT64 (precision 12) and FIXED_LEN_BYTE_ARRAY (precision 30).
 */
export function everyTypeFrame(rows: number): pl.DataFrame {
  const at = <T>(f: (i: number) => T, every: number) =>
    Array.from({ length: rows }, (_, i) => (i % every === every - 1 ? null : f(i)))
  const big = (i: number) => String((2n ** 62n + BigInt(i) * 7919n) * (i % 2 === 0 ? 1n : -1n))
  const micros = (i: number) => String(BigInt(i - Math.floor(rows / 2)) * 1_000_123n - 1n)
  const floats = [Number.NaN, -0, Number.POSITIVE_INFINITY, 1.5]
  return pl.DataFrame([
    pl.Series(
      'id',
      Array.from({ length: rows }, (_, i) => i),
      pl.Int64,
    ),
    pl.Series(
      'i',
      at((i) => (i * 37) % 1000, 7),
      pl.Int64,
    ),
    pl.Series('big', at(big, 5), pl.Utf8).cast(pl.Int64),
    pl.Series(
      'f',
      at((i) => floats[i % 5] ?? i / 3, 11),
      pl.Float64,
    ),
    pl.Series(
      'b',
      at((i) => i % 3 === 0, 4),
      pl.Bool,
    ),
    pl.Series(
      's',
      at((i) => `${texts[i % texts.length]}${i % 50}`, 6),
      pl.Utf8,
    ),
    pl.Series(
      'j',
      at((i) => JSON.stringify({ n: i, t: texts[i % 3] }), 9),
      pl.Utf8,
    ),
    pl.Series(
      'e',
      at((i) => ['RED', 'GREEN', 'BLUE'][i % 3] as string, 8),
      pl.Utf8,
    ),
    pl
      .Series(
        'd',
        at((i) => i - 20_000, 10),
        pl.Int32,
      )
      .cast(pl.Date),
    pl.Series('t', at(micros, 12), pl.Utf8).cast(pl.Int64).cast(pl.Datetime('us', 'UTC')),
    pl.Series(
      'dec',
      at((i) => `${i % 2 ? '-' : ''}${Math.floor(i / 7)}.${String(i % 1000).padStart(3, '0')}`, 13),
      pl.Utf8,
    ),
    pl.Series(
      'wide',
      at(
        (i) =>
          `${i % 3 ? '' : '-'}${BigInt(i) * 98_765_432_109_876_543n}.${String(i % 100_000).padStart(5, '0')}`,
        15,
      ),
      pl.Utf8,
    ),
    pl.Series(
      'by',
      at((i) => Buffer.from(`bytes-${i}-${texts[i % 4]}`).toString('base64'), 14),
      pl.Utf8,
    ),
  ])
}
