import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { idsOf, userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { useUsersTablePath } from './__fixtures__/users-table-setup.js'
import { CacheFileColumns } from './cache-file-columns.js'
import type { Snapshot } from './snapshot.js'
import { createTable, openTable, type Table } from './table.js'

const ws = useUsersTablePath()

/** The live files as a reader sees them (`version` left out where a Delta checkpoint cannot know it). */
function filesOf(snapshot: Snapshot, withVersion = true) {
  return snapshot.files.map((f) => ({
    path: f.add.path,
    size: f.add.size,
    checksum: f.add.checksum,
    deletionVector: f.add.deletionVector?.pathOrInlineDv,
    numRows: f.add.stats.numRows,
    columns: f.add.stats.columns,
    deletedRows: f.deletedRows,
    deleted: [...f.deleted],
    ...(withVersion ? { version: f.version } : {}),
  }))
}

/**
 * Removes pf's checkpoint cache, and with `delta` the Delta checkpoints: an open then reads what is left. The
 * `writer`'s background work first (a state cache written once its commits pause would land during the removal).
 */
async function dropCheckpoints(delta: boolean, writer: Table): Promise<void> {
  await writer.settled()
  await rm(join(ws.path, '_pf', 'checkpoints'), { recursive: true, force: true })
  if (!delta) return
  const log = join(ws.path, '_delta_log')
  for (const name of await readdir(log)) {
    if (name.includes('.checkpoint.') || name === '_last_checkpoint') await rm(join(log, name))
  }
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('live files opened from a checkpoint cache (built on use)', () => {
  /** Four files (v1..v4), deletion vectors (v5, v6), cached at v6; then commits touching files of the cache. */
  beforeEach(async () => {
    const table = await createTable(ws.path, { entity: userEntity, enums: userEnums })
    for (const base of [0, 10, 20, 30]) await table.append(users([base, base + 1]))
    await table.deleteKeys([10])
    await table.upsert(users([20], 'again'))
    expect(await table.checkpoint()).toBe(6)
  })

  it('a plain open builds no file object; a read builds them and sees the rows', async () => {
    const fileAt = vi.spyOn(CacheFileColumns.prototype, 'fileAt')
    const opened = await openTable(ws.path)
    expect(opened.version).toBe(6)
    expect(await opened.count()).toBe(7)
    expect(fileAt).not.toHaveBeenCalled()
    expect(idsOf(await opened.read())).toEqual([0, 1, 11, 20, 21, 30, 31])
    expect(fileAt).toHaveBeenCalled()
  })

  it('files removed after the cache, or added and removed after it, are never visible; the same files as the log says', async () => {
    const table = await openTable(ws.path)
    const first = filesOf(await table.snapshot())[0]?.path
    await table.deleteKeys([0, 1])
    await table.append(users([40, 41]))
    const added = filesOf(await table.snapshot()).at(-1)?.path
    await table.deleteKeys([40, 41])
    await table.upsert(users([31], 'later'))
    await table.deleteKeys([11])
    const expected = [20, 21, 30, 31]
    expect(idsOf(await table.read())).toEqual(expected)
    const written = filesOf(await table.snapshot())

    const fromCache = await openTable(ws.path)
    expect(fromCache.version).toBe(11)
    expect(idsOf(await fromCache.read())).toEqual(expected)
    expect(filesOf(await fromCache.snapshot())).toEqual(written)
    expect(await fromCache.count()).toBe(4)
    const pathsAt = async (v: number) => filesOf(await fromCache.at(v)).map((f) => f.path)
    expect(await pathsAt(6)).toContain(first)
    for (let v = 7; v <= 11; v++) expect(await pathsAt(v), `version ${v}`).not.toContain(first)
    expect(await pathsAt(8)).toContain(added)
    for (let v = 9; v <= 11; v++) expect(await pathsAt(v), `version ${v}`).not.toContain(added)

    await dropCheckpoints(false, table)
    const fromDelta = await openTable(ws.path)
    expect(idsOf(await fromDelta.read())).toEqual(expected)
    expect(filesOf(await fromDelta.snapshot(), false)).toEqual(filesOf(await fromCache.snapshot(), false))

    await dropCheckpoints(true, table)
    const fromLog = await openTable(ws.path)
    expect(idsOf(await fromLog.read())).toEqual(expected)
    expect(filesOf(await fromLog.snapshot())).toEqual(written)
    // Every version reads the same from the log as from the cache.
    for (let v = 6; v <= 11; v++) {
      expect(idsOf(await (await fromLog.at(v)).read()), `version ${v}`).toEqual(
        idsOf(await (await fromCache.at(v)).read()),
      )
    }
  })

  it('a commit after an open from the cache is checkpointed with every live file', async () => {
    const table = await openTable(ws.path)
    await table.deleteKeys([30])
    await table.append(users([50]))
    expect(await table.checkpoint()).toBe(8)
    const files = filesOf(await table.snapshot())
    const reopened = await openTable(ws.path)
    expect(filesOf(await reopened.snapshot())).toEqual(files)
    expect(idsOf(await reopened.read())).toEqual([0, 1, 11, 20, 21, 31, 50])
    await dropCheckpoints(true, table)
    expect(filesOf(await (await openTable(ws.path)).snapshot())).toEqual(files)
  })
})
