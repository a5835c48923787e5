import { readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
import type { StorageFormatName } from '../schema/schema-ir.js'
import { mulberry32 } from './__fixtures__/seeded-random.js'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { idsOf, range, userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { FaultyFileSystem } from './faulty-file-system.js'
import { createTable, openTable } from './table.js'
import { TableCorruptError, TableNotFoundError } from './table-errors.js'

const tmp = useTempDir('pf-table-data-integrity-')

/** Rows as comparable JSON, sorted by id. */
function rows(df: pl.DataFrame): string {
  const records = df.toRecords() as Record<string, unknown>[]
  records.sort((a, b) => Number(a.id) - Number(b.id))
  return JSON.stringify(records, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))
}

describe('data files carry a checksum: a damaged file reads as TableCorruptError, never as other rows', () => {
  for (const format of ['parquet', 'avro'] as StorageFormatName[]) {
    it(`random single-bit flips in a ${format} data file`, async () => {
      const path = join(tmp.dir, format)
      const table = await createTable(path, { entity: { ...userEntity, format }, enums: userEnums })
      await table.append(users(range(0, 40)))
      const [name] = (await readdir(path)).filter((n) => n.startsWith('part-'))
      const file = join(path, name as string)
      const original = await readFile(file)
      const expected = rows(await table.read())
      const next = mulberry32(format === 'parquet' ? 1 : 2)
      const outcomes = { same: 0, corrupt: 0 }
      for (let i = 0; i < 60; i++) {
        const bytes = Buffer.from(original)
        const bit = Math.floor(next() * bytes.length * 8)
        bytes[bit >> 3] = (bytes[bit >> 3] as number) ^ (1 << (bit & 7))
        await writeFile(file, bytes)
        // Each read as a fresh process would do it: eager, lazy and by key.
        const opened = await openTable(path)
        for (const read of [
          () => opened.read(),
          async () => (await opened.scan()).collect(),
          async () => (await opened.findByKeys(range(0, 40))).sort('id'),
        ]) {
          const result = await read().then(
            (df) => rows(df),
            (error: unknown) => error,
          )
          if (typeof result === 'string') {
            expect(result, `bit ${bit}`).toBe(expected)
            outcomes.same++
          } else {
            expect(result, `bit ${bit}`).toBeInstanceOf(TableCorruptError)
            outcomes.corrupt++
          }
        }
      }
      await writeFile(file, original)
      expect(rows(await (await openTable(path)).read())).toBe(expected)
      // Every flip changes the bytes the checksum covers.
      expect(outcomes).toEqual({ same: 0, corrupt: 180 })
    })
  }
})

describe('a table folder deleted and created again while the process runs is another table', () => {
  it('an open table object follows the new table: its next write and reads are of the new one', async () => {
    const path = join(tmp.dir, 'users')
    const old = await createTable(path, { entity: userEntity, enums: userEnums })
    await old.append(users([1, 2]))
    // Warm the key index and the verified-file cache of the old table.
    for (let i = 0; i < 3; i++) await old.findByKey(1)
    // Its background work (the state cached after its commit) done first: it would race the rm (ENOTEMPTY).
    await old.settled()
    await rm(path, { recursive: true })
    const fresh = await createTable(path, { entity: userEntity, enums: userEnums })
    await fresh.append(users([10]))
    expect(await old.append(users([20]))).toMatchObject({ version: 2 })
    expect(idsOf(await old.read())).toEqual([10, 20])
    expect(await old.findByKey(1)).toBeNull()
    expect(idsOf(await (await openTable(path)).read())).toEqual([10, 20])
    expect((await openTable(path)).metadata.id).toBe(fresh.metadata.id)
  })

  it('a deleted folder is TableNotFoundError for an open table object; a table created there starts empty', async () => {
    const path = join(tmp.dir, 'users')
    const old = await createTable(path, { entity: userEntity, enums: userEnums })
    await old.append(users([1]))
    await old.settled()
    await rm(path, { recursive: true })
    await expect(old.read()).rejects.toBeInstanceOf(TableNotFoundError)
    await createTable(path, { entity: userEntity, enums: userEnums })
    expect(idsOf(await old.read())).toEqual([])
    expect(await old.count()).toBe(0)
  })
})

describe('temporary files never stay in the log folder', () => {
  async function temps(path: string): Promise<string[]> {
    return (await readdir(join(path, '_delta_log'))).filter((n) => n.endsWith('.tmp'))
  }

  it('a checkpoint whose rename fails removes its temporary file', async () => {
    const fs = new FaultyFileSystem()
    const path = join(tmp.dir, 'users')
    const table = await createTable(path, { entity: userEntity, enums: userEnums, fs })
    await table.append(users([1]))
    // The state it caches after the commit (a rename of the cache's _last_checkpoint) done before the faults.
    await table.settled()
    fs.inject({ op: 'rename', path: /checkpoint\.json$/, code: 'EIO' })
    await expect(table.checkpoint()).rejects.toMatchObject({ code: 'EIO' })
    fs.inject({ op: 'rename', path: /_last_checkpoint$/, code: 'ENOSPC' })
    await expect(table.checkpoint()).rejects.toMatchObject({ code: 'ENOSPC' })
    expect(await temps(path)).toEqual([])
  })

  it('writers that lose the race for a version leave no temporary file; stray ones are ignored', async () => {
    const path = join(tmp.dir, 'users')
    await createTable(path, { entity: userEntity, enums: userEnums })
    const writers = await Promise.all(range(0, 4).map(() => openTable(path)))
    await Promise.all(writers.map((w, i) => w.append(users([i]))))
    expect(await temps(path)).toEqual([])
    await writeFile(join(path, '_delta_log', '.00000000000000000005.json.0123.tmp'), '{"half')
    const opened = await openTable(path)
    expect(opened.version).toBe(4)
    expect((await opened.history()).map((h) => h.version)).toEqual([0, 1, 2, 3, 4])
  })
})
