// A merge-on-read update's deletion vector file is written (under its final name, file and folder fsynced) while the
// commit's log entry is (data-file-write-behind.ts):
// the entry appears only once the vector file and its folder are durable, and a failed vector write commits nothing.
import { readdir } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { callMade } from './__fixtures__/call-made.js'
import { commitPath } from './__fixtures__/delta-commit-file.js'
import { pathExists } from './__fixtures__/path-exists.js'
import { idsOf, range, users } from './__fixtures__/user-entity.js'
import { useFaultyUsersTable } from './__fixtures__/users-table-setup.js'
import { openTable } from './table.js'
import { TableWriteError } from './table-errors.js'

const ws = useFaultyUsersTable()

const entryOf = (version: number) => commitPath(ws.path, version)
const vectorFiles = async () => (await readdir(ws.path)).filter((n) => n.includes('deletion_vector'))
const VECTOR = /deletion_vector_[^/\\]*\.bin$/

/** The name of user `id` as the table holds it now (read by a fresh reader). */
async function nameOf(id: number): Promise<unknown> {
  return (await (await openTable(ws.path)).findByKey(id))?.getColumn('name').get(0)
}

describe("an update's deletion vector file is written while the log entry is", () => {
  it('the entry is being written while the vector file is, and appears only after it', async () => {
    const seen: { createCalled?: boolean; entryExisted?: boolean } = {}
    ws.fs.inject({
      op: 'writeFile',
      path: VECTOR,
      before: async () => {
        seen.createCalled = await callMade(ws.fs, `createExclusive ${entryOf(2)}`)
        seen.entryExisted = await pathExists(entryOf(2))
      },
    })
    expect(await ws.table.upsert(users([1], 'w'))).toMatchObject({ version: 2, rowsRemoved: 1 })
    expect(seen).toEqual({ createCalled: true, entryExisted: false })
    // The table folder is flushed for the vector file as for the data file.
    const calls = ws.fs.calls
    const dirSyncs = calls.flatMap((c, i) => (c === `fsyncDir ${ws.path}` ? [i] : []))
    expect(dirSyncs.length).toBeGreaterThanOrEqual(2)
    expect(await vectorFiles()).toHaveLength(1)
    expect(await nameOf(1)).toBe('w1')
  })

  it('a failing vector write fails the commit: no entry, no vector file, the table unchanged', async () => {
    ws.fs.inject({ op: 'writeFile', path: VECTOR, code: 'EIO' })
    const error = await ws.table.upsert(users([1], 'w')).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TableWriteError)
    expect((error as TableWriteError).cause).toMatchObject({ code: 'EIO' })
    expect(await pathExists(entryOf(2))).toBe(false)
    expect(await vectorFiles()).toEqual([])
    const fresh = await openTable(ws.path)
    expect(fresh.version).toBe(1)
    expect(idsOf(await fresh.read())).toEqual(range(0, 5))
    expect(await nameOf(1)).not.toBe('w1')
    // The next write commits normally.
    expect(await ws.table.upsert(users([1], 'w'))).toMatchObject({ version: 2 })
    expect(await nameOf(1)).toBe('w1')
  })

  it('a race lost while the vector is still being written: the retry reuses the vector and it is kept', async () => {
    // The vector's write is slow; the entry's create loses at once (EEXIST), so the retry plans while it runs.
    ws.fs.inject({ op: 'writeFile', path: VECTOR, before: () => sleep(100) })
    ws.fs.inject({ op: 'createExclusive', path: /0{19}2\.json$/, code: 'EEXIST' })
    expect(await ws.table.deleteKeys([1])).toMatchObject({ version: 2, attempts: 2, rowsRemoved: 1 })
    expect(
      ws.fs.calls.filter((c) => c.startsWith('writeFile') && c.includes('deletion_vector_')),
    ).toHaveLength(1)
    expect(await vectorFiles()).toHaveLength(1)
    const fresh = await openTable(ws.path)
    expect(idsOf(await fresh.read())).toEqual([0, 2, 3, 4])
  })
})
