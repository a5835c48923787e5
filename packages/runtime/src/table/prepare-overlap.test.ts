// A write's new rows are planned and their data file written while the log is checked for a newer version
// (Table.prepare): against the schema this table object knows, and again when the check finds another one.
import { readdir } from 'node:fs/promises'
import { setImmediate as nextTurn } from 'node:timers/promises'
import pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
import { idsOf, range, userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { useFaultyUsersTable } from './__fixtures__/users-table-setup.js'
import { openTable } from './table.js'

const ws = useFaultyUsersTable()
const dataFiles = async () => (await readdir(ws.path)).filter((n) => n.includes('part-')).sort()

describe('a write overlaps its data file with the freshness check', () => {
  it("the data file is being written while the log is checked (version 0's stat waits for it)", async () => {
    const seen: { writing?: boolean } = {}
    const from = ws.fs.calls.length
    ws.fs.inject({
      op: 'stat',
      path: /0{20}\.json$/,
      before: async () => {
        for (let i = 0; i < 10_000 && !seen.writing; i++) {
          seen.writing = ws.fs.calls.slice(from).some((c) => /^writeFile .*part-.*\.parquet$/.test(c))
          await nextTurn()
        }
      },
    })
    expect(await ws.table.append(users([10]))).toMatchObject({ version: 2 })
    expect(seen).toEqual({ writing: true })
    expect(idsOf(await (await openTable(ws.path)).read())).toEqual([...range(0, 5), 10])
  })

  it('a write validated against an older schema is planned and written again against the one the check found', async () => {
    // Another writer adds a field; this table object still knows the old schema.
    const other = await openTable(ws.path)
    const nick = {
      name: 'nick',
      id: 99,
      column: 'nick',
      type: { kind: 'scalar', name: 'String' },
      optional: true,
    }
    const evolved = {
      ...userEntity,
      fields: [...userEntity.fields, { ...nick, isId: false, unique: false, index: false }],
    }
    await other.evolveSchema(evolved as typeof userEntity, userEnums)
    const before = await dataFiles()
    const rows = users([10]).withColumn(pl.Series('nick', ['ten'], pl.Utf8))
    expect(await ws.table.append(rows)).toMatchObject({ version: 3 })
    const fresh = await openTable(ws.path)
    expect((await fresh.findByKey(10))?.getColumn('nick').get(0)).toBe('ten')
    // One new file: nothing was left of an attempt against the old schema.
    expect((await dataFiles()).length).toBe(before.length + 1)
  })
})
