import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  deletionVectorAbsolutePath,
  readDeletionVector,
} from '../../packages/runtime/src/delta/deletion-vector.js'
import { type DeltaDeletionVector, deletionVectorId } from '../../packages/runtime/src/delta/delta-actions.js'
import { decodeDeltaPath } from '../../packages/runtime/src/delta/delta-paths.js'
import type { RoaringBitmapArray } from '../../packages/runtime/src/delta/roaring-bitmap-array.js'

// The reference Delta tables (written by Spark, delta-rs and the Delta kernels; see SOURCES.md there) next to the
// corpus of corpus-files.ts: $PF_TESTDATA/../delta, else ../shared/testdata/delta. Every deletion vector of every
// table is decoded; where EXPECTED.json states a table's rows, the data files read by DuckDB with
// `file_row_number`, minus the decoded positions, must be exactly those rows.
const DELTA_ROOT = resolve(
  process.env.PF_TESTDATA !== undefined
    ? join(process.env.PF_TESTDATA, '..', 'delta')
    : fileURLToPath(new URL('../../../shared/testdata/delta', import.meta.url)),
)

/** The tables whose logs hold deletion vectors (the brief's list plus delta-rs' table_with_deletion_logs). */
const TABLES_WITH_DVS = [
  'delta-rs/table-with-dv-small',
  'delta-rs/table_with_deletion_logs',
  'kernel-rs/with-short-dv',
  'kernel-java/basic-dv-no-checkpoint',
  'kernel-java/basic-dv-with-checkpoint',
  'golden/dv-partitioned-with-checkpoint',
  'golden/dv-with-columnmapping',
  'golden/log-replay-dv-key-cases',
]

/** An `add` or `remove` action, as much of it as this test reads. */
interface FileAction {
  readonly path: string
  readonly partitionValues?: Record<string, string | null> | null
  readonly stats?: string | null
  readonly deletionVector?: DeltaDeletionVector | null
}

/** A deletion vector descriptor found in a table's log, and where. */
interface FoundDv {
  readonly table: string
  /** The log file (commit JSON or checkpoint Parquet) it was found in. */
  readonly source: string
  readonly action: 'add' | 'remove'
  readonly file: FileAction
  readonly dv: DeltaDeletionVector
}

/** One expectation of EXPECTED.json (the forms this test checks; others are ignored). */
interface Expectation {
  readonly column?: string
  readonly values?: unknown[]
  readonly rows?: Record<string, unknown>[]
  readonly rowsColumns?: Record<string, unknown[]>
  readonly project?: boolean
  readonly expectedParquet?: string
  readonly minDeletedByDv?: number
}

let duck: DuckDBConnection
const found: FoundDv[] = []
const decoded = new Map<string, RoaringBitmapArray>()

function tablesUnder(root: string): string[] {
  const out: string[] = []
  const walk = (dir: string): void => {
    if (existsSync(join(dir, '_delta_log'))) out.push(relative(DELTA_ROOT, dir))
    else
      for (const name of readdirSync(dir).sort())
        if (statSync(join(dir, name)).isDirectory()) walk(join(dir, name))
  }
  walk(root)
  return out
}

function logFiles(table: string): string[] {
  const log = join(DELTA_ROOT, table, '_delta_log')
  const sidecars = join(log, '_sidecars')
  return [
    ...readdirSync(log)
      .sort()
      .map((n) => join(log, n)),
    ...(existsSync(sidecars) ? readdirSync(sidecars).map((n) => join(sidecars, n)) : []),
  ]
}

/** The add/remove actions of a commit JSON file, in order. */
function jsonActions(file: string): { action: 'add' | 'remove'; file: FileAction }[] {
  const out: { action: 'add' | 'remove'; file: FileAction }[] = []
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue
    const parsed = JSON.parse(line) as { add?: FileAction; remove?: FileAction }
    if (parsed.add) out.push({ action: 'add', file: parsed.add })
    if (parsed.remove) out.push({ action: 'remove', file: parsed.remove })
  }
  return out
}

/** The add/remove actions of a checkpoint (or sidecar) Parquet file, read by DuckDB. */
async function parquetActions(file: string): Promise<{ action: 'add' | 'remove'; file: FileAction }[]> {
  const quoted = file.replaceAll("'", "''")
  const columns = (await duck.runAndReadAll(`describe select * from read_parquet('${quoted}')`))
    .getRowObjectsJS()
    .map((r) => String(r.column_name))
  const out: { action: 'add' | 'remove'; file: FileAction }[] = []
  for (const action of ['add', 'remove'] as const) {
    if (!columns.includes(action)) continue
    const reader = await duck.runAndReadAll(
      `select to_json(${action}) as a from read_parquet('${quoted}') where ${action} is not null`,
    )
    for (const row of reader.getRowObjectsJS())
      out.push({ action, file: JSON.parse(String(row.a)) as FileAction })
  }
  return out
}

