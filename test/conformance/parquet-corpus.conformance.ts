import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { compareCorpus } from './corpus-comparison.js'
import { CORPUS_ROOT, corpusFiles } from './corpus-files.js'
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

compareCorpus({
  corpus: 'Parquet corpus',
  referenceName: 'DuckDB',
  summaryName: 'duckdb',
  files: FILES,
  readReference: duckdbRead,
  expected: PARQUET_EXPECTED,
  ourRecords: (r) => r.records,
  referenceRecords: (ref) => ref.records,
})
