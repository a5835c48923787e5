// Every reader sees exactly pf's rows: seeded random sequences of writes and maintenance through the Table API, and
// after EVERY commit a reader that follows only PROTOCOL.md (spec-delta-reader.ts) must see pf's rows at that
// version; at the end, at every version again (time travel), then after vacuum.
import { join } from 'node:path'
import { createTable, type EntityIR, type Table, type UpdateMode } from '@parquetframe/runtime'
import pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
import { mulberry32 } from '../../packages/runtime/src/table/__fixtures__/seeded-random.js'
import { entityOf, useOracleWorkspace } from './oracle-workspace.js'
import { expectSameRowsAt } from './pf-agreement.js'

/** Partition values other engines must decode from the log's URI paths: unicode, space, '/', '%', '='; null. */
const REGIONS = ['north', 'São Paulo', 'a b', 'x/y', '100%', 'k=v', '日本', null] as const

/** An entity whose table the sequences write; `region` partitions it in the partitioned runs. */
function itemEntity(partitioned: boolean): EntityIR {
  return entityOf(`
entity Item @storage("items") ${partitioned ? '@partitionBy(region)' : ''} {
  id     Int @id
  name   String
  region String?
  qty    Int?
  score  Float?
  big    BigInt?
  flag   Boolean?
  tags   String[]?
}`)
}

/** Rows for `ids`, revision `rev` of their values; nulls and 64-bit integers beyond 2^53 included. */
function items(ids: readonly number[], rev: number, pick: () => number): pl.DataFrame {
  const region = ids.map(() => REGIONS[Math.floor(pick() * REGIONS.length)] ?? null)
  return pl.DataFrame([
    pl.Series('id', ids, pl.Int64),
    pl.Series(
      'name',
      ids.map((i) => `item ${i} r${rev}`),
      pl.Utf8,
    ),
    pl.Series('region', region, pl.Utf8),
    pl.Series(
      'qty',
      ids.map((i) => (i % 7 === 0 ? null : (i * 3 + rev) % 50)),
      pl.Int64,
    ),
    pl.Series(
      'score',
      ids.map((i) => (i % 5 === 0 ? null : i / 8 + rev)),
      pl.Float64,
    ),
    // Through text: nodejs-polars turns JS bigints of an Int64 series into nulls.
    pl
      .Series(
        'big',
        ids.map((i) => (i % 4 === 0 ? null : String(BigInt(i) * 1_000_000_000_007n + BigInt(rev)))),
        pl.Utf8,
      )
      .cast(pl.Int64),
    pl.Series(
      'flag',
      ids.map((i) => (i % 6 === 0 ? null : (i + rev) % 2 === 0)),
      pl.Bool,
    ),
    // A leading non-null row, sliced off, because nodejs-polars cannot type an all-null list series.
    pl
      .Series(
        'tags',
        [['-'], ...ids.map((i) => (i % 3 === 0 ? null : [`t${i % 4}`, `r${rev}`]))],
        pl.List(pl.Utf8),
      )
      .slice(1, ids.length),
  ])
}

const ws = useOracleWorkspace('pf-delta-agree-')

const CASES: [string, number, boolean, UpdateMode][] = [
  ['unpartitioned, merge-on-read', 11, false, 'merge-on-read'],
  ['unpartitioned, copy-on-write', 12, false, 'copy-on-write'],
  ['partitioned, merge-on-read', 13, true, 'merge-on-read'],
  ['partitioned, copy-on-write', 14, true, 'copy-on-write'],
]

