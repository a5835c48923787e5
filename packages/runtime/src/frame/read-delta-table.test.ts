import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
import { FormatError, ParquetFrameError } from '../errors/pf-error.js'
import { useTempDir } from '../table/__fixtures__/temp-dir.js'
import { idsOf, range, userEntity, userEnums, users } from '../table/__fixtures__/user-entity.js'
import { createTable } from '../table/table.js'
import { TableCorruptError, TableProtocolError } from '../table/table-errors.js'
import { ReadOptionError } from './frame-error.js'
import { read } from './read-frame.js'

const tmp = useTempDir('pf-read-delta-table-')

/** The rows `read()` returns, as a polars frame. */
const dfOf = async (path: string, options: Parameters<typeof read>[1] = {}) =>
  (await read(path, options)).toDataFrame()

/** Rows of a frame as sorted records (id, name): what a user compares. */
const rowsOf = (df: pl.DataFrame) =>
  (df.select('id', 'name').sort('id').toRecords() as { id: number; name: string }[]).map((r) => ({
    id: Number(r.id),
    name: r.name,
  }))

describe('read() of a pf table folder', () => {
  it.each(['merge-on-read', 'copy-on-write'] as const)(
    'returns exactly the live rows after deletes, upserts and compaction (%s), and any version of them',
    async (updateMode) => {
      const path = join(tmp.dir, 'users')
      const table = await createTable(path, { entity: userEntity, enums: userEnums, updateMode })
      for (const i of range(0, 4)) await table.append(users(range(i * 5, i * 5 + 5)))
      await table.deleteKeys([1, 7, 12])
      await table.upsert(users([3, 8, 30], 'new'))
      const beforeCompaction = table.version
      await table.compact({ targetFileRows: 100 })
      await table.deleteWhere(pl.col('id').gtEq(18))

      const latest = await dfOf(path)
      expect(rowsOf(latest)).toEqual(rowsOf(await table.read()))
      expect(idsOf(latest)).toEqual([0, 2, 3, 4, 5, 6, 8, 9, 10, 11, 13, 14, 15, 16, 17])
      expect(latest.filter(pl.col('id').eq(3)).getColumn('name').toArray()).toEqual(['new3'])
      expect(latest.columns).toEqual(userEntity.fields.map((f) => f.column))

      const old = await dfOf(path, { version: beforeCompaction })
      expect(rowsOf(old)).toEqual(rowsOf(await (await table.at(beforeCompaction)).read()))
      expect(idsOf(old)).toContain(30)
      expect((await dfOf(path, { version: 1 })).height).toBe(5)
      expect(rowsOf(await dfOf(path, { engine: 'lazy' }))).toEqual(rowsOf(latest))
    },
  )

  it('a row moved to another partition reads once', async () => {
    const path = join(tmp.dir, 'users')
    const table = await createTable(path, { entity: userEntity, enums: userEnums, partitionBy: ['role'] })
    await table.append(users(range(0, 6)))
    await table.upsert(users([2]).withColumns(pl.lit('MEMBER').alias('role')))
    const df = await dfOf(path)
    expect(idsOf(df)).toEqual(range(0, 6))
    expect(df.filter(pl.col('id').eq(2)).getColumn('role').toArray()).toEqual(['MEMBER'])
  })

  it('a version the table lacks is an error naming it; version of a plain folder is a ReadOptionError', async () => {
    const path = join(tmp.dir, 'users')
    const table = await createTable(path, { entity: userEntity, enums: userEnums })
    await table.append(users([1]))
    const missing = await read(path, { version: 9 }).catch((e: unknown) => e)
    expect(missing).toBeInstanceOf(ParquetFrameError)
    expect((missing as ParquetFrameError).code).toBe('PF_TABLE_VERSION')
    expect((missing as Error).message).toContain('version 9')
    const plain = join(tmp.dir, 'plain')
    await mkdir(plain)
    users([1]).writeParquet(join(plain, 'a.parquet'))
    const error = await read(plain, { version: 0 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ReadOptionError)
    expect((error as ReadOptionError).code).toBe('PF_READ_OPTION')
    await expect(read(path, { format: 'csv' })).rejects.toBeInstanceOf(ReadOptionError)
  })

  it('a folder holding a Delta table is refused instead of reading its data files as plain files', async () => {
    const table = await createTable(join(tmp.dir, 'store', 'users'), { entity: userEntity, enums: userEnums })
    await table.append(users([1, 2]))
    await table.deleteKeys([1])
    const error = await read(join(tmp.dir, 'store')).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FormatError)
    expect((error as Error).message).toContain(join(tmp.dir, 'store', 'users'))
  })
})

