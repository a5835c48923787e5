// An Avro table rewritten to Parquet drops pf's Avro reader feature as Delta's DROP FEATURE does (issue 11): after
// it a reader that follows only PROTOCOL.md opens the table with no pf feature and reads pf's rows; the log before
// the drop is gone from `_delta_log/`, time travel to it is a typed error; a crash between the steps leaves a
// readable table and running the migration again finishes the job.
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
import { entityOf, useOracleWorkspace } from '../../../../test/delta/oracle-workspace.js'
import { expectSameRowsAt } from '../../../../test/delta/pf-agreement.js'
import { PF_AVRO_FEATURE } from '../delta/protocol-features.js'
import { FaultyFileSystem } from './faulty-file-system.js'
import { createTable, openTable, type Table } from './table.js'
import { ConflictError, TableVersionExpiredError } from './table-errors.js'

const ws = useOracleWorkspace('pf-drop-feature-')

const NOTE = 'entity Note @storage("notes") @format(avro) { id Int @id\n text String }'

const rows = (ids: number[], text: string): pl.DataFrame =>
  pl.DataFrame({
    id: pl.Series('id', ids, pl.Int64),
    text: pl.Series(
      'text',
      ids.map((i) => `${text} ${i}`),
    ),
  })

/** Inserts, updates and deletes (deletion vectors): live ids 2, 3, 5, 6, 7, 8. */
async function avroHistory(table: Table): Promise<void> {
  await table.insert(rows([1, 2, 3, 4, 5, 6], 'first'))
  await table.upsert(rows([2, 3, 7], 'second'))
  await table.deleteKeys([4])
  await table.insert(rows([8], 'third'))
  await table.deleteKeys([1])
  await table.settled()
}

const ids = async (table: Table): Promise<number[]> =>
  ((await table.read()).getColumn('id').toArray() as (number | bigint)[]).map(Number).sort((a, b) => a - b)

/** The oldest version of the files in `_delta_log/` (commits, checkpoints). */
async function oldestLogVersion(root: string): Promise<number> {
  const names = await readdir(join(root, '_delta_log'))
  return Math.min(...names.flatMap((n) => (/^\d{20}\./.test(n) ? [Number(n.slice(0, 20))] : [])))
}

/** The Avro table of notes at `<ws>/<name>` (merge-on-read, no auto compaction) with `avroHistory` written. */
async function avroNotes(
  name: string,
  options: { readonly checkpointInterval: number; readonly fs?: FaultyFileSystem },
): Promise<{ root: string; table: Table }> {
  const root = join(ws.dir, name)
  const table = await createTable(root, {
    entity: entityOf(NOTE),
    updateMode: 'merge-on-read',
    autoCompact: false,
    ...options,
  })
  await avroHistory(table)
  return { root, table }
}

/** The protocol a Delta reader sees names no pf feature, and it reads exactly pf's rows. */
async function expectPlainDelta(root: string, step: string): Promise<number> {
  const table = await openTable(root)
  const snapshot = await ws.oracle.snapshot(root)
  const features = [...(snapshot.protocol.readerFeatures ?? []), ...(snapshot.protocol.writerFeatures ?? [])]
  expect(features, step).not.toContain(PF_AVRO_FEATURE)
  await expectSameRowsAt(ws.oracle, table, root, table.version, step)
  return table.version
}

