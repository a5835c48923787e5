import { readdir, readFile, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { commitPath, readCommitFile } from './__fixtures__/delta-commit-file.js'
import { idsOf, range, users } from './__fixtures__/user-entity.js'
import { useFaultyUsersTable } from './__fixtures__/users-table-setup.js'
import { openTable } from './table.js'
import { ConflictError, TableCorruptError, TableWriteError } from './table-errors.js'

const ws = useFaultyUsersTable()

async function dataFiles(): Promise<string[]> {
  return (await readdir(ws.path)).filter((n) => n !== '_delta_log' && n !== '_pf').sort()
}

async function expectIntact(): Promise<void> {
  const fresh = await openTable(ws.path)
  expect(fresh.version).toBe(1)
  expect(idsOf(await fresh.read())).toEqual(range(0, 5))
}

describe('faults injected through the file-system seam', () => {
  it('a failing flush of a data file reaches the caller with its cause; nothing changes', async () => {
    const before = await dataFiles()
    ws.fs.inject({ op: 'fsyncFile', path: /part-.*\.parquet$/, code: 'EIO' })
    const error = await ws.table.append(users([10])).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TableWriteError)
    expect((error as TableWriteError).cause).toMatchObject({ code: 'EIO' })
    expect(await dataFiles()).toEqual(before)
    await expectIntact()
  })

  it('ENOSPC while writing a data file reaches the caller; nothing changes', async () => {
    const before = await dataFiles()
    ws.fs.inject({ op: 'writeFile', path: /part-.*\.parquet$/, code: 'ENOSPC' })
    const error = await ws.table.upsert(users([1, 10])).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TableWriteError)
    expect((error as TableWriteError).message).toMatch(/ENOSPC/)
    expect((error as TableWriteError).cause).toMatchObject({ code: 'ENOSPC' })
    expect(await dataFiles()).toEqual(before)
    await expectIntact()
  })

  it('a failing log-entry create reaches the caller and the written data file is removed', async () => {
    const before = await dataFiles()
    ws.fs.inject({ op: 'createExclusive', path: /_delta_log/, code: 'EIO' })
    const error = await ws.table.append(users([10])).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TableWriteError)
    expect((error as TableWriteError).cause).toMatchObject({ code: 'EIO' })
    expect(await dataFiles()).toEqual(before)
    await expectIntact()
  })

  it('a failed directory fsync after the entry landed still reports the commit', async () => {
    ws.fs.inject({ op: 'fsyncDir', path: /_delta_log$/, code: 'EIO' })
    const result = await ws.table.append(users([10]))
    expect(result.version).toBe(2)
    expect(idsOf(await (await openTable(ws.path)).read())).toEqual([...range(0, 5), 10])
  })

  it('a racing writer that wins the version: a blind append rebases and both commits survive', async () => {
    const rival = await openTable(ws.path)
    ws.fs.inject({
      op: 'createExclusive',
      path: /0{19}2\.json$/,
      before: async () => void (await rival.append(users([20]))),
    })
    const result = await ws.table.append(users([10]))
    expect(result).toMatchObject({ version: 3, attempts: 2 })
    expect(idsOf(await (await openTable(ws.path)).read())).toEqual([...range(0, 5), 10, 20])
  })

  it('a racing writer that inserts the same key wins; the loser gets a ConflictError', async () => {
    const rival = await openTable(ws.path)
    ws.fs.inject({
      op: 'createExclusive',
      path: /0{19}2\.json$/,
      before: async () => void (await rival.insert(users([10], 'rival'))),
    })
    const error = await ws.table.insert(users([10])).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConflictError)
    expect(error).toMatchObject({
      code: 'PF_TABLE_CONFLICT',
      table: 'User',
      version: 3,
      reason: 'keys-touched',
    })
    const fresh = await openTable(ws.path)
    expect(fresh.version).toBe(2)
    expect((await fresh.findByKey(10))?.getColumn('name').get(0)).toBe('rival10')
    expect(await dataFiles()).toHaveLength(2)
  })

  it('an upsert with readVersion conflicts when a racing commit touched its key', async () => {
    const rival = await openTable(ws.path)
    await rival.upsert(users([3], 'rival'))
    const error = await ws.table.upsert(users([3], 'mine'), { readVersion: 1 }).catch((e: unknown) => e)
    expect(error).toMatchObject({ reason: 'keys-touched' })
    const ok = await ws.table.upsert(users([4], 'mine'), { readVersion: 1 })
    expect(ok.version).toBe(3)
  })

  it('retries are bounded', async () => {
    const rival = await openTable(ws.path)
    const bounded = await openTable(ws.path, { fs: ws.fs, maxRetries: 2 })
    ws.fs.inject({
      op: 'createExclusive',
      path: /_delta_log/,
      times: 3,
      before: async () => void (await rival.append(users([99]))),
    })
    await expect(bounded.append(users([10]))).rejects.toMatchObject({ reason: 'too-many-retries' })
    expect(idsOf(await (await openTable(ws.path)).read())).toEqual([...range(0, 5), 99, 99, 99])
  })
})

describe('corruption is reported, never silently skipped', () => {
  it('a truncated data file names the file and version', async () => {
    await ws.table.append(users([10, 11]))
    const entry = await readCommitFile(ws.path, 2)
    const file = join(ws.path, String(entry.add[0]?.path))
    await truncate(file, 20)
    const fresh = await openTable(ws.path)
    for (const attempt of [() => fresh.read(), () => fresh.scan(), () => fresh.findByKey(10)]) {
      const error = await attempt().catch((e: unknown) => e)
      expect(error).toBeInstanceOf(TableCorruptError)
      expect(error).toMatchObject({ file, version: 2 })
    }
  })

  it('a damaged data file of the recorded size names the file', async () => {
    await ws.table.append(users([10, 11]))
    const entry = await readCommitFile(ws.path, 2)
    const file = join(ws.path, String(entry.add[0]?.path))
    const bytes = await readFile(file)
    bytes.fill(7, 4, bytes.length - 8)
    await writeFile(file, bytes)
    const error = await (await openTable(ws.path)).read().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TableCorruptError)
    expect((error as TableCorruptError).message).toContain(file)
  })

  it('a truncated log entry names the entry and version', async () => {
    await ws.table.append(users([10]))
    const entry = commitPath(ws.path, 2)
    await truncate(entry, 30)
    const error = await openTable(ws.path).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TableCorruptError)
    expect(error).toMatchObject({ file: entry, version: 2 })
  })

  it('a corrupt checkpoint falls back to the log entries', async () => {
    await ws.table.append(users([10]))
    await ws.table.checkpoint()
    await writeFile(join(ws.path, '_pf', 'checkpoints', '00000000000000000002.checkpoint.json'), '{"garbage')
    const fresh = await openTable(ws.path)
    expect(fresh.version).toBe(2)
    expect(idsOf(await fresh.read())).toEqual([...range(0, 5), 10])
  })
})
