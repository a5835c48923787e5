import { readdir, readFile, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { commitPath, readCommitFile } from './__fixtures__/delta-commit-file.js'
import { idsOf, range, tempDir, userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { FaultyFileSystem } from './faulty-file-system.js'
import { createTable, openTable, type Table } from './table.js'
import { ConflictError, TableCorruptError, TableWriteError } from './table-errors.js'

let dir: string
let cleanup: () => Promise<void>
let fs: FaultyFileSystem
let table: Table
let path: string

beforeEach(async () => {
  ;({ dir, cleanup } = await tempDir())
  path = join(dir, 'users')
  fs = new FaultyFileSystem()
  table = await createTable(path, { entity: userEntity, enums: userEnums, fs })
  await table.append(users(range(0, 5)))
})
afterEach(() => cleanup())

async function dataFiles(): Promise<string[]> {
  return (await readdir(path)).filter((n) => n !== '_delta_log' && n !== '_pf').sort()
}

async function expectIntact(): Promise<void> {
  const fresh = await openTable(path)
  expect(fresh.version).toBe(1)
  expect(idsOf(await fresh.read())).toEqual(range(0, 5))
}

describe('faults injected through the file-system seam', () => {
  it('a failing rename of a data file reaches the caller with its cause; nothing changes', async () => {
    const before = await dataFiles()
    fs.inject({ op: 'rename', path: /part-.*\.parquet$/, code: 'EIO' })
    const error = await table.append(users([10])).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TableWriteError)
    expect((error as TableWriteError).cause).toMatchObject({ code: 'EIO' })
    expect(await dataFiles()).toEqual(before)
    await expectIntact()
  })

  it('ENOSPC while writing a data file reaches the caller; nothing changes', async () => {
    const before = await dataFiles()
    fs.inject({ op: 'writeFile', path: /\.part-.*\.tmp$/, code: 'ENOSPC' })
    const error = await table.upsert(users([1, 10])).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TableWriteError)
    expect((error as TableWriteError).message).toMatch(/ENOSPC/)
    expect((error as TableWriteError).cause).toMatchObject({ code: 'ENOSPC' })
    expect(await dataFiles()).toEqual(before)
    await expectIntact()
  })

  it('a failing log-entry create reaches the caller and the written data file is removed', async () => {
    const before = await dataFiles()
    fs.inject({ op: 'createExclusive', path: /_delta_log/, code: 'EIO' })
    const error = await table.append(users([10])).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TableWriteError)
    expect((error as TableWriteError).cause).toMatchObject({ code: 'EIO' })
    expect(await dataFiles()).toEqual(before)
    await expectIntact()
  })

  it('a failed directory fsync after the entry landed still reports the commit', async () => {
    fs.inject({ op: 'fsyncDir', path: /_delta_log$/, code: 'EIO' })
    const result = await table.append(users([10]))
    expect(result.version).toBe(2)
    expect(idsOf(await (await openTable(path)).read())).toEqual([...range(0, 5), 10])
  })

  it('a racing writer that wins the version: a blind append rebases and both commits survive', async () => {
    const rival = await openTable(path)
    fs.inject({
      op: 'createExclusive',
      path: /0{19}2\.json$/,
      before: async () => void (await rival.append(users([20]))),
    })
    const result = await table.append(users([10]))
    expect(result).toMatchObject({ version: 3, attempts: 2 })
    expect(idsOf(await (await openTable(path)).read())).toEqual([...range(0, 5), 10, 20])
  })

  it('a racing writer that inserts the same key wins; the loser gets a ConflictError', async () => {
    const rival = await openTable(path)
    fs.inject({
      op: 'createExclusive',
      path: /0{19}2\.json$/,
      before: async () => void (await rival.insert(users([10], 'rival'))),
    })
    const error = await table.insert(users([10])).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConflictError)
    expect(error).toMatchObject({
      code: 'PF_TABLE_CONFLICT',
      table: 'User',
      version: 3,
      reason: 'keys-touched',
    })
    const fresh = await openTable(path)
    expect(fresh.version).toBe(2)
    expect((await fresh.findByKey(10))?.getColumn('name').get(0)).toBe('rival10')
    expect(await dataFiles()).toHaveLength(2)
  })

  it('an upsert with readVersion conflicts when a racing commit touched its key', async () => {
    const rival = await openTable(path)
    await rival.upsert(users([3], 'rival'))
    const error = await table.upsert(users([3], 'mine'), { readVersion: 1 }).catch((e: unknown) => e)
    expect(error).toMatchObject({ reason: 'keys-touched' })
    const ok = await table.upsert(users([4], 'mine'), { readVersion: 1 })
    expect(ok.version).toBe(3)
  })

  it('retries are bounded', async () => {
    const rival = await openTable(path)
    const bounded = await openTable(path, { fs, maxRetries: 2 })
    fs.inject({
      op: 'createExclusive',
      path: /_delta_log/,
      times: 3,
      before: async () => void (await rival.append(users([99]))),
    })
    await expect(bounded.append(users([10]))).rejects.toMatchObject({ reason: 'too-many-retries' })
    expect(idsOf(await (await openTable(path)).read())).toEqual([...range(0, 5), 99, 99, 99])
  })
})

describe('corruption is reported, never silently skipped', () => {
  it('a truncated data file names the file and version', async () => {
    await table.append(users([10, 11]))
    const entry = await readCommitFile(path, 2)
    const file = join(path, String(entry.add[0]?.path))
    await truncate(file, 20)
    const fresh = await openTable(path)
    for (const attempt of [() => fresh.read(), () => fresh.scan(), () => fresh.findByKey(10)]) {
      const error = await attempt().catch((e: unknown) => e)
      expect(error).toBeInstanceOf(TableCorruptError)
      expect(error).toMatchObject({ file, version: 2 })
    }
  })

  it('a damaged data file of the recorded size names the file', async () => {
    await table.append(users([10, 11]))
    const entry = await readCommitFile(path, 2)
    const file = join(path, String(entry.add[0]?.path))
    const bytes = await readFile(file)
    bytes.fill(7, 4, bytes.length - 8)
    await writeFile(file, bytes)
    const error = await (await openTable(path)).read().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TableCorruptError)
    expect((error as TableCorruptError).message).toContain(file)
  })

  it('a truncated log entry names the entry and version', async () => {
    await table.append(users([10]))
    const entry = commitPath(path, 2)
    await truncate(entry, 30)
    const error = await openTable(path).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TableCorruptError)
    expect(error).toMatchObject({ file: entry, version: 2 })
  })

  it('a corrupt checkpoint falls back to the log entries', async () => {
    await table.append(users([10]))
    await table.checkpoint()
    await writeFile(join(path, '_pf', 'checkpoints', '00000000000000000002.checkpoint.json'), '{"garbage')
    const fresh = await openTable(path)
    expect(fresh.version).toBe(2)
    expect(idsOf(await fresh.read())).toEqual([...range(0, 5), 10])
  })
})
