// Tombstones (the `remove` actions a checkpoint keeps for VACUUM) are read only by checkpoint writing and vacuum:
// opening a table, reading and committing never parse them (issue 11: 10,000 tombstones tripled the open time).
import { readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type * as checkpointParquet from '../delta/checkpoint-parquet.js'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { FaultyFileSystem } from './faulty-file-system.js'
import { createTable, openTable, type Table } from './table.js'
import { TableCorruptError, TablePropertyError } from './table-errors.js'

/** Every remove action each decodeCheckpoint call returned (a spy on the Delta checkpoint parser). */
const decodedRemoves: number[] = []
vi.mock('../delta/checkpoint-parquet.js', async (importOriginal) => {
  const original = await importOriginal<typeof checkpointParquet>()
  return {
    ...original,
    decodeCheckpoint: (...args: Parameters<typeof original.decodeCheckpoint>) => {
      const actions = original.decodeCheckpoint(...args)
      decodedRemoves.push(actions.filter((a) => 'remove' in a).length)
      return actions
    },
  }
})

const DAY_MS = 86_400_000
const FILES = 12

const tmp = useTempDir('pf-table-tombstone-reads-')
beforeEach(async () => {
  decodedRemoves.length = 0
})
afterEach(async () => {
  vi.useRealTimers()
})

const pad = (v: number) => String(v).padStart(20, '0')

/** A table of FILES single-row files compacted into one (FILES tombstones), checkpointed at the compaction. */
async function compactedTable(root: string): Promise<{ table: Table; removed: string[] }> {
  const table = await createTable(root, {
    entity: userEntity,
    enums: userEnums,
    checkpointInterval: 1000,
    autoCompact: false,
  })
  for (let i = 1; i <= FILES; i++) await table.append(users([i]))
  const removed = (await table.snapshot()).files.map((f) => f.add.path).sort()
  await table.compact()
  await table.checkpoint()
  // Its background work done (a state cache written once commits pause would race the tests' removal of _pf).
  await table.settled()
  return { table, removed }
}

/** The paths of the `remove` rows of a Delta checkpoint, read by DuckDB. */
async function checkpointRemoves(root: string, version: number): Promise<string[]> {
  const file = join(root, '_delta_log', `${pad(version)}.checkpoint.parquet`)
  const duck = await (await DuckDBInstance.create(':memory:')).connect()
  try {
    const result = await duck.runAndReadAll(
      `select remove.path from read_parquet('${file.replaceAll("'", "''")}') where remove is not null`,
    )
    return result
      .getRows()
      .map((r) => decodeURIComponent(String(r[0])))
      .sort()
  } finally {
    duck.closeSync()
  }
}

async function tombstonePaths(table: Table): Promise<string[]> {
  const snap = await table.at(table.version)
  return ((await snap.state.tombstones?.list()) ?? []).map((t) => t.path).sort()
}

describe('tombstones stay off the open path', () => {
  it("opening from pf's checkpoint cache reads none of them; the next checkpoint still lists every one (DuckDB)", async () => {
    const root = join(tmp.dir, 'users')
    const { table, removed } = await compactedTable(root)
    // Checkpointed at a later append: the commits an open reads (version 0, the checkpoint's) remove nothing.
    await table.append(users([50]))
    await table.checkpoint()
    const fs = new FaultyFileSystem()
    const reopened = await openTable(root, { fs })
    expect(await reopened.count()).toBe(FILES + 1)
    const read = fs.calls.filter((c) => c.startsWith('readFile ')).map((c) => c.slice('readFile '.length))
    expect(
      read.some((f) => f.endsWith('.checkpoint.json')),
      'opened from the cache',
    ).toBe(true)
    for (const file of read) {
      // Files probed but absent (the next commit) hold nothing.
      const text = (await readFile(file).catch(() => Buffer.alloc(0))).toString('latin1')
      for (const path of removed) expect(text.includes(path), `${file} names tombstone ${path}`).toBe(false)
    }
    expect(decodedRemoves, 'no Delta checkpoint decoded').toEqual([])

    // A commit and a checkpoint later: the checkpoint lists every tombstone (read from the tombstone file).
    await reopened.append(users([100]))
    const version = await reopened.checkpoint()
    expect(
      fs.calls.some((c) => c.endsWith('.tombstones.json')),
      'read for the checkpoint',
    ).toBe(true)
    expect(await checkpointRemoves(root, version)).toEqual(removed)
  })

  it('opening from a Delta checkpoint decodes none of its remove rows; they are decoded when listed', async () => {
    const root = join(tmp.dir, 'users')
    const { table, removed } = await compactedTable(root)
    const version = table.version
    expect(await checkpointRemoves(root, version)).toEqual(removed)
    // Log cleanup: only the Delta checkpoint is left of the versions before it; no cache.
    await rm(join(root, '_pf'), { recursive: true, force: true })
    for (let v = 0; v < version; v++) await rm(join(root, '_delta_log', `${pad(v)}.json`))
    const reopened = await openTable(root)
    expect(await reopened.count()).toBe(FILES)
    expect(decodedRemoves.length, 'the checkpoint was decoded').toBeGreaterThan(0)
    expect(
      decodedRemoves.reduce((a, b) => a + b, 0),
      'remove rows decoded at open',
    ).toBe(0)
    expect(await tombstonePaths(reopened)).toEqual(removed)
    expect(decodedRemoves.at(-1), 'decoded when listed').toBe(FILES)
  })

  it('a damaged or missing tombstone file is a cache miss: the Delta checkpoint, else the log, is read', async () => {
    const root = join(tmp.dir, 'users')
    const { table, removed } = await compactedTable(root)
    const version = table.version
    const sidecar = join(root, '_pf', 'checkpoints', `${pad(version)}.tombstones.json`)
    await writeFile(sidecar, '{"version":')
    expect(await tombstonePaths(await openTable(root)), 'from the Delta checkpoint').toEqual(removed)
    expect(decodedRemoves.at(-1)).toBe(FILES)

    await writeFile(sidecar, JSON.stringify({ version, tableId: 'another-table', tombstones: [] }))
    await rm(join(root, '_delta_log', `${pad(version)}.checkpoint.parquet`))
    await rm(join(root, '_delta_log', '_last_checkpoint'))
    decodedRemoves.length = 0
    const rebuilt = await openTable(root)
    expect(await tombstonePaths(rebuilt), 'rebuilt from the commits').toEqual(removed)
    expect(decodedRemoves).toEqual([])
    const next = await rebuilt.checkpoint()
    expect(await checkpointRemoves(root, next)).toEqual(removed)
  })

  it('vacuum never guesses: tombstones that cannot be read and a cleaned-up log fail it, deleting nothing', async () => {
    const root = join(tmp.dir, 'users')
    const { table } = await compactedTable(root)
    const version = table.version
    await rm(join(root, '_pf'), { recursive: true, force: true })
    for (let v = 0; v < version; v++) await rm(join(root, '_delta_log', `${pad(v)}.json`))
    const fs = new FaultyFileSystem()
    const reopened = await openTable(root, { fs })
    // The checkpoint opened from is gone when its tombstones are read (another process's log cleanup).
    fs.inject({ op: 'readFile', path: /\.checkpoint\.parquet$/, code: 'ENOENT', times: 10 })
    const before = (await readdir(root)).sort()
    await expect(reopened.vacuum({ retentionMs: 0, unreferencedMinAgeMs: 0 })).rejects.toThrow(
      TableCorruptError,
    )
    expect((await readdir(root)).sort()).toEqual(before)
  })
})

describe('delta.deletedFileRetentionDuration', () => {
  /** Sets a table property as Spark's ALTER TABLE SET TBLPROPERTIES does: a commit with the changed metaData. */
  async function setProperty(root: string, table: Table, key: string, value: string): Promise<Table> {
    const logDir = join(root, '_delta_log')
    const commits = (await readdir(logDir)).filter((n) => /^\d{20}\.json$/.test(n)).sort()
    let metaData: { configuration: Record<string, string> } | undefined
    for (const name of commits)
      for (const line of (await readFile(join(logDir, name), 'utf8')).split('\n'))
        if (line.includes('"metaData"')) metaData = JSON.parse(line).metaData
    if (!metaData) throw new Error('no metaData')
    metaData.configuration[key] = value
    const commitInfo = { timestamp: Date.now(), operation: 'SET TBLPROPERTIES', operationParameters: {} }
    const text = `${JSON.stringify({ commitInfo })}\n${JSON.stringify({ metaData })}\n`
    await writeFile(join(logDir, `${pad(table.version + 1)}.json`), text, { flag: 'wx' })
    return openTable(root)
  }

  it('checkpoints keep tombstones for the retention the table property sets (2 days: a 3-day-old one goes)', async () => {
    const root = join(tmp.dir, 'users')
    const start = Date.now()
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(start - 3 * DAY_MS)
    const { table, removed: old } = await compactedTable(root) // tombstones 3 days old
    vi.setSystemTime(start)
    await table.append(users([200]))
    await table.append(users([201]))
    const recent = (await table.snapshot()).files.map((f) => f.add.path).sort()
    await table.compact() // tombstones made now
    const withDefault = await table.checkpoint()
    expect(await checkpointRemoves(root, withDefault), 'a week by default').toEqual(
      [...old, ...recent].sort(),
    )

    const twoDays = await setProperty(root, table, 'delta.deletedFileRetentionDuration', 'interval 2 days')
    await twoDays.append(users([202]))
    const version = await twoDays.checkpoint()
    expect(await checkpointRemoves(root, version)).toEqual(recent)
    // Reopened from that checkpoint: its tombstone file holds the same.
    expect(await tombstonePaths(await openTable(root))).toEqual(recent)
  })

  it('a value that does not parse fails the checkpoint with a typed error naming the table and the property', async () => {
    const root = join(tmp.dir, 'users')
    const { table } = await compactedTable(root)
    const bad = await setProperty(root, table, 'delta.deletedFileRetentionDuration', 'interval 1 month')
    const failed = bad.checkpoint()
    await expect(failed).rejects.toThrow(TablePropertyError)
    await expect(failed).rejects.toThrow(/User.*delta\.deletedFileRetentionDuration.*"month"/)
    expect(await bad.count(), 'reads are not affected').toBe(FILES)
  })
})
