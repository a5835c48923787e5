import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { createTable, openTable } from './table.js'

// Delta timestamp statistics are truncated down to the millisecond (PROTOCOL.md "Per-file Statistics"): a row at
// 12:00:00.000999 lies in a file whose max reads 12:00:00.000, and no pruning by that max may skip it.
const tmp = useTempDir('pf-timestamp-stats-pruning-')

/** 2024-01-02T12:00:00.000Z in microseconds since the epoch. */
const NOON = BigInt(Date.UTC(2024, 0, 2, 12)) * 1000n

/** A DateTime column of microsecond values. */
function at(micros: readonly bigint[]): pl.Series {
  return pl.Series('createdAt', micros.map(String), pl.Utf8).cast(pl.Int64).cast(pl.Datetime('us', 'UTC'))
}

/** The `stats` of the adds of a commit file, parsed. */
async function addStats(table: string, version: number): Promise<Record<string, Record<string, unknown>>[]> {
  const text = await readFile(join(table, '_delta_log', `${String(version).padStart(20, '0')}.json`), 'utf8')
  return text
    .split('\n')
    .filter((line) => line.includes('"add"'))
    .map((line) => JSON.parse((JSON.parse(line) as { add: { stats: string } }).add.stats))
}

function micros(df: pl.DataFrame): string[] {
  return (df.getColumn('createdAt').cast(pl.Int64).cast(pl.Utf8).toArray() as string[]).sort()
}

describe('timestamp statistics', () => {
  it('are written truncated down to the millisecond, in the text Spark writes', async () => {
    const path = join(tmp.dir, 'users')
    const table = await createTable(path, { entity: userEntity, enums: userEnums })
    await table.append(users([1, 2]).withColumn(at([NOON + 999n, NOON - 1n])))
    const [stats] = await addStats(path, 1)
    expect(stats?.minValues).toMatchObject({ createdAt: '2024-01-02T11:59:59.999Z' })
    expect(stats?.maxValues).toMatchObject({ createdAt: '2024-01-02T12:00:00.000Z' })
  })

  it('never prune a row below the millisecond of a file max (scan where =, >, >=, in)', async () => {
    const path = join(tmp.dir, 'users')
    const table = await createTable(path, { entity: userEntity, enums: userEnums })
    await table.append(users([1]).withColumn(at([NOON + 999n])))
    await table.append(users([2]).withColumn(at([NOON - 5_000_000n])))
    // A fresh open reads the statistics from the log, as every other process does.
    const opened = await openTable(path)
    const noon = new Date(Number(NOON / 1000n))
    const found = async (where: Parameters<typeof opened.scan>[0]) =>
      micros(await (await opened.scan(where)).collect())
    const row = [String(NOON + 999n)]
    expect(await found({ where: [{ column: 'createdAt', op: '>', value: noon }] })).toEqual(row)
    expect(await found({ where: [{ column: 'createdAt', op: '>=', value: noon }] })).toEqual(row)
    expect(await found({ where: [{ column: 'createdAt', op: '=', value: NOON + 999n }] })).toEqual(row)
    expect(await found({ where: [{ column: 'createdAt', op: 'in', values: [NOON + 999n] }] })).toEqual(row)
    // The bound is the millisecond's last microsecond, no more: past it the file is still skipped.
    expect(await found({ where: [{ column: 'createdAt', op: '>', value: NOON + 999n }] })).toEqual([])
  })

  it('of tables written before truncation (exact microseconds) still prune exactly', async () => {
    const path = join(tmp.dir, 'users')
    const table = await createTable(path, { entity: userEntity, enums: userEnums })
    await table.append(users([1]).withColumn(at([NOON + 500n])))
    const log = join(path, '_delta_log', `${'1'.padStart(20, '0')}.json`)
    const text = await readFile(log, 'utf8')
    // The stats text pf wrote before: microseconds.
    const old = text.replaceAll('12:00:00.000Z', '12:00:00.000500Z')
    expect(old).not.toBe(text)
    await writeFile(log, old)
    const opened = await openTable(path)
    const where = (value: bigint) => [{ column: 'createdAt', op: '=', value } as const]
    expect(micros(await (await opened.scan({ where: where(NOON + 500n) })).collect())).toEqual([
      String(NOON + 500n),
    ])
  })
})
