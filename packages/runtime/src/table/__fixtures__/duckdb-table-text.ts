import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import type { Table } from '../table.js'

/** A table's SQL types and values as DuckDB reads every live file (text forms compare every value exactly). */
export interface DuckTableText {
  /** `[column, SQL type]` pairs of `describe`. */
  readonly types: unknown
  /** The rows, each column cast to varchar. */
  readonly rows: unknown
}

/**
 * Every row of the table's live files as DuckDB reads them (rows a deletion vector hides included): `columns` cast
 * to text, ordered by `id` or, where keys repeat, by every column (`all`).
 */
export async function duckTableText(
  table: Table,
  columns: readonly string[],
  orderBy: 'id' | 'all' = 'id',
): Promise<DuckTableText> {
  const files = (await table.snapshot()).files.map((f) => join(table.path, f.add.path))
  const list = files.map((f) => `'${f.replaceAll("'", "''")}'`).join(', ')
  const duck = await (await DuckDBInstance.create(':memory:')).connect()
  try {
    const described = await duck.runAndReadAll(`describe select * from read_parquet([${list}])`)
    const types = described.getRows().map((r) => [String(r[0]), String(r[1])])
    const read = await duck.runAndReadAll(
      `select ${columns.map((c) => `cast("${c}" as varchar) as "${c}"`).join(', ')} from read_parquet([${list}]) order by ${orderBy}`,
    )
    return { types, rows: read.getRowObjectsJS() }
  } finally {
    duck.closeSync()
  }
}
