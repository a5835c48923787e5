import { DuckDBInstance } from '@duckdb/node-api'

/** Runs SQL on DuckDB, the independent reader, giving its rows JSON-shaped. */
export type DuckQuery = (sql: string) => Promise<Record<string, unknown>[]>

/** Runs `fn` with a fresh in-memory DuckDB connection, closed afterwards whatever `fn` does. */
export async function withDuckDB<T>(fn: (run: DuckQuery) => Promise<T>): Promise<T> {
  const connection = await (await DuckDBInstance.create(':memory:')).connect()
  try {
    return await fn(async (sql) => (await connection.runAndReadAll(sql)).getRowObjectsJson())
  } finally {
    connection.closeSync()
  }
}
