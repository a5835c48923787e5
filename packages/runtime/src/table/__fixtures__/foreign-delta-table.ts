// A Delta table another writer created (as Spark writes one: no pf.* configuration), written by hand for the tests of
// tables pf did not create.
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type pl from 'nodejs-polars'

/** What a hand-written foreign table holds. */
export interface ForeignDeltaTable {
  /** The rows, written as the one data file `a.parquet`. */
  readonly frame: pl.DataFrame
  /** The Delta schema's fields ({ name, type, nullable, metadata }). */
  readonly columns: readonly object[]
  /** The metaData id. */
  readonly id: string
  /** The table properties. Default none. */
  readonly configuration?: Record<string, string>
}

/** Writes version 0 of a one-file Delta table at `root`: commitInfo, a 1/2 protocol, metaData and the add. */
export async function writeForeignDeltaTable(root: string, table: ForeignDeltaTable): Promise<void> {
  await mkdir(join(root, '_delta_log'), { recursive: true })
  table.frame.writeParquet(join(root, 'a.parquet'))
  const v0 = [
    { commitInfo: { timestamp: 1, operation: 'WRITE' } },
    { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
    {
      metaData: {
        id: table.id,
        format: { provider: 'parquet', options: {} },
        schemaString: JSON.stringify({ type: 'struct', fields: table.columns }),
        partitionColumns: [],
        configuration: table.configuration ?? {},
      },
    },
    {
      add: {
        path: 'a.parquet',
        partitionValues: {},
        size: 1,
        modificationTime: 0,
        dataChange: true,
        stats: JSON.stringify({ numRecords: table.frame.height }),
      },
    },
  ]
  await writeFile(
    join(root, '_delta_log', '00000000000000000000.json'),
    v0.map((a) => JSON.stringify(a)).join('\n'),
  )
}
