import pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
import { isRowLocal } from './row-local.js'

const c = pl.col

describe('isRowLocal', () => {
  const rowLocal: [string, pl.Expr][] = [
    ['a column', c('a')],
    ['arithmetic with literals', c('a').add(1).mul(c('b')).alias('y')],
    ['a cast', c('a').cast(pl.Float64)],
    ['when/then/otherwise', pl.when(c('a').gt(1)).then(c('b')).otherwise(pl.lit(0))],
    [
      'null checks and is_in',
      c('a')
        .isNull()
        .or(c('a').isIn([1, 2])),
    ],
    ['fill_null with a literal', c('a').fillNull(0)],
    ['rounding and abs', c('a').abs().round(2)],
    [
      'string functions',
      c('s')
        .str.contains('x')
        .and(c('s').str.slice(0, 2).eq(pl.lit('ab'))),
    ],
    ['opaque string functions (shown as map)', c('s').str.toUpperCase().alias('u')],
    ['a date part', c('d').date.year()],
    ['list and struct functions of each row', c('l').lst.sum().add(c('l').lst.lengths())],
    ['a selector', pl.all().exclude('a')],
  ]
  const notRowLocal: [string, pl.Expr][] = [
    ['sum', c('a').sum().alias('s')],
    ['len', pl.len()],
    ['count', c('a').count()],
    ['mean inside fill_null', c('a').fillNull(c('a').mean())],
    ['a comparison with the mean', c('a').gt(c('a').mean())],
    ['a window', c('a').sum().over('g')],
    ['cumulative sum', c('a').cumSum()],
    ['shift', c('a').shift(1)],
    ['rank', c('a').rank()],
    ['diff', c('a').diff(1, 'ignore')],
    ['head', c('a').head(2)],
    ['unique', c('a').unique()],
    ['is_duplicated', c('a').isDuplicated()],
    ['sort', c('a').sort()],
    ['a filter inside the expression', c('a').filter(c('a').gt(1))],
    ['explode', c('a').explode()],
    ['a string concatenation of every row', c('s').str.concat('-')],
    ['a sum of an opaque function', c('s').str.lengths().sum()],
    ['extendConstant (opaque, appends rows)', c('a').extendConstant(1, 2)],
    ['a fill_null strategy', c('a').fillNull('forward')],
  ]
  it.each(rowLocal)('%s is row-local', (_, expr) => expect(isRowLocal(expr)).toBe(true))
  it.each(notRowLocal)('%s is not row-local', (_, expr) => expect(isRowLocal(expr)).toBe(false))
})
