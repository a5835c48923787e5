// The spec oracle (test/delta/spec-delta-reader.ts) against the reference Delta tables written by Spark, delta-rs and
// the Delta kernels, with the expectations those projects state (EXPECTED.json). The oracle proves pf's tables in
// test/delta/*.test.ts, so it must first read other writers' tables exactly.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type OracleRead, SpecDeltaReader } from '../delta/spec-delta-reader.js'
import { duckTypeOf } from '../delta/spec-delta-schema.js'
import { type NormalValue, normalise, normalKey } from '../delta/spec-normal-form.js'
import { SpecOracleError } from '../delta/spec-oracle-error.js'
import { tablePath } from '../delta/spec-table-path.js'
import { CORPUS_ROOT } from './corpus-files.js'

/** The reference Delta tables: PF_TESTDATA_DELTA, else the `delta` folder next to the files corpus. */
const DELTA_ROOT = resolve(process.env.PF_TESTDATA_DELTA ?? join(CORPUS_ROOT, '..', 'delta'))

/** One expectation of EXPECTED.json (see its `note`). */
interface Expectation {
  readonly from: string
  readonly version?: number
  readonly column?: string
  readonly values?: readonly unknown[]
  readonly valueSet?: readonly unknown[]
  readonly rows?: readonly Record<string, unknown>[]
  readonly rowsColumns?: Readonly<Record<string, readonly unknown[]>>
  readonly project?: boolean
  readonly rowCount?: number
  readonly files?: readonly string[]
  readonly tombstones?: number
  readonly minDeletedByDv?: number
  readonly expectedParquet?: string
  readonly expectErrors?: readonly string[]
  readonly knownDefects?: readonly string[]
}

const EXPECTED = JSON.parse(readFileSync(join(DELTA_ROOT, 'EXPECTED.json'), 'utf8')) as {
  tables: Record<string, Expectation[]>
}
const TABLES = Object.entries(EXPECTED.tables)

/**
 * A comparison key between the oracle's normal form and EXPECTED.json's JSON values, which write longs as numbers
 * or strings: every number prints as its decimal text; objects compare with sorted keys.
 */
function looseKey(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (typeof value === 'bigint' || typeof value === 'number') return `#${value}`
  if (typeof value === 'string')
    return /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(value) ? `#${value}` : JSON.stringify(value)
  if (value instanceof Uint8Array) return `0x${Buffer.from(value).toString('hex')}`
  if (Array.isArray(value)) return `[${value.map(looseKey).join(',')}]`
  if (typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${k}:${looseKey((value as Record<string, unknown>)[k])}`)
      .join(',')}}`
  return String(value)
}

const sortedKeys = (values: readonly unknown[], key: (v: unknown) => string): string[] =>
  values.map(key).sort()

/** The Spark-written expected rows, read with DuckDB and cast to the table's types by column name. */
async function expectedParquetRows(read: OracleRead, folder: string): Promise<NormalValue[]> {
  const dir = join(DELTA_ROOT, folder)
  const files = readdirSync(dir).filter((f) => f.endsWith('.parquet') && !f.startsWith('.'))
  const duck = await (await DuckDBInstance.create(':memory:')).connect()
  try {
    await duck.run("SET TimeZone = 'UTC'")
    const list = files.map((f) => `'${join(dir, f).replaceAll("'", "''")}'`).join(', ')
    const selects = read.fields.map((field) => {
      const t = duckTypeOf(field.type)
      const id = `"${field.name.replaceAll('"', '""')}"`
      return t ? `CAST(${id} AS ${t})` : id
    })
    const result = await duck.runAndReadAll(`select ${selects.join(', ')} from read_parquet([${list}])`)
    return result.getRows().map((row) => {
      const out: Record<string, NormalValue> = {}
      read.fields.forEach((field, i) => {
        out[field.name] = normalise(row[i] ?? null, field.type, 'none')
      })
      return out
    })
  } finally {
    duck.closeSync()
  }
}

let reader: SpecDeltaReader
beforeAll(async () => {
  reader = await SpecDeltaReader.open()
})
afterAll(() => reader.close())

describe('the spec oracle reads the reference Delta tables as their writers expect', () => {
  it('covers every table of EXPECTED.json', () => {
    expect(TABLES.length).toBe(64)
  })

  it.each(TABLES)('%s', async (name, expectations) => {
    const root = join(DELTA_ROOT, name)
    for (const e of expectations) {
      const at = `${name}${e.version === undefined ? '' : `@${e.version}`} (${e.from})`
      if (e.expectErrors) {
        const error = await reader.read(root, e.version).catch((err: unknown) => err)
        expect(error, `${at}: must refuse (${e.expectErrors.join(', ')})`).toBeInstanceOf(SpecOracleError)
        continue
      }
      const read = await reader.read(root, e.version)
      if (e.version !== undefined) expect(read.snapshot.version, at).toBe(e.version)
      // Statistics an engine would skip files by: only the fixture documented as defective has wrong ones.
      const problems = await reader.statsProblems(root, e.version)
      if (e.knownDefects?.includes('stats-max-mismatch'))
        expect(problems.filter((p) => p.includes('maxValues')).length, at).toBeGreaterThan(0)
      else expect(problems, at).toEqual([])
      if (e.rowCount !== undefined) expect(read.rows.length, at).toBe(e.rowCount)
      if (e.column !== undefined && e.values !== undefined)
        expect(
          sortedKeys(
            read.rows.map((r) => r[e.column as string]),
            looseKey,
          ),
          at,
        ).toEqual(sortedKeys(e.values, looseKey))
      if (e.column !== undefined && e.valueSet !== undefined)
        expect([...new Set(read.rows.map((r) => looseKey(r[e.column as string])))].sort(), at).toEqual(
          sortedKeys(e.valueSet, looseKey),
        )
      if (e.rows !== undefined)
        expect(sortedKeys(read.rows, looseKey), at).toEqual(sortedKeys(e.rows, looseKey))
      if (e.rowsColumns !== undefined) {
        const columns = Object.keys(e.rowsColumns)
        const n = (e.rowsColumns[columns[0] as string] ?? []).length
        const expected = Array.from({ length: n }, (_, i) =>
          Object.fromEntries(columns.map((c) => [c, (e.rowsColumns as Record<string, unknown[]>)[c]?.[i]])),
        )
        const seen = read.rows.map((r) => (e.project ? Object.fromEntries(columns.map((c) => [c, r[c]])) : r))
        expect(sortedKeys(seen, looseKey), at).toEqual(sortedKeys(expected, looseKey))
      }
      if (e.files !== undefined)
        expect(read.snapshot.files.map((f) => relative(root, tablePath(root, f.path))).sort(), at).toEqual(
          [...e.files].sort(),
        )
      if (e.tombstones !== undefined) expect(read.snapshot.tombstones.length, at).toBe(e.tombstones)
      if (e.minDeletedByDv !== undefined) {
        const deleted = read.snapshot.files.reduce((sum, f) => sum + (f.deletionVector?.cardinality ?? 0), 0)
        expect(deleted, at).toBeGreaterThanOrEqual(e.minDeletedByDv)
      }
      if (e.expectedParquet !== undefined) {
        const expected = await expectedParquetRows(read, e.expectedParquet)
        expect(read.rows.length, at).toBe(expected.length)
        expect(sortedKeys(read.rows, normalKey), at).toEqual(sortedKeys(expected, normalKey))
      }
    }
  })
})