/** One line of a Delta commit. */
const line = (action: Record<string, unknown>) => JSON.stringify(action)

const SCHEMA = JSON.stringify({
  type: 'struct',
  fields: [
    { name: 'id', type: 'long', nullable: true, metadata: {} },
    { name: 'amount', type: 'double', nullable: true, metadata: {} },
    { name: 'day', type: 'date', nullable: true, metadata: {} },
  ],
})

/** Writes a Delta table as another writer would: Parquet files without the partition column, no pf.* keys. */
async function writeForeignTable(root: string, readerFeatures?: string[]): Promise<void> {
  await mkdir(join(root, '_delta_log'), { recursive: true })
  const files = { 'day=2024-01-01/a.parquet': [1, 2, 3], 'day=2024-01-02/b.parquet': [4, 5] }
  const adds = []
  for (const [path, ids] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true })
    pl.DataFrame({ id: pl.Series('id', ids, pl.Int64), amount: ids.map((i) => i * 1.5) }).writeParquet(
      join(root, path),
    )
    const day = path.slice(4, 14)
    adds.push({
      add: {
        path,
        partitionValues: { day },
        size: 1,
        modificationTime: 0,
        dataChange: true,
        stats: JSON.stringify({ numRecords: ids.length }),
      },
    })
  }
  const protocol = readerFeatures
    ? { minReaderVersion: 3, minWriterVersion: 7, readerFeatures, writerFeatures: readerFeatures }
    : { minReaderVersion: 1, minWriterVersion: 2 }
  const v0 = [
    { commitInfo: { timestamp: 1, operation: 'WRITE' } },
    { protocol },
    {
      metaData: {
        id: 'e0b5a1c4-0000-4000-8000-000000000000',
        format: { provider: 'parquet', options: {} },
        schemaString: SCHEMA,
        partitionColumns: ['day'],
        configuration: {},
        createdTime: 1,
      },
    },
    ...adds,
  ]
  await writeFile(join(root, '_delta_log', '00000000000000000000.json'), `${v0.map(line).join('\n')}\n`)
  const v1 = [
    { commitInfo: { timestamp: 2, operation: 'DELETE' } },
    { remove: { path: 'day=2024-01-01/a.parquet', deletionTimestamp: 2, dataChange: true } },
  ]
  await writeFile(join(root, '_delta_log', '00000000000000000001.json'), `${v1.map(line).join('\n')}\n`)
}

describe('read() of a Delta table another writer created', () => {
  it('reads the live files only, partition values as typed columns, at any version', async () => {
    const root = join(tmp.dir, 'spark')
    await writeForeignTable(root)
    const latest = await dfOf(root)
    expect(latest.columns).toEqual(['id', 'amount', 'day'])
    expect(latest.sort('id').toRecords()).toEqual([
      { id: 4, amount: 6, day: new Date('2024-01-02T00:00:00Z') },
      { id: 5, amount: 7.5, day: new Date('2024-01-02T00:00:00Z') },
    ])
    expect(idsOf(await dfOf(root, { version: 0 }))).toEqual([1, 2, 3, 4, 5])
    // A live file that is gone is never fewer rows: TableCorruptError naming it.
    await rm(join(root, 'day=2024-01-02', 'b.parquet'))
    const error = await read(root).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TableCorruptError)
    expect((error as Error).message).toContain('b.parquet')
    expect((error as Error).message).toContain('data file is missing')
  })

  it('refuses a table that needs a reader feature pf lacks, naming the feature and the table', async () => {
    // typeWidening is read since 4b35e07; variantType (Parquet variant columns) is still a feature pf lacks.
    const root = join(tmp.dir, 'variant')
    await writeForeignTable(root, ['variantType'])
    const error = await read(root).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TableProtocolError)
    expect((error as Error).message).toContain('variantType')
    expect((error as Error).message).toContain(root)
  })
})
