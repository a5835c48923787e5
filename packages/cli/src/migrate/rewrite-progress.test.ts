import type { RewriteProgress } from '@parquetframe/runtime'
import { describe, expect, it } from 'vitest'
import { RewriteProgressDisplay } from './rewrite-progress.js'

/** The reports the runtime sends for files of these row counts: before the first file, then after each. */
function reports(rowsPerFile: readonly number[]): RewriteProgress[] {
  const rowsTotal = rowsPerFile.reduce((a, b) => a + b, 0)
  const out: RewriteProgress[] = [
    { table: 't', filesDone: 0, filesTotal: rowsPerFile.length, rowsDone: 0, rowsTotal },
  ]
  let rowsDone = 0
  rowsPerFile.forEach((rows, i) => {
    rowsDone += rows
    out.push({ table: 't', filesDone: i + 1, filesTotal: rowsPerFile.length, rowsDone, rowsTotal })
  })
  return out
}

function show(mode: 'bar' | 'lines', rowsPerFile: readonly number[]): string {
  let text = ''
  const display = new RewriteProgressDisplay({ write: (t) => (text += t) }, mode, 'Event parquet → avro')
  for (const p of reports(rowsPerFile)) display.update(p)
  display.finish()
  return text
}

describe('RewriteProgressDisplay', () => {
  it('shows no fake percentage for a one-file table, and formats the counts', () => {
    expect(show('lines', [1_000_000])).toBe(
      'Event parquet → avro: rewriting 1 file (1,000,000 rows)…\nEvent parquet → avro: rewrote 1 file (1,000,000 rows)\n',
    )
    expect(show('bar', [1])).toBe(
      '\rEvent parquet → avro: rewriting 1 file (1 row)…\x1b[K\rEvent parquet → avro: rewrote 1 file (1 row)\x1b[K\n',
    )
  })

  it('shows the share of rows done between files, with grouped counts', () => {
    expect(show('lines', [250_000, 750_000])).toBe(
      'Event parquet → avro: 0/2 files, 0/1,000,000 rows (0%)\n' +
        'Event parquet → avro: 1/2 files, 250,000/1,000,000 rows (25%)\n' +
        'Event parquet → avro: 2/2 files, 1,000,000/1,000,000 rows (100%)\n',
    )
    expect(show('bar', [1, 3])).toContain(
      '\rEvent parquet → avro [######------------------]  25% 1/2 files, 1/4 rows\x1b[K',
    )
  })

  it('shows nothing for a table without data files', () => {
    expect(show('lines', [])).toBe('')
    expect(show('bar', [])).toBe('')
  })
})
