// A file's key range is cached per file (key-range.ts). Lookups by other columns' values (a unique check, an equality
// filter: LiveFileMap.mayHoldValue) learn those columns' ranges of the same files: the key's cache must never take
// one for the key's own, or key lookups and key-range pruning skip files that hold the keys asked.
import { describe, expect, it } from 'vitest'
import { range, userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { useUsersTablePath } from './__fixtures__/users-table-setup.js'
import { keyRangeOf } from './key-range.js'
import { LiveFileMap } from './live-file-map.js'
import { createTable, openTable } from './table.js'

const ws = useUsersTablePath()

describe('key ranges of files opened from a checkpoint', () => {
  // ids 100-199 (age = id % 90: 0-89) and 300-399: each file's age range lies below its key range.
  async function tableWithTwoFiles(): Promise<void> {
    const table = await createTable(ws.path, { entity: userEntity, enums: userEnums, autoCompact: false })
    await table.append(users(range(100, 200)))
    await table.append(users(range(300, 400)))
    await table.checkpoint()
    await table.settled()
  }

  it("stay the key's after an equality lookup on another column", async () => {
    await tableWithTwoFiles()
    const table = await openTable(ws.path)
    const snapshot = await table.snapshot()
    // Opened from the state cache: the files are its columns (no file's key range parsed yet).
    expect(snapshot.state.files).toBeInstanceOf(LiveFileMap)
    // An equality lookup on age first: it yields both files (age 50 lies in each one's age range).
    expect(snapshot.filesMatching([{ column: 'age', op: '=', value: 50 }])).toHaveLength(2)
    expect(snapshot.files.map((f) => keyRangeOf(f.add, snapshot.metadata))).toEqual([
      { min: 100n, max: 199n },
      { min: 300n, max: 399n },
    ])
    expect((await table.findByKey(150))?.height).toBe(1)
    expect((await table.findByKeys(range(100, 200))).height).toBe(100)
    // An upsert of many keys locates them by the files' key ranges: replaced, never added again.
    await table.upsert(users(range(100, 200), 'w'))
    expect(await table.count()).toBe(200)
  })
})