function numRecords(file: FileAction): number | undefined {
  if (!file.stats) return undefined
  const n = (JSON.parse(file.stats) as { numRecords?: number }).numRecords
  return typeof n === 'number' ? n : undefined
}

/** The live logical files of a table at its latest version, replaying every commit JSON (key: path + DV id). */
function liveFiles(table: string): { files: FileAction[]; schemaString: string } {
  const log = join(DELTA_ROOT, table, '_delta_log')
  const commits = readdirSync(log)
    .filter((n) => /^\d{20}\.json$/.test(n))
    .sort()
  commits.forEach((name, version) => {
    expect(name, `${table}: commit ${version} missing, the JSON history must be complete`).toBe(
      `${String(version).padStart(20, '0')}.json`,
    )
  })
  const live = new Map<string, FileAction>()
  let schemaString = ''
  for (const name of commits) {
    for (const line of readFileSync(join(log, name), 'utf8').split('\n')) {
      if (line.trim() === '') continue
      const parsed = JSON.parse(line) as {
        add?: FileAction
        remove?: FileAction
        metaData?: { schemaString: string }
      }
      if (parsed.metaData) schemaString = parsed.metaData.schemaString
      const key = (f: FileAction) => `${f.path}\u0000${deletionVectorId(f.deletionVector) ?? ''}`
      if (parsed.remove) live.delete(key(parsed.remove))
      if (parsed.add) live.set(key(parsed.add), parsed.add)
    }
  }
  return { files: [...live.values()], schemaString }
}

interface SchemaField {
  readonly name: string
  readonly type: unknown
  readonly metadata?: Record<string, unknown>
}

/** The rows of a table: each live file read by DuckDB, minus its DV's positions, with partition values and logical names. */
async function tableRows(table: string): Promise<Record<string, unknown>[]> {
  const { files, schemaString } = liveFiles(table)
  const fields = (JSON.parse(schemaString) as { fields: SchemaField[] }).fields
  const logicalName = new Map<string, string>()
  const typeOf = new Map<string, unknown>()
  for (const f of fields) {
    const physical = f.metadata?.['delta.columnMapping.physicalName']
    logicalName.set(typeof physical === 'string' ? physical : f.name, f.name)
    typeOf.set(f.name, f.type)
  }
  const rows: Record<string, unknown>[] = []
  for (const file of files) {
    const decodedPath = decodeDeltaPath(file.path)
    if (!decodedPath.ok) throw new Error(`${table}: ${decodedPath.problem}`)
    const path = join(DELTA_ROOT, table, ...decodedPath.path.split('/')).replaceAll("'", "''")
    const deleted = file.deletionVector
      ? await readDeletionVector(file.deletionVector, join(DELTA_ROOT, table), (p) => readFile(p))
      : undefined
    const reader = await duck.runAndReadAll(`select * from read_parquet('${path}', file_row_number=true)`)
    for (const raw of reader.getRowObjectsJS()) {
      if (deleted?.has(Number(raw.file_row_number))) continue
      const row: Record<string, unknown> = {}
      for (const [column, value] of Object.entries(raw))
        if (column !== 'file_row_number') row[logicalName.get(column) ?? column] = value
      for (const [column, value] of Object.entries(file.partitionValues ?? {})) {
        const name = logicalName.get(column) ?? column
        const integral = ['byte', 'short', 'integer', 'long'].includes(String(typeOf.get(name)))
        row[name] = value === null ? null : integral ? Number(value) : value
      }
      rows.push(row)
    }
  }
  return rows
}

/** A value as comparable JSON: integers as numbers, timestamps as ISO text in milliseconds. */
function canonical(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value)
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value))
    return new Date(Date.parse(value)).toISOString()
  return value
}

function rowKey(row: Record<string, unknown>, columns?: readonly string[]): string {
  const names = (columns ?? Object.keys(row)).slice().sort()
  return JSON.stringify(names.map((n) => [n, canonical(row[n])]))
}

function multiset(rows: Record<string, unknown>[], columns?: readonly string[]): string[] {
  return rows.map((r) => rowKey(r, columns)).sort()
}

const EXPECTED = (): Record<string, Expectation[]> =>
  (
    JSON.parse(readFileSync(join(DELTA_ROOT, 'EXPECTED.json'), 'utf8')) as {
      tables: Record<string, Expectation[]>
    }
  ).tables

