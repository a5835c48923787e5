import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { entityIRFor } from '../entity/__fixtures__/test-ir.js'
import { read } from '../frame/read-frame.js'
import { writeColumnMappedTable } from './__fixtures__/column-mapped-delta-table.js'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { adoptTable } from './table-adoption.js'
import { TableAdoptionError } from './table-adoption-error.js'

// Column mapping in id mode is read (read() matches columns by Parquet field id) but never adopted: pf's tables
// map columns by physical name, and adoption keeps the configuration (planAdoption's configuration check says so).

const temp = useTempDir('pf-adopt-id-mode-')

const entity = entityIRFor('Item', { id: 'BigInt' }, { storage: 'items' })

describe('adoption of a table in column mapping mode id', () => {
  it('is refused, naming the mode, and writes nothing; the table stays readable', async () => {
    const root = temp.dir
    await writeColumnMappedTable(root, {
      mode: 'id',
      columns: [{ name: 'id', type: 'long', nullable: false, id: 1, physicalName: 'col-1' }],
      rows: 'select 1::bigint as "col-1" union all select 2',
      id: '5d0c8f7e-1111-4222-8333-444455556666',
    })
    const error = await adoptTable(root, { entity }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TableAdoptionError)
    expect((error as TableAdoptionError).problems).toContain(
      // The adopted table keeps its configuration, and pf's tables map columns in mode name.
      'Item: configuration delta.columnMapping.mode = id would become name',
    )
    expect(await readdir(join(root, '_delta_log'))).toEqual(['00000000000000000000.json'])
    expect((await (await read(root)).toDataFrame()).getColumn('id').toArray().sort()).toEqual(
      [1n, 2n].map(Number),
    )
  })
})
