import { basename, join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { beforeAll, describe, expect, it } from 'vitest'
import { canonical, firstDifference } from './canonical-values.js'
import { type ChildRead, CORPUS_ROOT, corpusFiles, mapLimit, readInChild } from './corpus-files.js'
import { PARQUET_EXPECTED } from './known-differences.js'

const FILES = [
  ...corpusFiles('parquet-testing/data', '.parquet'),
  ...corpusFiles('parquet-testing/bad_data', '.parquet'),
]

interface Reference {
  readonly ok: boolean
  readonly records?: unknown[]
  readonly message?: string
}

/** DuckDB's rows (decimals as exact text from its JSON form), or its error. */
async function duckdbRead(file: string): Promise<Reference> {
  const duck = await (await DuckDBInstance.create(':memory:')).connect()
  try {
    const path = join(CORPUS_ROOT, file).replaceAll("'", "''")
    const reader = await duck.runAndReadAll(`select * from read_parquet('${path}')`)
    const decimals = reader
      .columnNames()
      .filter((_, i) => String(reader.columnTypes()[i]).startsWith('DECIMAL'))
    const js = reader.getRowObjectsJS()
    const json = decimals.length > 0 ? reader.getRowObjectsJson() : []
    const records = js.map((row, i) => {
      const out: Record<string, unknown> = { ...row }
      for (const name of decimals) out[name] = (json[i] as Record<string, unknown>)[name]
      return out
    })
    return { ok: true, records }
  } catch (error) {
    return { ok: false, message: (error as Error).message }
  } finally {
    duck.closeSync()
  }
}

type Outcome = 'same' | 'differs' | 'format-error' | 'other-error' | 'abort'

const ours = new Map<string, ChildRead>()
const reference = new Map<string, Reference>()

function outcome(file: string): Outcome {
  const r = ours.get(file) as ChildRead
  if (r.signal !== null || r.status !== 0) return 'abort'
  if (!r.ok) return r.name === 'FormatError' ? 'format-error' : 'other-error'
  const ref = reference.get(file) as Reference
  if (!ref.ok) return 'same'
  return firstDifference(canonical(r.records) as unknown[], canonical(ref.records) as unknown[])
    ? 'differs'
    : 'same'
}

beforeAll(async () => {
  for (const file of FILES) reference.set(file, await duckdbRead(file))
  const results = await mapLimit(FILES, 2, readInChild)
  FILES.forEach((file, i) => {
    ours.set(file, results[i] as ChildRead)
  })
  const lines = FILES.map((f) => {
    const r = ours.get(f) as ChildRead
    const ref = reference.get(f) as Reference
    const detail = r.ok ? '' : ` ${r.name}: ${r.message?.slice(0, 160)}`
    return `${outcome(f).padEnd(13)} duckdb ${ref.ok ? 'ok ' : 'err'} ${f}${detail}`
  })
  console.log(`Parquet corpus (${CORPUS_ROOT}):\n${lines.join('\n')}`)
}, 1_800_000)

describe('Parquet corpus: read() + toRecords() against DuckDB', () => {
  it.each(FILES)('%s', (file) => {
    const r = ours.get(file) as ChildRead
    // Never abort: the child exits by itself with a value or an error.
    expect({ signal: r.signal, status: r.status }).toEqual({ signal: null, status: 0 })
    // Failures are typed (a code to branch on); a FormatError names the file.
    if (!r.ok) expect(r.code).toMatch(/^PF_/)
    if (r.name === 'FormatError') expect(r.message).toContain(basename(file))
    const ref = reference.get(file) as Reference
    const expected = PARQUET_EXPECTED[file]?.outcome ?? (ref.ok ? 'same' : undefined)
    if (expected === undefined) return // DuckDB cannot read it either: any typed outcome is fine
    if (outcome(file) === 'differs' && expected === 'same') {
      const diff = firstDifference(canonical(r.records) as unknown[], canonical(ref.records) as unknown[])
      expect(diff?.ours, `row ${diff?.row}`).toEqual(diff?.reference)
    }
    expect(outcome(file)).toBe(expected)
  })
})
