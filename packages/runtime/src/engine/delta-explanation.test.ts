import { readdir } from 'node:fs/promises'
import { join, relative } from 'node:path'
import pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
import { ReadOptionError } from '../frame/frame-error.js'
import { read } from '../frame/read-frame.js'
import { useTempDir } from '../table/__fixtures__/temp-dir.js'
import { range, userEntity, userEnums, users } from '../table/__fixtures__/user-entity.js'
import { createTable } from '../table/table.js'
import { explainEngine } from './engine-explanation.js'

// explainEngine of a Delta table folder threw a FormatError from dataset discovery while read() of the same folder
// followed the log: both now take the table's snapshot, and explain names its live files only.
const tmp = useTempDir('pf-delta-explanation-')

/** Every Parquet file under a folder (the table's data files, live or not), relative to it. */
async function parquetFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true })
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.parquet') && !relative(root, e.parentPath).startsWith('_'))
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort()
}

function relativeTo(root: string, files: readonly string[]): string[] {
  return files.map((f) => relative(root, f)).sort()
}

describe('explainEngine of a Delta table folder', () => {
  it('names the live files only: removed, wholly deleted and compacted-away files are not read', async () => {
    const path = join(tmp.dir, 'users')
    const table = await createTable(path, { entity: userEntity, enums: userEnums })
    await table.append(users(range(0, 10)))
    await table.append(users(range(10, 20)))
    await table.append(users(range(20, 30)))
    const before = await parquetFiles(path)
    // All rows of the first file: the file is removed whole. One row of the second: a deletion vector.
    await table.deleteKeys(range(0, 10))
    await table.deleteKeys([10])
    const explained = await explainEngine(path)
    const live = relativeTo(path, explained.files)
    expect(live).toHaveLength(2)
    expect(before).toHaveLength(3)
    // The removed file is still on disk (no vacuum) but not read.
    expect(await parquetFiles(path)).toEqual(before)
    expect(before.filter((f) => !live.includes(f))).toHaveLength(1)
    expect(explained.engine).toBe('eager')
    expect(explained.estimatedBytes).toBeGreaterThan(0)
    expect(explained.reason).toMatch(
      /^Delta table at version 5: 2 live files, 1 rows deleted by deletion vectors/,
    )
    // What read() reads: 19 rows.
    expect(await (await read(path)).height()).toBe(19)
    // Time travel explains the version read() would read.
    expect(relativeTo(path, (await explainEngine(path, { version: 3 })).files)).toEqual(before)
    // The lazy engine asked for is the one read() uses, as for plain files.
    expect((await explainEngine(path, { engine: 'polars' })).engine).toBe('lazy')
    // After compaction the one new file is the table.
    await table.compact()
    const compacted = relativeTo(path, (await explainEngine(path)).files)
    expect(compacted).toHaveLength(1)
    expect(before).not.toContain(compacted[0])
  })

  it('of a partitioned table names the live files of each partition', async () => {
    const path = join(tmp.dir, 'by-role')
    const table = await createTable(path, { entity: userEntity, enums: userEnums, partitionBy: ['role'] })
    await table.append(users(range(0, 10)))
    // Every MEMBER row goes: that partition's file is removed whole.
    await table.deleteWhere(pl.col('role').eq(pl.lit('MEMBER')))
    await table.append(users([20]))
    const explained = await explainEngine(path)
    const live = relativeTo(path, explained.files)
    expect(live).toHaveLength(2)
    expect(live.every((f) => f.startsWith('role=ADMIN'))).toBe(true)
    expect((await parquetFiles(path)).some((f) => f.startsWith('role=MEMBER'))).toBe(true)
    expect(explained.reason).toMatch(/^Delta table at version 3: 2 live files,/)
  })

  it('refuses the options read() refuses: a format of a Delta table, a version of plain files', async () => {
    const path = join(tmp.dir, 'users')
    const table = await createTable(path, { entity: userEntity, enums: userEnums })
    await table.append(users(range(0, 3)))
    await expect(explainEngine(path, { format: 'csv' })).rejects.toThrow(ReadOptionError)
    await expect(read(path, { format: 'csv' })).rejects.toThrow(ReadOptionError)
    const [file] = await parquetFiles(path)
    const plain = join(path, file ?? '')
    await expect(explainEngine(plain, { version: 1 })).rejects.toThrow(ReadOptionError)
    await expect(read(plain, { version: 1 })).rejects.toThrow(ReadOptionError)
    // A plain file still explains as before, naming itself.
    expect((await explainEngine(plain)).files).toEqual([plain])
  })
})
