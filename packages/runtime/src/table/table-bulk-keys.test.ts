// Bulk writes locate keys as frames: files whose key range cannot overlap are never opened, overlaps are exact.
import pl from 'nodejs-polars'
import { beforeEach, describe, expect, it } from 'vitest'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { idsOf, range, userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import type { FileSystem } from './file-system.js'
import { nodeFileSystem } from './node-file-system.js'
import { createTable, type Table } from './table.js'
import { DuplicateKeyError, TableSchemaError } from './table-errors.js'

const tmp = useTempDir('pf-table-bulk-keys-')
let table: Table
/** Data files checked (every read of a data file checks its size, or its bytes against the checksum, first). */
let dataFileChecks: string[]

const countingFs: FileSystem = Object.assign(Object.create(nodeFileSystem) as FileSystem, {
  stat: (path: string) => {
    if (path.endsWith('.parquet')) dataFileChecks.push(path)
    return nodeFileSystem.stat(path)
  },
  readFile: (path: string) => {
    if (path.endsWith('.parquet')) dataFileChecks.push(path)
    return nodeFileSystem.readFile(path)
  },
})

beforeEach(async () => {
  table = await createTable(`${tmp.dir}/users`, { entity: userEntity, enums: userEnums, fs: countingFs })
  dataFileChecks = []
})

describe('bulk upserts and inserts', () => {
  it('keys above every stored one: no data file is opened', async () => {
    await table.upsert(users(range(0, 500)))
    await table.upsert(users(range(500, 1000)))
    dataFileChecks = []
    const result = await table.upsert(users(range(1000, 2000)))
    expect(result).toMatchObject({ rowsAdded: 1000, rowsRemoved: 0 })
    await table.insert(users(range(5000, 5200)))
    expect(dataFileChecks).toEqual([])
    expect(await table.count()).toBe(2200)
  })

  it('overlapping keys are replaced exactly; only files whose range overlaps are read', async () => {
    await table.upsert(users(range(0, 500)))
    await table.upsert(users(range(1000, 1500)))
    dataFileChecks = []
    const result = await table.upsert(users(range(400, 600), 'new'))
    expect(result).toMatchObject({ rowsAdded: 200, rowsRemoved: 100 })
    // Only the file whose range overlaps is opened (checked twice: its keys located, then their row positions).
    expect(new Set(dataFileChecks).size).toBe(1)
    const all = await table.read()
    expect(all.height).toBe(1100)
    expect(idsOf(all)).toEqual([...range(0, 600), ...range(1000, 1500)])
    const names = all.filter(pl.col('id').gtEq(400).and(pl.col('id').lt(600))).getColumn('name')
    expect(new Set(names.toArray() as string[]).size).toBe(200)
    expect((names.toArray() as string[]).every((n) => n.startsWith('new'))).toBe(true)
  })

  it('a bulk insert with one existing key fails naming it; a repeated key in the input too', async () => {
    await table.upsert(users(range(0, 100)))
    const error = await table.insert(users(range(99, 300))).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DuplicateKeyError)
    expect((error as DuplicateKeyError).keys).toEqual(['99'])
    await expect(table.upsert(users([...range(200, 300), 250]))).rejects.toThrow(
      new TableSchemaError('User', 'id', 'primary key 250 appears twice in the input').message,
    )
    expect(await table.count()).toBe(100)
  })
})
