// Commits across tables: Delta has none, and a Delta reader treats every `_delta_log/N.json` as committed. When a
// transaction over two tables fails at the second table's commit, a reader that knows nothing of pf must not see
// the first table's part of it without the second's (the spec has no cross-table commit: pf may finish a decided
// transaction when it opens the tables, but never leave one half of it) — and pf must agree with that reader.
import { join } from 'node:path'
import { parseSchema } from '@parquetframe/codegen'
import { commitTables, createTable, type EntityIR, openTable } from '@parquetframe/runtime'
import { FaultyFileSystem } from '@parquetframe/runtime/testing'
import pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
import { useOracleWorkspace } from './oracle-workspace.js'
import { expectSameRowsAt } from './pf-agreement.js'

function entity(storage: string): EntityIR {
  const found = parseSchema(`entity T @storage("${storage}") { id Int @id\n v String }`).ir?.entities[0]
  if (!found) throw new Error('the schema does not parse')
  return found
}

const rows = (ids: number[]) =>
  pl.DataFrame([
    pl.Series('id', ids, pl.Int64),
    pl.Series(
      'v',
      ids.map((i) => `v${i}`),
    ),
  ])

const ws = useOracleWorkspace('pf-delta-multi-')

describe('a transaction over two tables that fails', () => {
  it.each(['createExclusive', 'rename', 'writeFile'] as const)(
    'failing at the second table’s commit (%s) leaves all or nothing in both tables, for every reader',
    async (op) => {
      const base = join(ws.dir, op)
      const fs = new FaultyFileSystem()
      const a = await createTable(join(base, 'a'), { entity: entity('a'), fs })
      const b = await createTable(join(base, 'b'), { entity: entity('b'), fs })
      await a.insert(rows([1]))
      await b.insert(rows([1]))
      fs.inject({ op, path: /[\\/]b[\\/]_delta_log[\\/]\d{20}\.json$/, code: 'EIO', times: 100 })
      const outcome = await commitTables([
        { table: a, build: (tx) => void tx.insert(rows([2])) },
        { table: b, build: (tx) => void tx.insert(rows([2])) },
      ]).then(
        () => 'committed',
        (error: unknown) => `failed (${(error as Error).message})`,
      )
      fs.clear()
      const seen: Record<string, number[]> = {}
      for (const name of ['a', 'b']) {
        const root = join(base, name)
        const table = await openTable(root)
        const read = await expectSameRowsAt(
          ws.oracle,
          table,
          root,
          table.version,
          `${name} after the ${op} fault`,
        )
        seen[name] = read.rows.map((r) => Number(r.id)).sort()
      }
      // All or nothing across the two tables, once pf has opened them (which may finish a decided transaction).
      expect(seen.a, `the transaction ${outcome}: a and b must agree`).toEqual(seen.b)
      if (outcome === 'committed') expect(seen.a).toEqual([1, 2])
    },
    120_000,
  )
})