beforeAll(async () => {
  if (!existsSync(DELTA_ROOT))
    throw new Error(
      `No reference Delta tables at ${DELTA_ROOT}: set PF_TESTDATA to the testdata/files folder`,
    )
  duck = await (await DuckDBInstance.create(':memory:')).connect()
  for (const table of tablesUnder(DELTA_ROOT)) {
    for (const source of logFiles(table)) {
      const name = source.split('/').pop() as string
      let actions: { action: 'add' | 'remove'; file: FileAction }[] = []
      if (/^\d{20}\.json$/.test(name)) actions = jsonActions(source)
      else if (/\.parquet$/.test(name)) actions = await parquetActions(source)
      for (const { action, file } of actions)
        if (file.deletionVector) found.push({ table, source, action, file, dv: file.deletionVector })
    }
  }
})

afterAll(() => {
  duck?.closeSync()
})

describe('Delta deletion vectors of the reference tables', () => {
  it('finds deletion vectors, in JSON commits and in checkpoints, in every table known to have them', () => {
    const tables = new Set(found.map((f) => f.table))
    for (const table of TABLES_WITH_DVS) expect(tables, table).toContain(table)
    expect(found.some((f) => f.source.endsWith('.parquet'))).toBe(true)
    expect(found.length).toBeGreaterThan(100)
  })

  it('decodes every one: cardinality as described, positions inside the data file, the same bitmap bytes on re-encoding', async () => {
    for (const f of found) {
      const root = join(DELTA_ROOT, f.table)
      const label = `${f.table} ${relative(root, f.source)} ${f.action} ${f.file.path} ${deletionVectorId(f.dv)}`
      const bitmap = await readDeletionVector(f.dv, root, (p) => readFile(p))
      decoded.set(`${f.table}\u0000${deletionVectorId(f.dv)}`, bitmap)
      expect(bitmap.size, label).toBe(f.dv.cardinality)
      expect(bitmap.toSortedArray().length, label).toBe(f.dv.cardinality)
      const records = numRecords(f.file)
      if (records !== undefined) expect(bitmap.max() ?? -1, label).toBeLessThan(records)
      if (f.dv.storageType !== 'i') {
        const bytes = await readFile(deletionVectorAbsolutePath(f.dv, root))
        const offset = f.dv.offset ?? 1
        const original = bytes.subarray(offset + 4, offset + 4 + f.dv.sizeInBytes)
        expect(Buffer.from(bitmap.serialize()).equals(original), `${label}: re-encoded bytes differ`).toBe(
          true,
        )
      }
    }
    expect(decoded.size).toBeGreaterThan(50)
  })

  it("deletes rows 0 and 9 of delta-rs' table-with-dv-small (its selection vector [F,T,T,T,T,T,T,T,T,F])", async () => {
    const dvs = found.filter((f) => f.table === 'delta-rs/table-with-dv-small')
    expect(dvs).toHaveLength(1)
    const dv = dvs[0] as FoundDv
    const bitmap = await readDeletionVector(dv.dv, join(DELTA_ROOT, dv.table), (p) => readFile(p))
    expect(bitmap.toSortedArray()).toEqual([0, 9])
  })

  const checked = new Set<string>()
  for (const table of TABLES_WITH_DVS) {
    it(`${table}: its data files read by DuckDB minus the decoded positions are EXPECTED.json's rows`, async () => {
      const expectations = EXPECTED()[table] ?? []
      const rows = await tableRows(table)
      for (const e of expectations) {
        if (e.column !== undefined && e.values !== undefined) {
          expect(rows.map((r) => canonical(r[e.column as string])).sort(), table).toEqual(
            e.values.map(canonical).sort(),
          )
          checked.add(table)
        }
        if (e.rows !== undefined) {
          expect(multiset(rows), table).toEqual(multiset(e.rows))
          checked.add(table)
        }
        if (e.rowsColumns !== undefined) {
          const columns = Object.keys(e.rowsColumns)
          const length = (Object.values(e.rowsColumns)[0] ?? []).length
          const expected = Array.from({ length }, (_, i) =>
            Object.fromEntries(columns.map((c) => [c, e.rowsColumns?.[c]?.[i]])),
          )
          expect(multiset(rows, e.project ? columns : undefined), table).toEqual(multiset(expected))
          checked.add(table)
        }
        if (e.expectedParquet !== undefined) {
          const folder = join(DELTA_ROOT, e.expectedParquet).replaceAll("'", "''")
          const expected = (
            await duck.runAndReadAll(`select * from read_parquet('${folder}/*.parquet')`)
          ).getRowObjectsJS()
          expect(multiset(rows), table).toEqual(multiset(expected))
          checked.add(table)
        }
        if (e.minDeletedByDv !== undefined) {
          const deleted = found
            .filter((f) => f.table === table)
            .reduce((max, f) => Math.max(max, f.dv.cardinality), 0)
          expect(deleted, table).toBeGreaterThanOrEqual(e.minDeletedByDv)
        }
      }
    })
  }

  it('compared rows for every table whose expectations state them', () => {
    expect([...checked].sort()).toEqual(
      TABLES_WITH_DVS.filter((t) => t !== 'delta-rs/table_with_deletion_logs').sort(),
    )
  })
})
