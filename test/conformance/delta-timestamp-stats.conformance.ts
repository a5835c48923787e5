// Timestamp statistics as Spark writes them (PROTOCOL.md "Per-file Statistics": truncated down to the millisecond):
// the rows of Spark's kernel-timestamp-timestamp_micros table, written by pf one file each, get the very `stats`
// text Spark wrote for them; and pf prunes by those truncated maxima without skipping a row below the millisecond.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createTable, openTable, read } from '@parquetframe/runtime'
import pl from 'nodejs-polars'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { entityIRFor } from '../../packages/runtime/src/entity/__fixtures__/test-ir.js'
import { CORPUS_ROOT } from './corpus-files.js'

const DELTA_ROOT = resolve(process.env.PF_TESTDATA_DELTA ?? join(CORPUS_ROOT, '..', 'delta'))
const SPARK_TABLE = join(DELTA_ROOT, 'golden', 'kernel-timestamp-timestamp_micros')

interface Stats {
  readonly minValues: Record<string, unknown>
  readonly maxValues: Record<string, unknown>
}

/** The parsed `stats` of every add in a table's commit files. */
async function addStats(table: string): Promise<Stats[]> {
  const log = join(table, '_delta_log')
  const commits = (await readdir(log)).filter((f) => /^\d{20}\.json$/.test(f)).sort()
  const out: Stats[] = []
  for (const commit of commits)
    for (const line of (await readFile(join(log, commit), 'utf8')).split('\n')) {
      if (!line.includes('"add"')) continue
      const { add } = JSON.parse(line) as { add: { stats?: string } }
      if (add.stats) out.push(JSON.parse(add.stats) as Stats)
    }
  return out
}

const entity = entityIRFor('Event', { id: 'Int', time: 'DateTime?' }, { storage: 'events' })

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pf-ts-stats-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('timestamp statistics against Spark', () => {
  it('pf writes the stats text Spark wrote for the same timestamps', async () => {
    const spark = (await (await read(SPARK_TABLE)).toDataFrame()).select(
      pl.col('id').cast(pl.Int64),
      pl.col('time'),
    )
    const path = join(dir, 'events')
    const table = await createTable(path, { entity })
    for (let i = 0; i < spark.height; i++) await table.append(spark.slice(i, 1))
    const key = (s: Stats) => String(s.minValues.id)
    const theirs = new Map((await addStats(SPARK_TABLE)).map((s) => [key(s), s]))
    const ours = await addStats(path)
    expect(ours).toHaveLength(spark.height)
    let compared = 0
    for (const s of ours) {
      const t = theirs.get(key(s))
      if (t?.minValues.time === undefined) continue
      expect(s.minValues.time).toBe(t.minValues.time)
      expect(s.maxValues.time).toBe(t.maxValues.time)
      compared++
    }
    expect(compared).toBeGreaterThanOrEqual(4)
  })

  it('finds a row below the millisecond of its file max in a table pf wrote', async () => {
    const path = join(dir, 'micros')
    const table = await createTable(path, { entity })
    const noon = BigInt(Date.UTC(2024, 0, 2, 12)) * 1000n
    const frame = (id: number, micros: bigint) =>
      pl.DataFrame({
        id: pl.Series('id', [id], pl.Int64),
        time: pl
          .Series('time', [String(micros)], pl.Utf8)
          .cast(pl.Int64)
          .cast(pl.Datetime('us', 'UTC')),
      })
    await table.append(frame(1, noon + 999n))
    await table.append(frame(2, noon - 1_000_000n))
    const [first] = await addStats(path)
    expect(first?.maxValues.time).toBe('2024-01-02T12:00:00.000Z')
    const opened = await openTable(path)
    const found = await (
      await opened.scan({ where: [{ column: 'time', op: '>', value: new Date(Number(noon / 1000n)) }] })
    ).collect()
    expect(found.getColumn('id').toArray()).toEqual([1])
  })
})
