// A column-mapped Delta table another writer created, written by hand: its Parquet file by DuckDB with field ids,
// its log (protocol 2/5, metaData with the mapping, one add) as JSON lines.
import { mkdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { withDuckDB } from './duckdb-session.js'

/** A column of the table: its Delta field and the column id and physical name the mapping gives it. */
export interface MappedColumn {
  readonly name: string
  readonly type: string
  readonly nullable: boolean
  readonly id: number
  readonly physicalName: string
}

/** What a hand-written column-mapped table holds. */
export interface ColumnMappedTable {
  readonly mode: 'id' | 'name'
  readonly columns: readonly MappedColumn[]
  /** DuckDB's query of the rows, its columns named by their physical names. */
  readonly rows: string
  /** The metaData id. */
  readonly id: string
}

/** Writes version 0 of the table at `root`: one data file `a.parquet` whose columns carry their ids as field_id. */
export async function writeColumnMappedTable(root: string, table: ColumnMappedTable): Promise<void> {
  await mkdir(join(root, '_delta_log'), { recursive: true })
  const file = join(root, 'a.parquet')
  const fieldIds = table.columns.map((c) => `"${c.physicalName}": ${c.id}`).join(', ')
  const [count] = await withDuckDB(async (run) => {
    await run(`copy (${table.rows}) to '${file}' (format parquet, field_ids {${fieldIds}})`)
    return run(`select count(*)::integer as n from read_parquet('${file}')`)
  })
  const fields = table.columns.map((c) => ({
    name: c.name,
    type: c.type,
    nullable: c.nullable,
    metadata: { 'delta.columnMapping.id': c.id, 'delta.columnMapping.physicalName': c.physicalName },
  }))
  const actions = [
    { protocol: { minReaderVersion: 2, minWriterVersion: 5 } },
    {
      metaData: {
        id: table.id,
        format: { provider: 'parquet', options: {} },
        schemaString: JSON.stringify({ type: 'struct', fields }),
        partitionColumns: [],
        configuration: {
          'delta.columnMapping.mode': table.mode,
          'delta.columnMapping.maxColumnId': String(Math.max(...table.columns.map((c) => c.id))),
        },
        createdTime: 1,
      },
    },
    {
      add: {
        path: 'a.parquet',
        partitionValues: {},
        size: (await stat(file)).size,
        modificationTime: 1,
        dataChange: true,
        stats: JSON.stringify({ numRecords: count?.n }),
      },
    },
  ]
  await writeFile(
    join(root, '_delta_log', '00000000000000000000.json'),
    `${actions.map((a) => JSON.stringify(a)).join('\n')}\n`,
  )
}
