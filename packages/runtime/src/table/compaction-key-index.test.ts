// A compaction's merge on the maintenance thread saves the key index file of each merged file big enough for one,
// so the first lookup of a key in its range reads that index instead of building it on its caller's path.
import { readFile, stat } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { range, userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { useUsersTablePath } from './__fixtures__/users-table-setup.js'
import { keyIndexFilePath } from './key-position-file.js'
import { createTable, openTable } from './table.js'

const ws = useUsersTablePath()

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  )

describe('compaction and key indexes', () => {
  it('the merged file has its key index file once the compaction commits, naming that file', async () => {
    const table = await createTable(ws.path, { entity: userEntity, enums: userEnums, autoCompact: false })
    // Three files too small for a key index each (4096 rows is the least), 6000 rows once merged.
    for (const lo of [0, 2000, 4000]) await table.append(users(range(lo, lo + 2000)))
    const before = (await table.snapshot()).files
    for (const f of before) expect(await exists(keyIndexFilePath(ws.path, f.add.path, ['id']))).toBe(false)
    await table.compact({ targetFileRows: 100_000 })
    const [merged, ...others] = (await table.snapshot()).files
    expect(others).toEqual([])
    expect(merged?.add.stats.numRows).toBe(6000)
    const indexPath = keyIndexFilePath(ws.path, merged?.add.path as string, ['id'])
    // Saved by the merge, before any lookup: it names the merged file (its path, in the file's header).
    expect(await exists(indexPath)).toBe(true)
    expect((await readFile(indexPath)).includes(Buffer.from(merged?.add.path as string))).toBe(true)
    // Lookups through a fresh table object use it and find every key.
    const snap = await (await openTable(ws.path)).snapshot()
    for (const id of [0, 1999, 2000, 4321, 5999]) {
      const row = await snap.findByKey(id)
      expect(row?.getColumn('name').toArray()).toEqual([`u${id}`])
    }
    expect(await snap.findByKey(6000)).toBeNull()
  })
})
