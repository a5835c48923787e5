// What the adoption tests assert about a Spark-written table pf adopted: the adoption commit, each step's files as
// the oracle and DuckDB read them, and a refused out-of-range value that writes nothing.
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { ColumnRangeError, type Table } from '@parquetframe/runtime'
import { expect } from 'vitest'
import type { OracleWorkspace } from './oracle-workspace.js'
import { expectSameRowsAt } from './pf-agreement.js'
import { actionsOf } from './spark-table.js'

/** Asserts that the adoption commit (version 1) keeps Spark's schemaString byte for byte and sets the update mode. */
export async function expectAdoptionCommit(root: string, schemaString: string, mode: string): Promise<void> {
  const meta = (await actionsOf(root, 1)).find((a) => a.metaData)?.metaData
  if (!meta) throw new Error('the adoption commit has no metaData')
  expect(meta.schemaString).toBe(schemaString)
  expect((meta.configuration as Record<string, string>)['pf.updateMode']).toBe(JSON.stringify(mode))
}

/** What DuckDB reads from a table's live files: each distinct file layout's leaf column types, and the rows. */
export interface DuckFileView {
  readonly types: string[]
  readonly rows: Record<string, unknown>[]
}

/**
 * DuckDB's view of the live `files` of the table at `root`: each file's leaf columns as `parquet_schema` reports
 * them (`name:type:annotation` with `names`, else `type:annotation`), and the rows of `select(from)`, `from` being
 * `read_parquet` of all the files.
 */
export async function duckFileView(
  root: string,
  files: readonly string[],
  select: (from: string) => string,
  options: { readonly names: boolean },
): Promise<DuckFileView> {
  const duck = await (await DuckDBInstance.create(':memory:')).connect()
  try {
    const types = new Set<string>()
    for (const file of files) {
      const schema = await duck.runAndReadAll(
        `SELECT name, type, converted_type FROM parquet_schema('${join(root, file)}') WHERE type IS NOT NULL`,
      )
      const described = schema
        .getRowObjects()
        // A plain INT32 is a 32-bit signed integer with or without its INT_32 annotation (parquet-mr writes none);
        // a decimal(10,2) is INT64 or FIXED_LEN_BYTE_ARRAY, as a writer chooses.
        .map((r) => [
          options.names ? r.name : null,
          r.type === 'FIXED_LEN_BYTE_ARRAY' && r.converted_type === 'DECIMAL' ? 'INT64' : r.type,
          r.converted_type === 'INT_32' ? null : r.converted_type,
        ])
        .map((parts) => parts.filter((part) => part !== null).join(':'))
      types.add(described.join(','))
    }
    const list = files.map((f) => `'${join(root, f)}'`).join(', ')
    const read = await duck.runAndReadAll(select(`read_parquet([${list}])`))
    return { types: [...types], rows: read.getRowObjects() }
  } finally {
    duck.closeSync()
  }
}

/** What one step of an adopted table must show: Spark's schema, every file's leaf types and DuckDB's rows. */
export interface AdoptedStepExpectation<R extends readonly unknown[]> {
  readonly schemaString: string
  readonly fileTypes: string
  /** DuckDB's rows, the key first; their order does not matter. */
  readonly rows: readonly R[]
  /** DuckDB's view of the live files, its rows in the form of `rows`. */
  readonly view: (files: readonly string[]) => Promise<{ types: string[]; rows: R[] }>
}

/**
 * Asserts the table at `root` after `step`: the oracle sees pf's rows, the schemaString is Spark's, every live file
 * has the leaf types, and DuckDB reads the rows. Returns the rows sorted by key.
 */
export async function expectAdoptedStep<R extends readonly unknown[]>(
  ws: OracleWorkspace,
  table: Table,
  root: string,
  step: string,
  expected: AdoptedStepExpectation<R>,
): Promise<R[]> {
  await expectSameRowsAt(ws.oracle, table, root, table.version, step)
  const snapshot = await ws.oracle.snapshot(root)
  expect(snapshot.metaData.schemaString, step).toBe(expected.schemaString)
  const view = await expected.view(snapshot.files.map((f) => f.path))
  expect(view.types, step).toEqual([expected.fileTypes])
  const sorted = [...expected.rows].sort((a, b) => Number(a[0]) - Number(b[0]))
  // Files with deletion vectors still hold their deleted rows (the oracle above applies the vectors).
  if (snapshot.files.some((f) => f.deletionVector))
    for (const row of sorted) expect(view.rows, step).toContainEqual(row)
  else expect(view.rows, step).toEqual(sorted)
  return sorted
}

/**
 * Asserts that `write` of each case is refused with a ColumnRangeError whose message holds the case's text, and
 * that neither the table folder at `root` nor its log gained a file.
 */
export async function expectRangeRefusals<C>(
  root: string,
  cases: readonly (readonly [C, string])[],
  write: (change: C) => Promise<unknown>,
): Promise<void> {
  for (const [change, message] of cases) {
    const files = await readdir(root)
    const log = await readdir(join(root, '_delta_log'))
    const error = await write(change).catch((e: unknown) => e)
    expect(error, message).toBeInstanceOf(ColumnRangeError)
    expect((error as ColumnRangeError).code).toBe('PF_COLUMN_RANGE')
    expect((error as Error).message).toContain(message)
    expect(await readdir(root), message).toEqual(files)
    expect(await readdir(join(root, '_delta_log')), message).toEqual(log)
  }
}
