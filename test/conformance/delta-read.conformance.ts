// pf's `read()` of the reference Delta tables written by Spark, delta-rs and the Delta kernels, against the spec
// oracle (test/delta/spec-delta-reader.ts, proven on the same tables by delta-oracle.conformance.ts): at every
// version EXPECTED.json names, pf returns exactly the oracle's rows (same normal form as the pf/oracle agreement
// tests, timestamps to the microsecond), refuses a table its writers expect to be refused, and refuses with
// TableProtocolError, naming the feature and the table, each table that needs a reader feature pf lacks (the list
// below, checked both ways).
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { Frame, ParquetFrameError, read, TableProtocolError } from '@parquetframe/runtime'
import pl from 'nodejs-polars'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pfRows } from '../delta/pf-normal-form.js'
import { rowDifference } from '../delta/row-difference.js'
import { SpecDeltaReader } from '../delta/spec-delta-reader.js'
import { CORPUS_ROOT } from './corpus-files.js'

/** The reference Delta tables: PF_TESTDATA_DELTA, else the `delta` folder next to the files corpus. */
const DELTA_ROOT = resolve(process.env.PF_TESTDATA_DELTA ?? join(CORPUS_ROOT, '..', 'delta'))

interface Expectation {
  readonly from: string
  readonly version?: number
  readonly expectErrors?: readonly string[]
}

const EXPECTED = JSON.parse(readFileSync(join(DELTA_ROOT, 'EXPECTED.json'), 'utf8')) as {
  tables: Record<string, Expectation[]>
}
const TABLES = Object.entries(EXPECTED.tables)

/**
 * Tables pf refuses because they need something pf does not read yet, and the words its TableProtocolError must
 * contain. Each must be refused (not misread); a table missing here must be read exactly. None today: V2
 * checkpoints, type widening, column mapping id mode and vacuumProtocolCheck are read.
 */
const PF_LACKS: Readonly<Record<string, string>> = {}

/**
 * pf's records of a frame, top-level timestamps as the oracle's normal-form text (microseconds; `Z` when UTC):
 * a JS Date (what toRecords gives) holds milliseconds only, and the comparison must see every digit the frame holds.
 */
function exactRecords(df: pl.DataFrame): Promise<Record<string, unknown>[]> {
  const timestamps = df.columns.flatMap((c, i) => {
    const dtype = String(df.dtypes[i])
    if (!dtype.includes('Datetime')) return []
    const utc = dtype.includes('UTC')
    const text = pl
      .col(c)
      .cast(pl.Datetime('us', utc ? 'UTC' : undefined))
      .dt.strftime(`%Y-%m-%dT%H:%M:%S%.6f${utc ? 'Z' : ''}`)
    return [text.alias(c)]
  })
  return Frame.fromDataFrame(timestamps.length > 0 ? df.withColumns(...timestamps) : df).toRecords()
}

let oracle: SpecDeltaReader
beforeAll(async () => {
  oracle = await SpecDeltaReader.open()
})
afterAll(() => oracle.close())

describe('read() of Delta tables written by others', () => {
  it('covers every table of EXPECTED.json', () => {
    expect(TABLES.length).toBe(64)
  })

  it.each(TABLES)('%s', async (name, expectations) => {
    const root = join(DELTA_ROOT, name)
    for (const e of expectations) {
      const at = `${name}${e.version === undefined ? '' : `@${e.version}`}`
      const options = e.version === undefined ? {} : { version: e.version }
      if (e.expectErrors) {
        const error = await read(root, options).catch((err: unknown) => err)
        expect(error, `${at}: must refuse (${e.expectErrors.join(', ')})`).toBeInstanceOf(ParquetFrameError)
        continue
      }
      const lacks = PF_LACKS[name]
      if (lacks !== undefined) {
        const error = await read(root, options).catch((err: unknown) => err)
        expect(error, `${at}: pf lacks ${lacks}`).toBeInstanceOf(TableProtocolError)
        expect((error as Error).message).toContain(lacks)
        expect((error as Error).message).toContain(name)
        continue
      }
      const seen = await oracle.read(root, e.version)
      const records = await exactRecords(await (await read(root, options)).toDataFrame())
      expect(
        rowDifference(seen.rows, pfRows(records, seen.fields), 5),
        `${at}: ${seen.rows.length} rows for the oracle, ${records.length} for pf`,
      ).toEqual({ onlyOracle: [], onlyPf: [] })
      expect(records.length, at).toBe(seen.rows.length)
    }
  })
})
