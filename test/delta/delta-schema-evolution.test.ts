// Schema changes other engines must follow: a rename without rewriting (Delta column mapping: the file keeps its
// physical column, the schema gives it a new display name), an added and a dropped field. After every commit, and
// at every version afterwards, a reader that follows only the Delta log sees pf's rows under that version's schema.
import { join } from 'node:path'
import { createTable, type EntityIR } from '@parquetframe/runtime'
import pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
import { entityOf, useOracleWorkspace } from './oracle-workspace.js'
import { expectSameRowsAt } from './pf-agreement.js'

/** The Item entity of one schema version. */
function item(fields: string): EntityIR {
  return entityOf(`entity Item @storage("items") {\n${fields}\n}`)
}

const ws = useOracleWorkspace('pf-delta-evolve-')

describe('schema changes other engines follow', () => {
  it('rename (no rewrite), add and drop: pf and the Delta log agree at every version', async () => {
    const root = join(ws.dir, 'items')
    const table = await createTable(root, {
      entity: item('id Int @id\n name String\n qty Int?\n tag String?'),
      autoCompact: false,
    })
    const check = (step: string) => expectSameRowsAt(ws.oracle, table, root, table.version, step)
    const ids = (n: number[]) => pl.Series('id', n, pl.Int64)
    await table.insert(
      pl.DataFrame([
        ids([1, 2, 3, 4]),
        pl.Series('name', ['a', 'b', 'c', 'd']),
        pl.Series('qty', [10, null, 30, 40], pl.Int64),
        pl.Series('tag', ['x', 'y', null, 'z']),
      ]),
    )
    await check('insert v1')
    await table.deleteKeys([2])
    await check('deleteKeys v1')
    const renamed = await table.evolveSchema(
      item('id Int @id\n name String\n amount Int?\n tag String?'),
      [],
      {
        renames: { qty: 'amount' },
      },
    )
    expect(renamed.rewritten).toBe(false)
    const afterRename = await check('rename qty → amount')
    expect(afterRename.fields.map((f) => f.name)).toEqual(['id', 'name', 'amount', 'tag'])
    expect(afterRename.rows.map((r) => r.amount).sort()).toEqual([10n, 30n, 40n])
    await table.evolveSchema(item('id Int @id\n name String\n amount Int?\n note String?'), [])
    await check('drop tag, add note')
    await table.upsert(
      pl.DataFrame([
        ids([3, 5]),
        pl.Series('name', ['c2', 'e']),
        pl.Series('amount', [33, 50], pl.Int64),
        pl.Series('note', ['new', null]),
      ]),
    )
    await check('upsert after the changes')
    await table.compact()
    await check('compact')
    for (let v = 0; v <= table.version; v++)
      await expectSameRowsAt(ws.oracle, table, root, v, 'time travel', { stats: false })
  }, 180_000)
})
