// A unique check asks which live files may hold a value (Snapshot.filesMatching). Through the live files' per-layer
// indexes (LiveFileMap.mayHoldValue) it must answer exactly what asking every file's statistics answers, in order.
import { describe, expect, it } from 'vitest'
import { range, userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { useUsersTablePath } from './__fixtures__/users-table-setup.js'
import { LiveFileMap } from './live-file-map.js'
import { type ColumnPredicate, fileMayMatch } from './scan-predicate.js'
import { createTable } from './table.js'

const ws = useUsersTablePath()

describe('Snapshot.filesMatching', () => {
  it('answers as every file asked would, in order, across adds, upserts and deletes of one-row files', async () => {
    const table = await createTable(ws.path, { entity: userEntity, enums: userEnums, autoCompact: false })
    await table.append(users(range(0, 200)))
    const fields = new Map(userEntity.fields.map((f) => [f.column, f]))
    const wheres: ColumnPredicate[][] = [
      [{ column: 'name', op: 'in', values: ['u5', 'u1003', 'x'] }],
      [{ column: 'name', op: '=', value: 'u1010' }],
      [{ column: 'name', op: 'in', values: [] }],
      [{ column: 'id', op: 'in', values: [7, 1004, 5000] }],
      [{ column: 'age', op: '=', value: 3 }],
      [
        { column: 'name', op: 'in', values: ['u1001', 'u1002'] },
        { column: 'age', op: 'in', values: [11] },
      ],
      [{ column: 'score', op: 'in', values: [1.5] }],
      [{ column: 'name', op: '>', value: 'u1010' }],
    ]
    const check = async (at: string) => {
      const snap = await table.snapshot()
      expect(snap.state.files).toBeInstanceOf(LiveFileMap)
      for (const where of wheres) {
        const all = snap.files.filter((f) => fileMayMatch(f.add, fields, where)).map((f) => f.add.path)
        expect(
          snap.filesMatching(where).map((f) => f.add.path),
          `${at}: ${JSON.stringify(where)}`,
        ).toEqual(all)
      }
    }
    for (let i = 0; i < 40; i++) {
      // One-row files (one name each, some the same name), then some replaced by an upsert or deleted.
      const id = 1000 + i
      await table.append(users([id], i % 3 === 0 ? 'u' : 'v'))
      if (i % 7 === 3) await table.upsert(users([id - 2]))
      if (i % 11 === 5) await table.deleteKeys([id - 1])
      if (i % 5 === 0) await check(`after ${i}`)
    }
    await check('at the end')
  })
})
