// A Delta table as Spark writes one (`CREATE TABLE ... AS SELECT`): its Parquet file written by DuckDB from a SQL
// query, its log (commitInfo, protocol, metaData with the given schemaString, one add) written by hand.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'

/** Spark's protocol for a table without table features. */
export const SPARK_PROTOCOL = { minReaderVersion: 1, minWriterVersion: 2 }

/** Spark's protocol once `delta.enableDeletionVectors` is set (pf adopts it merge-on-read). */
export const DV_PROTOCOL = {
  minReaderVersion: 3,
  minWriterVersion: 7,
  readerFeatures: ['deletionVectors'],
  writerFeatures: ['deletionVectors'],
}

/** What `sparkTable` writes: the table's Delta schema, its rows as a DuckDB query, its protocol. */
export interface SparkTableSpec {
  readonly schemaString: string
  readonly rows: string
  readonly protocol?: object
}

/** Writes version 0 of the table at `<dir>/<name>` as Spark does: one Parquet file of the rows, a hand-written log. */
export async function sparkTable(dir: string, name: string, spec: SparkTableSpec): Promise<string> {
  const root = join(dir, name)
  await mkdir(join(root, '_delta_log'), { recursive: true })
  const file = 'part-00000-5e1a4c3b-0000-4000-8000-000000000001-c000.snappy.parquet'
  const duck = await (await DuckDBInstance.create(':memory:')).connect()
  let numRecords: number
  try {
    await duck.run(`COPY (${spec.rows}) TO '${join(root, file)}' (FORMAT parquet, COMPRESSION snappy)`)
    const count = await duck.runAndReadAll(
      `SELECT count(*)::INTEGER AS n FROM read_parquet('${join(root, file)}')`,
    )
    numRecords = Number(count.getRowObjects()[0]?.n)
  } finally {
    duck.closeSync()
  }
  const size = (await readFile(join(root, file))).length
  const actions = [
    {
      commitInfo: {
        timestamp: 1_700_000_000_000,
        operation: 'CREATE TABLE AS SELECT',
        operationParameters: { isManaged: 'false', description: null, partitionBy: '[]', properties: '{}' },
        isolationLevel: 'Serializable',
        isBlindAppend: true,
        engineInfo: 'Apache-Spark/3.5.0 Delta-Lake/3.1.0',
      },
    },
    { protocol: spec.protocol ?? SPARK_PROTOCOL },
    {
      metaData: {
        id: `5e1a4c3b-${name.length.toString(16).padStart(4, '0')}-4000-8000-000000000000`,
        format: { provider: 'parquet', options: {} },
        schemaString: spec.schemaString,
        partitionColumns: [],
        configuration: {},
        createdTime: 1_700_000_000_000,
      },
    },
    {
      add: {
        path: file,
        partitionValues: {},
        size,
        modificationTime: 1_700_000_000_000,
        dataChange: true,
        stats: JSON.stringify({ numRecords }),
      },
    },
  ]
  await writeFile(
    join(root, '_delta_log', `${'0'.padStart(20, '0')}.json`),
    `${actions.map((a) => JSON.stringify(a)).join('\n')}\n`,
  )
  return root
}

/** The actions of one commit file, parsed. */
export async function actionsOf(
  root: string,
  version: number,
): Promise<Record<string, Record<string, unknown>>[]> {
  const text = await readFile(join(root, '_delta_log', `${String(version).padStart(20, '0')}.json`), 'utf8')
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, Record<string, unknown>>)
}
