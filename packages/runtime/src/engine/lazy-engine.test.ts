import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pl from 'nodejs-polars'
import { expect, it } from 'vitest'
import { LazyEngine } from './lazy-engine.js'

it('derives each template from its parent by the same operation, reading no data again', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pf-lazy-'))
  const path = join(dir, 'a.parquet')
  pl.DataFrame({ k: ['a', 'b', 'a'], v: [1, 2, 3] }).writeParquet(path)
  const root = new LazyEngine(pl.scanParquet(path), path)
  expect(root.template.columns).toEqual(['k', 'v'])
  // With the file gone, a template that ran the scan again would fail; one derived from the root's does not.
  rmSync(dir, { recursive: true })
  const grouped = root
    .filter(pl.col('v').gt(1))
    .withColumns([pl.col('v').mul(2).alias('w')])
    .aggregate({ keys: [pl.col('k')], aggs: [pl.col('w').sum().alias('total')], sort: true })
  expect(grouped.template.schema).toEqual({ k: pl.String, total: pl.Float64 })
  const joined = root.join(root.select([pl.col('k'), pl.col('v').alias('u')]), {
    how: 'inner',
    leftOn: ['k'],
    rightOn: ['k'],
    suffix: '_r',
  })
  expect(joined.template.columns).toEqual(['k', 'v', 'u'])
})