describe('rewriteFormat to Parquet of an Avro table', () => {
  it('drops the Avro feature: a plain Delta table, its history before the drop gone', async () => {
    const { root, table } = await avroNotes('notes', { checkpointInterval: 3 })
    expect((await table.snapshot()).files.some((f) => f.add.deletionVector)).toBe(true)
    const before = await ws.oracle.read(root).catch((e: unknown) => e)
    expect(String(before)).toContain(PF_AVRO_FEATURE)

    const result = await table.rewriteFormat('parquet')
    const dropped = result.droppedFeature
    expect(dropped?.version).toBe(result.version + 1)
    expect(table.version).toBe(dropped?.version)
    const drop = dropped?.version ?? -1
    expect(dropped?.movedTo).toBe(join(root, '_pf', 'dropped-history', String(drop)))
    expect((await table.history()).at(-1)?.operation).toBe('DROP_FEATURE')

    expect(await expectPlainDelta(root, 'after the drop')).toBe(drop)
    expect((await ws.oracle.snapshot(root)).protocol).toEqual({
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ['deletionVectors'],
      writerFeatures: ['deletionVectors', 'invariants'],
    })
    expect(await oldestLogVersion(root)).toBe(drop)
    expect(await readdir(dropped?.movedTo ?? '')).toContain('00000000000000000000.json')
    expect(await ids(table)).toEqual([2, 3, 5, 6, 7, 8])

    // Time travel before the drop ends with a typed error naming the version.
    const expired = await table.at(drop - 1).catch((e: unknown) => e)
    expect(expired).toBeInstanceOf(TableVersionExpiredError)
    expect((expired as TableVersionExpiredError).version).toBe(drop - 1)
    expect((expired as TableVersionExpiredError).oldest).toBe(drop)

    // pf reads, writes and reopens it; other readers keep agreeing.
    const reopened = await openTable(root)
    expect(await ids(reopened)).toEqual([2, 3, 5, 6, 7, 8])
    await reopened.upsert(rows([3, 9], 'after'))
    await reopened.deleteKeys([5])
    await reopened.settled()
    expect(await ids(await openTable(root))).toEqual([2, 3, 6, 7, 8, 9])
    await expectPlainDelta(root, 'written after the drop')

    // Vacuum deletes the Avro files the rewrite removed (tombstones of the drop's checkpoint), never a live file.
    const vacuumed = await (await openTable(root)).vacuum({ retentionMs: 0, unreferencedMinAgeMs: 0 })
    expect(vacuumed.deleted.some((p) => p.endsWith('.avro'))).toBe(true)
    expect(await ids(await openTable(root))).toEqual([2, 3, 6, 7, 8, 9])
    await expectPlainDelta(root, 'vacuumed after the drop')

    // Running it again changes nothing.
    const again = await (await openTable(root)).rewriteFormat('parquet')
    expect(again.droppedFeature?.movedFiles).toBe(0)
    expect(await oldestLogVersion(root)).toBe(drop)
  }, 120_000)

  it('takes along a concurrent writer that opened the table as Avro, never committing Avro files after the drop', async () => {
    const fs = new FaultyFileSystem()
    const { root, table } = await avroNotes('rival', { checkpointInterval: 100, fs })
    const rival = await openTable(root)
    expect(rival.metadata.format).toBe('avro')
    const outcomes: string[] = []
    // The rival writes between the Parquet rewrite and the DROP FEATURE commit (it takes that commit's version).
    fs.inject({
      op: 'mkdir',
      path: /dropped-history$/,
      before: async () => {
        await rival.insert(rows([20], 'rival')).then(
          () => outcomes.push('committed'),
          (e: unknown) => outcomes.push(e instanceof ConflictError ? e.reason : String(e)),
        )
      },
    })
    const result = await table.rewriteFormat('parquet')
    expect(outcomes).toHaveLength(1)
    const live = (await (await openTable(root)).snapshot()).files.map((f) => f.add.path)
    expect(
      live.every((p) => p.endsWith('.parquet')),
      live.join(', '),
    ).toBe(true)
    const expected = outcomes[0] === 'committed' ? [2, 3, 5, 6, 7, 8, 20] : [2, 3, 5, 6, 7, 8]
    expect(await ids(await openTable(root))).toEqual(expected)
    expect(await expectPlainDelta(root, 'a rival wrote during the drop')).toBe(result.droppedFeature?.version)
    expect(await oldestLogVersion(root)).toBe(result.droppedFeature?.version)
  }, 120_000)

  it.each([
    ['before the checkpoint is durable', /_delta_log\/\d{20}\.checkpoint\.parquet$/],
    ['in the middle of the move', /dropped-history\/\d+\/0{19}2\.json$/],
  ])(
    'a crash %s leaves a readable table; a re-run finishes',
    async (label, path) => {
      const fs = new FaultyFileSystem()
      const { root, table } = await avroNotes(label.replace(/\W+/g, '-'), { checkpointInterval: 100, fs })
      fs.inject({ op: 'rename', path, code: 'EIO' })
      await expect(table.rewriteFormat('parquet')).rejects.toThrow(/EIO/)
      // The DROP FEATURE commit landed: pf and a Delta reader open the table as it is on disk.
      expect(await ids(await openTable(root))).toEqual([2, 3, 5, 6, 7, 8])
      await expectPlainDelta(root, `crash ${label}`)
      expect(await oldestLogVersion(root)).toBeLessThan(table.version)

      const rerun = await (await openTable(root)).rewriteFormat('parquet')
      expect(rerun.droppedFeature?.version).toBe(table.version)
      expect(await oldestLogVersion(root)).toBe(table.version)
      expect(await expectPlainDelta(root, `re-run after a crash ${label}`)).toBe(table.version)
    },
    120_000,
  )
})

describe('rewriteFormat to Parquet stopped before the DROP FEATURE commit', () => {
  it('leaves a Parquet table that still declares the feature; a re-run drops it', async () => {
    const fs = new FaultyFileSystem()
    const { root, table } = await avroNotes('before-drop', { checkpointInterval: 100, fs })
    const rewrite = table.version + 1
    fs.inject({
      op: 'createExclusive',
      path: new RegExp(`${String(rewrite + 1).padStart(20, '0')}\\.json$`),
      code: 'EIO',
    })
    await expect(table.rewriteFormat('parquet')).rejects.toThrow(/creating log entry/)
    const stopped = await openTable(root)
    expect([stopped.version, stopped.metadata.format]).toEqual([rewrite, 'parquet'])
    expect(await ids(stopped)).toEqual([2, 3, 5, 6, 7, 8])
    expect(String(await ws.oracle.read(root).catch((e: unknown) => e))).toContain(PF_AVRO_FEATURE)

    const rerun = await stopped.rewriteFormat('parquet')
    expect([rerun.version, rerun.droppedFeature?.version]).toEqual([rewrite, rewrite + 1])
    expect(await expectPlainDelta(root, 'dropped by the re-run')).toBe(rewrite + 1)
    expect(await oldestLogVersion(root)).toBe(rewrite + 1)
  }, 120_000)
})
