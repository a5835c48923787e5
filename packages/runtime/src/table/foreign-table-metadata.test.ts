import { mkdir, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import pl from 'nodejs-polars'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempDir } from './__fixtures__/user-entity.js'
import { foreignSchemaOf } from './foreign-table-metadata.js'
import { openTable } from './table.js'
import { TableProtocolError } from './table-errors.js'

let dir: string
let cleanup: () => Promise<void>
beforeEach(async () => {
  ;({ dir, cleanup } = await tempDir())
})
afterEach(() => cleanup())

/** A Delta table as Spark would write it: an `integer` column, no pf.* configuration. */
async function sparkTable(root: string): Promise<void> {
  await mkdir(join(root, '_delta_log'), { recursive: true })
  pl.DataFrame({ id: pl.Series('id', [1, 2], pl.Int32), name: ['a', 'b'] }).writeParquet(
    join(root, 'a.parquet'),
  )
  const schemaString = JSON.stringify({
    type: 'struct',
    fields: [
      { name: 'id', type: 'integer', nullable: false, metadata: {} },
      { name: 'name', type: 'string', nullable: true, metadata: {} },
    ],
  })
  const v0 = [
    { commitInfo: { timestamp: 1, operation: 'WRITE' } },
    { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
    {
      metaData: {
        id: 'e0b5a1c4-0000-4000-8000-000000000002',
        format: { provider: 'parquet', options: {} },
        schemaString,
        partitionColumns: [],
        configuration: { 'delta.appendOnly': 'false' },
      },
    },
    {
      add: {
        path: 'a.parquet',
        partitionValues: {},
        size: 1,
        modificationTime: 0,
        dataChange: true,
        stats: '{"numRecords":2}',
      },
    },
  ]
  await writeFile(
    join(root, '_delta_log', '00000000000000000000.json'),
    v0.map((a) => JSON.stringify(a)).join('\n'),
  )
}

describe('a Delta table another writer created', () => {
  it('opens with metadata derived from its Delta schema (the schema kept for readers)', async () => {
    const root = join(dir, 'spark')
    await sparkTable(root)
    const table = await openTable(root)
    expect(foreignSchemaOf(table.metadata)?.fields.map((f) => [f.name, f.type])).toEqual([
      ['id', 'integer'],
      ['name', 'string'],
    ])
    expect(table.metadata.entity.fields.map((f) => [f.column, f.type, f.optional])).toEqual([
      ['id', { kind: 'scalar', name: 'Int' }, false],
      ['name', { kind: 'scalar', name: 'String' }, true],
    ])
  })

  it('is never written by pf: commits and checkpoints are refused and the log stays as its writer left it', async () => {
    const root = join(dir, 'spark')
    await sparkTable(root)
    const table = await openTable(root)
    const append = await table
      .append(pl.DataFrame({ id: pl.Series('id', [3], pl.Int64), name: ['c'] }))
      .catch((e: unknown) => e)
    expect(String((append as Error).message)).toContain('does not write to it')
    await expect(table.checkpoint()).rejects.toBeInstanceOf(TableProtocolError)
    expect(await readdir(join(root, '_delta_log'))).toEqual(['00000000000000000000.json'])
    expect((await readdir(root)).filter((n) => n.endsWith('.parquet'))).toEqual(['a.parquet'])
    expect(await readdir(join(root, '_pf', 'checkpoints')).catch(() => [])).toEqual([])
  })
})
