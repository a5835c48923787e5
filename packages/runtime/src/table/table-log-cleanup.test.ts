import { readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeCheckpoint } from '../delta/checkpoint-parquet.js'
import { readCachedCheckpoint } from './__fixtures__/cached-checkpoint.js'
import { createCheckpointedUsersTable } from './__fixtures__/checkpointed-users-table.js'
import { commitPath } from './__fixtures__/delta-commit-file.js'
import { range, userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { useUsersTablePath } from './__fixtures__/users-table-setup.js'
import { commitTables } from './multi-table-commit.js'
import { NodeFileSystem } from './node-file-system.js'
import { createTable, openTable, type Table } from './table.js'
import { TableVersionExpiredError } from './table-errors.js'
import { PUBLISH_APP_PREFIX } from './txn-publish.js'

const ws = useUsersTablePath()

/** A table's rows as comparable text, ordered by id. */
async function rowsOf(table: Table, version?: number): Promise<string[]> {
  const snap = version === undefined ? table : await table.at(version)
  return (await snap.read())
    .select('id', 'name', 'role')
    .sort('id')
    .toRecords()
    .map((r) => `${r.id}:${r.name}:${r.role}`)
}

/** Versions 0..4 (checkpoint at 4, a deletion vector live in it), then versions 5 and 6 after it. */
async function tableWithCheckpoint(): Promise<Table> {
  const table = await createCheckpointedUsersTable(ws.path)
  await table.upsert(users([4], 'later'))
  await table.deleteKeys([40])
  expect(table.version).toBe(6)
  await table.settled()
  return table
}

/** What Delta's metadata cleanup may do: delete the commits before a checkpoint; pf's cache goes too. */
async function cleanUpLog(upTo: number): Promise<void> {
  for (const v of range(0, upTo + 1)) await rm(commitPath(ws.path, v))
  await rm(join(ws.path, '_pf'), { recursive: true, force: true })
}

describe('opening from a Delta checkpoint', () => {
  it('after log cleanup deleted the commits before the checkpoint and the cache is gone: same rows at every readable version', async () => {
    const table = await tableWithCheckpoint()
    const latest = await rowsOf(table)
    const at4 = await rowsOf(table, 4)
    const at5 = await rowsOf(table, 5)
    await cleanUpLog(3)
    const reopened = await openTable(ws.path)
    expect(reopened.version).toBe(6)
    expect(await rowsOf(reopened)).toEqual(latest)
    expect(await rowsOf(reopened, 4)).toEqual(at4)
    expect(await rowsOf(reopened, 5)).toEqual(at5)
    for (const v of [0, 2, 3]) {
      await expect(reopened.at(v)).rejects.toBeInstanceOf(TableVersionExpiredError)
      await expect(reopened.at(v)).rejects.toMatchObject({
        code: 'PF_TABLE_VERSION_EXPIRED',
        version: v,
        oldest: 4,
      })
    }
    expect((await reopened.history()).map((h) => h.version)).toEqual([4, 5, 6])
  })

  it("when the checkpoint's own commit is gone too", async () => {
    const table = await tableWithCheckpoint()
    const latest = await rowsOf(table)
    const at4 = await rowsOf(table, 4)
    await cleanUpLog(4)
    const reopened = await openTable(ws.path)
    expect(await rowsOf(reopened)).toEqual(latest)
    expect(await rowsOf(reopened, 4)).toEqual(at4)
    await expect(reopened.at(3)).rejects.toBeInstanceOf(TableVersionExpiredError)
  })

  it('keeps writing: a commit after reopening a cleaned-up log is read back by another open', async () => {
    const table = await tableWithCheckpoint()
    await cleanUpLog(3)
    const reopened = await openTable(ws.path)
    await reopened.append(users([50, 51]))
    const expected = await rowsOf(reopened)
    expect(await rowsOf(await openTable(ws.path))).toEqual(expected)
    expect(expected.map((r) => Number.parseInt(r, 10))).toEqual([0, 1, 3, 4, 5, 50, 51])
    expect(table.version).toBe(6)
  })

  it("keeps writing when the cleanup left no commit at all, only the newest version's checkpoint", async () => {
    const table = await tableWithCheckpoint()
    await table.checkpoint()
    const latest = await rowsOf(table)
    await cleanUpLog(6)
    // Another writer (its own file system object, so its own commit log): version 6 is not its own.
    const reopened = await openTable(ws.path, { fs: new NodeFileSystem() })
    // Its first commit makes the version it builds on durable (commit-wal.ts): here that version has no commit file.
    await reopened.append(users([60]))
    expect(reopened.version).toBe(7)
    expect(await rowsOf(await openTable(ws.path))).toEqual([...latest, '60:u60:ADMIN'].sort())
  })

  it('with a damaged cache: the Delta checkpoint, not the cache', async () => {
    const table = await tableWithCheckpoint()
    const latest = await rowsOf(table)
    for (const v of range(0, 4)) await rm(commitPath(ws.path, v))
    const cached = join(ws.path, '_pf', 'checkpoints', '00000000000000000004.checkpoint.json')
    await writeFile(cached, '{"version": 4, "damaged')
    expect(await rowsOf(await openTable(ws.path))).toEqual(latest)
  })

  it('is never re-created over: with only the Delta checkpoint left, createTable refuses and the rows stay', async () => {
    const table = await createCheckpointedUsersTable(ws.path)
    await table.settled()
    const latest = await rowsOf(table)
    await cleanUpLog(4)
    await expect(createTable(ws.path, { entity: userEntity, enums: userEnums })).rejects.toMatchObject({
      code: 'PF_TABLE_CORRUPT',
    })
    const reopened = await openTable(ws.path)
    expect(reopened.version).toBe(4)
    expect(await rowsOf(reopened)).toEqual(latest)
    expect(await rowsOf(reopened, 4)).toEqual(latest)
    expect((await reopened.history()).map((h) => h.version)).toEqual([])
    await expect(reopened.at(3)).rejects.toMatchObject({ code: 'PF_TABLE_VERSION_EXPIRED', oldest: 4 })
  })

  it('a cache whose txn list is malformed is skipped, its txns are not written into the next checkpoint', async () => {
    const table = await tableWithCheckpoint()
    const latest = await rowsOf(table)
    const cached = join(ws.path, '_pf', 'checkpoints', '00000000000000000004.checkpoint.json')
    const data = await readCachedCheckpoint(cached)
    await writeFile(cached, JSON.stringify({ ...data, appTxns: [{ appId: 7, version: 'x' }] }))
    const reopened = await openTable(ws.path)
    expect(await rowsOf(reopened)).toEqual(latest)
    await reopened.append(users([60]))
    const version = await reopened.checkpoint()
    const bytes = await readFile(
      join(ws.path, '_delta_log', `${String(version).padStart(20, '0')}.checkpoint.parquet`),
    )
    expect(decodeCheckpoint(bytes).filter((a) => 'txn' in a)).toEqual([])
  })

  it('without the _last_checkpoint pointer: the newest checkpoint listed', async () => {
    const table = await tableWithCheckpoint()
    const latest = await rowsOf(table)
    await cleanUpLog(3)
    await rm(join(ws.path, '_delta_log', '_last_checkpoint'))
    expect(await rowsOf(await openTable(ws.path))).toEqual(latest)
  })
})

describe('what a Delta checkpoint holds', () => {
  it("the latest txn action per appId (a multi-table transaction's publication), and pf reads it back", async () => {
    const other = await createTable(join(ws.dir, 'other'), { entity: userEntity, enums: userEnums })
    const table = await createTable(ws.path, { entity: userEntity, enums: userEnums, checkpointInterval: 0 })
    await commitTables([
      { table, build: (tx) => void tx.insert(users([1, 2])) },
      { table: other, build: (tx) => void tx.insert(users([9])) },
    ])
    await table.append(users([3]))
    const version = await table.checkpoint()
    const bytes = await readFile(
      join(ws.path, '_delta_log', `${String(version).padStart(20, '0')}.checkpoint.parquet`),
    )
    const txns = decodeCheckpoint(bytes).flatMap((a) => ('txn' in a ? [a.txn] : []))
    expect(txns).toHaveLength(1)
    expect(txns[0]?.appId.startsWith(PUBLISH_APP_PREFIX)).toBe(true)
    // The checkpoint's txn survives log cleanup: a state opened from it carries it into the next checkpoint.
    await cleanUpLog(version)
    const reopened = await openTable(ws.path)
    await reopened.append(users([4]))
    const next = await reopened.checkpoint()
    const again = await readFile(
      join(ws.path, '_delta_log', `${String(next).padStart(20, '0')}.checkpoint.parquet`),
    )
    expect(decodeCheckpoint(again).flatMap((a) => ('txn' in a ? [a.txn] : []))).toEqual(txns)
    expect(await readdir(join(ws.path, '_delta_log'))).toContain(
      `${String(next).padStart(20, '0')}.checkpoint.parquet`,
    )
  })

  it('never at a version holding an unpublished reservation: at the publication after it instead', async () => {
    const other = await createTable(join(ws.dir, 'other'), { entity: userEntity, enums: userEnums })
    const table = await createTable(ws.path, { entity: userEntity, enums: userEnums, checkpointInterval: 2 })
    await table.append(users([1]))
    // Version 2 reserves the transaction (due a checkpoint, skipped), version 3 publishes it.
    await commitTables([
      { table, build: (tx) => void tx.insert(users([2, 3])) },
      { table: other, build: (tx) => void tx.insert(users([9])) },
    ])
    expect(table.version).toBe(3)
    await table.settled()
    const names = await readdir(join(ws.path, '_delta_log'))
    expect(names).not.toContain('00000000000000000002.checkpoint.parquet')
    expect(names).toContain('00000000000000000003.checkpoint.parquet')
    const expected = await rowsOf(table)
    await cleanUpLog(3)
    expect(await rowsOf(await openTable(ws.path))).toEqual(expected)
    expect(expected.map((r) => Number.parseInt(r, 10))).toEqual([1, 2, 3])
  })
})
