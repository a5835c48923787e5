// Another Delta writer appends to a pf table as Spark would (its own Parquet file, a commit without pf's totals,
// checksums or operation, once with Spark's column statistics and once with only numRecords, as Spark
// writes with delta.dataSkippingNumIndexedCols = 0): pf reads those rows, its next commits rebase
// on them from a Table object opened before, and update and delete rows of the other writer's files; a reader
// following only the Delta log agrees at every version.
import { randomUUID } from 'node:crypto'
import { stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { createTable, openTable } from '@parquetframe/runtime'
import pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
import { entityOf, useOracleWorkspace } from './oracle-workspace.js'
import { expectSameRowsAt } from './pf-agreement.js'

const ws = useOracleWorkspace('pf-other-append-')

const ENTITY = entityOf(`
entity Item @storage("items") {
  id   Int @id
  name String
  qty  Int?
}`)

const items = (ids: readonly number[], name: string): pl.DataFrame =>
  pl.DataFrame([
    pl.Series('id', ids, pl.Int64),
    pl.Series(
      'name',
      ids.map((i) => `${name} ${i}`),
      pl.Utf8,
    ),
    pl.Series(
      'qty',
      ids.map((i) => i * 2),
      pl.Int64,
    ),
  ])

/** A blind append as Spark commits it: a Parquet file of `ids` written by DuckDB, then `_delta_log/<version>.json`. */
async function otherWriterAppends(
  root: string,
  version: number,
  ids: readonly number[],
  stats: 'columns' | 'count' | 'none',
) {
  const path = `part-00000-${randomUUID()}-c000.snappy.parquet`
  const duck = await (await DuckDBInstance.create(':memory:')).connect()
  const values = ids.map((i) => `(${i}::BIGINT, 'spark ${i}', ${i * 3}::BIGINT)`).join(', ')
  await duck.run(
    `COPY (SELECT * FROM (VALUES ${values}) t(id, name, qty)) TO '${join(root, path)}' (FORMAT parquet, COMPRESSION snappy)`,
  )
  duck.closeSync()
  const { size } = await stat(join(root, path))
  const sparkStats = {
    numRecords: ids.length,
    minValues: {
      id: Math.min(...ids),
      name: `spark ${[...ids].map(String).sort()[0]}`,
      qty: Math.min(...ids) * 3,
    },
    maxValues: {
      id: Math.max(...ids),
      name: `spark ${[...ids].map(String).sort().at(-1)}`,
      qty: Math.max(...ids) * 3,
    },
    nullCount: { id: 0, name: 0, qty: 0 },
  }
  const actions = [
    {
      commitInfo: {
        timestamp: Date.now(),
        operation: 'WRITE',
        operationParameters: { mode: 'Append', partitionBy: '[]' },
        isBlindAppend: true,
        engineInfo: 'Apache-Spark/3.5.1 Delta-Lake/3.2.0',
      },
    },
    {
      add: {
        path,
        partitionValues: {},
        size,
        modificationTime: Date.now(),
        dataChange: true,
        // Stats are optional in Delta: older writers and `delta.dataSkippingNumIndexedCols` leave parts or all out.
        ...(stats === 'none'
          ? {}
          : { stats: JSON.stringify(stats === 'columns' ? sparkStats : { numRecords: ids.length }) }),
      },
    },
  ]
  await writeFile(
    join(root, '_delta_log', `${String(version).padStart(20, '0')}.json`),
    `${actions.map((a) => JSON.stringify(a)).join('\n')}\n`,
    { flag: 'wx' },
  )
}

describe('a blind append by another Delta writer', () => {
  it.each(['merge-on-read', 'copy-on-write'] as const)(
    'is read by pf, and pf’s next commits rebase on it (%s)',
    async (updateMode) => {
      const root = join(ws.dir, updateMode)
      const table = await createTable(root, {
        entity: ENTITY,
        updateMode,
        autoCompact: false,
        checkpointInterval: 5,
      })
      await table.insert(items([1, 2, 3], 'pf'))
      const ids = async (version: number): Promise<number[]> => {
        const seen = await expectSameRowsAt(ws.oracle, table, root, version, `${updateMode} at ${version}`)
        return seen.rows.map((r) => Number(r.id)).sort((a, b) => a - b)
      }
      // Versions 2 and 3: the other writer, while `table` still holds version 1.
      await otherWriterAppends(root, 2, [10, 11, 12], 'columns')
      await otherWriterAppends(root, 3, [20, 21], 'count')
      expect(await ids(3)).toEqual([1, 2, 3, 10, 11, 12, 20, 21])
      const fresh = await openTable(root)
      expect((await fresh.findByKey(21))?.getColumn('name').get(0)).toBe('spark 21')

      // An upsert of a row of the other writer's file, from the Table object that has not seen its commits.
      expect((await table.upsert(items([11, 4], 'pf upsert'))).version).toBe(4)
      expect(await ids(4)).toEqual([1, 2, 3, 4, 10, 11, 12, 20, 21])
      // A delete in the file without column statistics, an insert of a key the other writer stored is refused.
      await table.deleteKeys([20, 2])
      expect(await ids(5)).toEqual([1, 3, 4, 10, 11, 12, 21])
      // Merge-on-read deletes the other writer's rows by a deletion vector on its file, copy-on-write rewrites it.
      const foreign = (await ws.oracle.snapshot(root, 5)).files.filter((f) =>
        f.path.endsWith('-c000.snappy.parquet'),
      )
      expect(foreign.some((f) => f.deletionVector !== undefined && f.deletionVector !== null)).toBe(
        updateMode === 'merge-on-read',
      )
      await expect(table.insert(items([12], 'again'))).rejects.toMatchObject({ code: 'PF_DUPLICATE_KEY' })
      await table.deleteWhere(pl.col('qty').gt(60))
      expect(await ids(6)).toEqual([1, 3, 4, 10, 11, 12, 21].filter((i) => i !== 21))
      await table.compact()
      await table.checkpoint()
      const latest = (await openTable(root)).version
      expect(await ids(latest)).toEqual([1, 3, 4, 10, 11, 12])
      const names = await (await openTable(root)).read()
      expect(
        Object.fromEntries(
          (names.select('id', 'name').toRecords() as { id: number; name: string }[]).map((r) => [
            r.id,
            r.name,
          ]),
        ),
      ).toEqual({
        1: 'pf 1',
        3: 'pf 3',
        4: 'pf upsert 4',
        10: 'spark 10',
        11: 'pf upsert 11',
        12: 'spark 12',
      })
      for (let v = 0; v <= latest; v++) await ids(v)
    },
    120_000,
  )

  it.each(['merge-on-read', 'copy-on-write'] as const)(
    'without any stats (row count unknown) is read, counted and rebased on by pf’s next commits (%s)',
    async (updateMode) => {
      const root = join(ws.dir, `no-stats-${updateMode}`)
      const table = await createTable(root, {
        entity: ENTITY,
        updateMode,
        autoCompact: false,
        checkpointInterval: 3,
      })
      await table.insert(items([1, 2, 3], 'pf'))
      await otherWriterAppends(root, 2, [10, 11, 12], 'none')
      const ids = async (version: number): Promise<number[]> => {
        const seen = await expectSameRowsAt(ws.oracle, table, root, version, `${updateMode} at ${version}`)
        return seen.rows.map((r) => Number(r.id)).sort((a, b) => a - b)
      }
      expect(await ids(2)).toEqual([1, 2, 3, 10, 11, 12])
      expect(await (await openTable(root)).count()).toBe(6)
      expect((await table.upsert(items([11, 4], 'pf upsert'))).version).toBe(3)
      await table.deleteKeys([12, 2])
      await table.insert(items([5], 'pf'))
      await table.settled()
      const reopened = await openTable(root)
      expect(await reopened.count()).toBe(6)
      expect(await ids(reopened.version)).toEqual([1, 3, 4, 5, 10, 11])
      await reopened.compact()
      await reopened.checkpoint()
      const latest = await openTable(root)
      expect(await latest.count()).toBe(6)
      expect((await latest.snapshot()).numRows).toBe(6)
      for (let v = 0; v <= latest.version; v++) await ids(v)
    },
    120_000,
  )
})
