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
  // The calls of the second table's part: its data file's write (while preparing) and flush (its log entry waits
  // for it), the log entry's exclusive create, and the log folder's flush that makes the entry durable. A log entry
  // is never written by writeFile or renamed into place, so faults there would test nothing.
  const dataFile = /[\\/]b[\\/]part-[^\\/]*\.parquet$/
  const logEntry = /[\\/]b[\\/]_delta_log[\\/]\d{20}\.json$/
  it.each([
    { step: 'data file write', op: 'writeFile', path: dataFile },
    { step: 'data file flush', op: 'fsyncFile', path: dataFile },
    { step: 'log entry create', op: 'createExclusive', path: logEntry },
    { step: 'log folder flush', op: 'fsyncDir', path: /[\\/]b[\\/]_delta_log$/ },
  ] as const)(
    'failing at the second table’s $step ($op) leaves all or nothing in both tables, for every reader',
    async ({ step, op, path }) => {
      const base = join(ws.dir, op)
      const fs = new FaultyFileSystem()
      const a = await createTable(join(base, 'a'), { entity: entity('a'), fs })
      const b = await createTable(join(base, 'b'), { entity: entity('b'), fs })
      await a.insert(rows([1]))
      await b.insert(rows([1]))
      fs.inject({ op, path, code: 'EIO', times: 100 })
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
          `${name} after the ${step} fault`,
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