describe('a reader that follows only the Delta log sees exactly pf’s rows, at every version', () => {
  it.each(CASES)(
    '%s (seed %i)',
    async (label, seed, partitioned, updateMode) => {
      const root = join(ws.dir, `${label.replace(/\W+/g, '-')}`)
      const table: Table = await createTable(root, {
        entity: itemEntity(partitioned),
        updateMode,
        checkpointInterval: 4,
        autoCompact: false,
      })
      const pick = mulberry32(seed)
      const live = new Set<number>()
      let nextId = 0
      let rev = 0
      const some = (n: number): number[] => [...live].filter(() => pick() < n / Math.max(1, live.size))
      const steps: string[] = []
      // What the oracle met on the way: the sequence must really exercise the parts of the protocol it claims to.
      const exercised = new Set<string>()
      const check = async (step: string): Promise<void> => {
        steps.push(`${table.version}: ${step}`)
        const seen = await expectSameRowsAt(ws.oracle, table, root, table.version, `${label}, step "${step}"`)
        const rows = seen.rows
        if (seen.snapshot.files.some((f) => f.deletionVector)) exercised.add('deletion vectors')
        if (seen.snapshot.checkpoint.length > 0) exercised.add('checkpoints')
        if (seen.snapshot.files.some((f) => /%[0-9A-F]{2}/i.test(f.path))) exercised.add('encoded paths')
        // Both readers could agree and still be wrong: the ids must be the ones written and not deleted.
        expect(
          rows.map((r) => Number(r.id)).sort((a, b) => a - b),
          `${label}, ${step}: live ids`,
        ).toEqual([...live].sort((a, b) => a - b))
      }
      await check('create')
      for (let i = 0; i < 22; i++) {
        rev++
        const roll = pick()
        if (roll < 0.25 || live.size < 5) {
          const ids = Array.from({ length: 1 + Math.floor(pick() * 12) }, () => nextId++)
          await table.insert(items(ids, rev, pick))
          for (const id of ids) live.add(id)
          await check(`insert ${ids.length}`)
        } else if (roll < 0.5) {
          // Existing keys get new values and usually a new region (a partition move); a few keys are new.
          const ids = [...some(4), nextId++, nextId++]
          await table.upsert(items(ids, rev, pick))
          for (const id of ids) live.add(id)
          await check(`upsert ${ids.length}`)
        } else if (roll < 0.62) {
          const ids = [...some(3), 1_000_000]
          await table.deleteKeys(ids)
          for (const id of ids) live.delete(id)
          await check(`deleteKeys ${ids.length}`)
        } else if (roll < 0.72) {
          const below = Math.floor(pick() * 12)
          const before = await table.read()
          const gone = before.filter(pl.col('qty').lt(below)).getColumn('id').toArray() as number[]
          await table.deleteWhere(pl.col('qty').lt(below))
          for (const id of gone) live.delete(Number(id))
          await check(`deleteWhere qty < ${below}`)
        } else if (roll < 0.82) {
          const up = [...some(2), nextId++]
          const del = some(2).filter((id) => !up.includes(id))
          await table.transaction((tx) => {
            tx.upsert(items(up, rev, pick))
            tx.deleteKeys(del)
          })
          for (const id of up) live.add(id)
          for (const id of del) live.delete(id)
          await check(`transaction upsert ${up.length} + deleteKeys ${del.length}`)
        } else if (roll < 0.92) {
          await table.compact()
          await check('compact')
        } else {
          await table.checkpoint()
          await check('checkpoint')
        }
      }
      // Time travel: every version again, now that later commits, checkpoints and compactions exist.
      const latest = table.version
      for (let v = 0; v <= latest; v++)
        await expectSameRowsAt(ws.oracle, table, root, v, `${label}, time travel`, { stats: false })
      await table.vacuum({ retentionMs: 0 })
      await expectSameRowsAt(ws.oracle, table, root, table.version, `${label}, after vacuum`)
      await table.insert(items([nextId++], ++rev, pick))
      live.add(nextId - 1)
      await check('insert after vacuum')
      expect(steps.length).toBeGreaterThan(20)
      expect(
        [...exercised].sort(),
        `${label}: what the oracle met (a _delta_log checkpoint it started from, DVs, URI-encoded partition paths)`,
      ).toEqual(
        [
          'checkpoints',
          ...(partitioned ? ['encoded paths'] : []),
          ...(updateMode === 'merge-on-read' ? ['deletion vectors'] : []),
        ].sort(),
      )
    },
    300_000,
  )
})
