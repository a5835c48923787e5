import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runMain } from '../testing/run-main.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pf-inspect-foreign-'))
  const duck = await (await DuckDBInstance.create(':memory:')).connect()
  await duck.run(
    `copy (select map {'a': 1} as m, '\\xDE\\xAD'::blob as b, 1.5::decimal(10,2) as d) to '${join(dir, 'duck.parquet')}' (compression snappy)`,
  )
  duck.closeSync()
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

function pf(args: string) {
  return runMain(dir, args.split(' '))
}

describe('pf inspect on a Parquet file written by another tool', () => {
  it('says what it found: writer, codec, logical types, the footer rewrite, every column', async () => {
    const r = await pf('inspect duck.parquet')
    expect(r.err).not.toContain('internal error')
    expect(r.code).toBe(0)
    expect(r.out).toContain('  rows     1\n  columns  3\n')
    expect(r.out).toMatch(/\n {4}b {2}Binary/)
    expect(r.out).toMatch(/\n {2}writer {3}DuckDB/)
    expect(r.out).toContain('  codecs   SNAPPY\n')
    expect(r.out).toContain('    m: MAP\n')
    expect(r.out).toContain('    d: DECIMAL\n')
    expect(r.out).toContain('  read as  column m: MAP read as a list of {key, value} structs\n')
  })
})
