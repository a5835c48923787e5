import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SpecDeltaReader } from '../../../../test/delta/spec-delta-reader.js'
import { type Gate, gate } from './__fixtures__/gate.js'
import { range, userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { useUsersTablePath } from './__fixtures__/users-table-setup.js'
import { FaultyFileSystem } from './faulty-file-system.js'
import { maintenanceThread } from './maintenance-thread.js'
import { createTable, openTable, type Table } from './table.js'

const ws = useUsersTablePath()

/** A table's data files (their first read checks them against their checksum: compaction reads them this way). */
const DATA_FILE = /part-[^/]*\.parquet$/
/** A commit's log entry (created exclusively: the race for a version). */
const LOG_ENTRY = /_delta_log\/\d{20}\.json$/

/** The users table through a FaultyFileSystem; compaction is due once 3 files hold fewer than 2 rows. */
async function compactingTable(): Promise<{ fs: FaultyFileSystem; table: Table }> {
  const fs = new FaultyFileSystem()
  const table = await createTable(ws.path, {
    entity: userEntity,
    enums: userEnums,
    fs,
    autoCompact: { files: 3, fileRows: 2 },
  })
  return { fs, table }
}

/** Holds the next data-file read (the compaction's first) until `release` opens; `started` opens when it is held. */
function holdNextRead(fs: FaultyFileSystem): { started: Gate; release: Gate } {
  const started = gate()
  const release = gate()
  fs.inject({
    op: 'readFile',
    path: DATA_FILE,
    before: async () => {
      started.open()
      await release.opened
    },
  })
  return { started, release }
}

async function operations(table: Table): Promise<string[]> {
  return (await table.history()).map((h) => h.operation)
}

/** Rows as `id name` lines, sorted: what every reader must agree on. */
function rowsOf(records: readonly Record<string, unknown>[]): string[] {
  return records.map((r) => `${Number(r.id)} ${String(r.name)}`).sort()
}

/** The table's rows as pf reads them (this object and a fresh one) and as DuckDB reads the log's live files. */
async function readEverywhere(table: Table): Promise<{ pf: string[]; fresh: string[]; duckdb: string[] }> {
  const oracle = await SpecDeltaReader.open()
  try {
    return {
      pf: rowsOf((await table.read()).toRecords()),
      fresh: rowsOf((await (await openTable(ws.path)).read()).toRecords()),
      duckdb: rowsOf((await oracle.read(ws.path)).rows),
    }
  } finally {
    oracle.close()
  }
}

/** Data files in the table folder that no log entry ever added: files a compaction failed to clean up. */
async function strayDataFiles(): Promise<string[]> {
  const log = join(ws.path, '_delta_log')
  const added = new Set<string>()
  for (const name of (await readdir(log)).filter((n) => LOG_ENTRY.test(`_delta_log/${n}`))) {
    for (const line of (await readFile(join(log, name), 'utf8')).split('\n').filter(Boolean)) {
      const action = JSON.parse(line) as { add?: { path: string } }
      if (action.add) added.add(action.add.path)
    }
  }
  return (await readdir(ws.path)).filter((n) => n.endsWith('.parquet') && !added.has(n))
}

describe('automatic compaction, in the background after the write', () => {
  it('a write returns before the compaction it made due commits; a write finding it running starts none', async () => {
    const { fs, table } = await compactingTable()
    await table.append(users([0]))
    await table.append(users([1]))
    const { started, release } = holdNextRead(fs)
    // The third one-row file makes compaction due: the append resolves while the compaction is held at its read.
    expect((await table.append(users([2]))).version).toBe(3)
    await started.opened
    expect(await operations(table)).not.toContain('COMPACT')
    expect((await table.snapshot()).files).toHaveLength(3)
    // Due again, but one runs: this append starts none (and takes the version the compaction planned for).
    expect((await table.append(users([3]))).version).toBe(4)
    const mark = fs.calls.length
    release.open()
    await table.settled()
    expect(await operations(table)).toEqual(['CREATE', 'APPEND', 'APPEND', 'APPEND', 'APPEND', 'COMPACT'])
    // The append left the merged files alone: the merge is committed as planned, its file written once.
    expect(fs.calls.slice(mark).filter((c) => c.startsWith('writeFile') && DATA_FILE.test(c))).toHaveLength(1)
    const snap = await table.snapshot()
    expect(snap.files.map((f) => f.add.stats.numRows).sort()).toEqual([1, 3])
    const read = await readEverywhere(table)
    const expected = ['0 u0', '1 u1', '2 u2', '3 u3']
    expect(read).toEqual({ pf: expected, fresh: expected, duckdb: expected })
    expect(await strayDataFiles()).toEqual([])
  })

  it('a commit changing the files a compaction merges: it merges again from the newer version, every row once', async () => {
    const { fs, table } = await compactingTable()
    for (const i of range(0, 2)) await table.append(users([i]))
    const { started, release } = holdNextRead(fs)
    await table.append(users([2]))
    await started.opened
    // While the compaction holds its plan: a delete and an upsert change rows of the files it merges.
    await table.deleteKeys([1])
    await table.upsert(users([0], 'new'))
    await table.append(users([4]))
    release.open()
    await table.settled()
    expect((await operations(table)).at(-1)).toBe('COMPACT')
    // Merged from the newer version: the upsert's and the append's files with the one left unchanged.
    expect((await table.snapshot()).files.map((f) => f.add.stats.numRows)).toEqual([3])
    const expected = ['0 new0', '2 u2', '4 u4']
    expect(await readEverywhere(table)).toEqual({ pf: expected, fresh: expected, duckdb: expected })
    expect(await strayDataFiles()).toEqual([])
  })

  it('changed again while it merges a second time, it gives up: nothing committed, nothing left, next write fine', async () => {
    const { fs, table } = await compactingTable()
    for (const i of range(0, 2)) await table.append(users([i]))
    const other = await openTable(ws.path)
    const { started, release } = holdNextRead(fs)
    await table.append(users([2]))
    await started.opened
    // Each time the compaction is about to create its entry, another writer deletes a row of a merged file first.
    const victims = [0, 1]
    fs.inject({
      op: 'createExclusive',
      path: LOG_ENTRY,
      times: 2,
      before: async () => void (await other.deleteKeys([victims.shift() as number])),
    })
    release.open()
    await table.settled()
    expect(victims).toEqual([])
    expect(await operations(table)).not.toContain('COMPACT')
    expect(await strayDataFiles()).toEqual([])
    const expected = ['2 u2']
    expect(await readEverywhere(table)).toEqual({ pf: expected, fresh: expected, duckdb: expected })
    // The next writes make it due again; this time it lands.
    expect((await table.append(users([5]))).version).toBe(6)
    expect((await table.append(users([6]))).version).toBeGreaterThanOrEqual(7)
    await table.settled()
    expect(await operations(table)).toContain('COMPACT')
    const after = ['2 u2', '5 u5', '6 u6']
    expect(await readEverywhere(table)).toEqual({ pf: after, fresh: after, duckdb: after })
  })

  it('a compaction whose commit fails changes nothing and is no write error; the next write compacts', async () => {
    const { fs, table } = await compactingTable()
    for (const i of range(0, 2)) await table.append(users([i]))
    const { started, release } = holdNextRead(fs)
    expect((await table.append(users([2]))).version).toBe(3)
    await started.opened
    fs.inject({ op: 'createExclusive', path: LOG_ENTRY, code: 'EIO' })
    release.open()
    await table.settled()
    expect(await operations(table)).not.toContain('COMPACT')
    expect(await strayDataFiles()).toEqual([])
    expect((await table.append(users([3]))).version).toBe(4)
    await table.settled()
    expect((await operations(table)).at(-1)).toBe('COMPACT')
    const expected = ['0 u0', '1 u1', '2 u2', '3 u3']
    expect(await readEverywhere(table)).toEqual({ pf: expected, fresh: expected, duckdb: expected })
  })

  it('many writes racing the compactions they start: every row exactly once, as every reader reads it', async () => {
    const { table } = await compactingTable()
    const other = await openTable(ws.path)
    const expected = new Map<number, string>()
    for (const step of range(0, 60)) {
      const id = step % 17
      if (step % 5 === 3) {
        await table.deleteKeys([id])
        expected.delete(id)
      } else if (step % 5 === 1) {
        // Two writers at once: this object and another one on the same table.
        await Promise.all([table.upsert(users([id], `s${step}-`)), other.append(users([100 + step]))])
        expected.set(id, `s${step}-${id}`)
        expected.set(100 + step, `u${100 + step}`)
      } else {
        await table.upsert(users([id], `s${step}-`))
        expected.set(id, `s${step}-${id}`)
      }
    }
    await Promise.all([table.settled(), other.settled()])
    expect(await operations(table)).toContain('COMPACT')
    const rows = [...expected].map(([id, name]) => `${id} ${name}`).sort()
    expect(await readEverywhere(table)).toEqual({ pf: rows, fresh: rows, duckdb: rows })
    expect(await strayDataFiles()).toEqual([])
  })
})

describe('automatic compaction on the maintenance thread (tables on the real file system)', () => {
  /** The users table on the real file system; compaction is due once 3 files hold fewer than 2 rows. */
  function threadTable(): Promise<Table> {
    return createTable(ws.path, {
      entity: userEntity,
      enums: userEnums,
      autoCompact: { files: 3, fileRows: 2 },
    })
  }

  it('writes commit while the merge is held in the worker; released, it lands and every reader agrees', async () => {
    const table = await threadTable()
    await table.append(users([0]))
    await table.append(users([1]))
    const held = maintenanceThread.holdNext()
    expect((await table.append(users([2]))).version).toBe(3)
    // Held in the worker, the compaction cannot finish: a merge run in this thread would settle first.
    await Promise.race([
      held.started,
      table.settled().then(() => {
        throw new Error('the compaction finished without the maintenance thread')
      }),
    ])
    for (const id of range(3, 6)) await table.append(users([id]))
    expect(await operations(table)).not.toContain('COMPACT')
    held.release()
    await table.settled()
    expect((await operations(table)).at(-1)).toBe('COMPACT')
    // Planned at version 3, committed after the appends (which left its files alone): their files stay.
    expect((await table.snapshot()).files.map((f) => f.add.stats.numRows).sort()).toEqual([1, 1, 1, 3])
    const expected = range(0, 6).map((i) => `${i} u${i}`)
    expect(await readEverywhere(table)).toEqual({ pf: expected, fresh: expected, duckdb: expected })
    expect(await strayDataFiles()).toEqual([])
  })

  it('a worker that dies after writing its merged files: the merge runs here, every row once, vacuum clears its files', async () => {
    const table = await threadTable()
    await table.append(users([0]))
    await table.append(users([1]))
    maintenanceThread.crashNext()
    await table.append(users([2]))
    await table.settled()
    // The dead worker's merged file is named by no log entry; this thread's merge was committed instead.
    expect(await strayDataFiles()).toHaveLength(1)
    expect(await operations(table)).toEqual(['CREATE', 'APPEND', 'APPEND', 'APPEND', 'COMPACT'])
    const expected = ['0 u0', '1 u1', '2 u2']
    expect(await readEverywhere(table)).toEqual({ pf: expected, fresh: expected, duckdb: expected })
    await table.vacuum({ retentionMs: 0, unreferencedMinAgeMs: 0 })
    expect(await strayDataFiles()).toEqual([])
    expect(await readEverywhere(table)).toEqual({ pf: expected, fresh: expected, duckdb: expected })
    // A new worker runs the next compaction.
    await table.append(users([3]))
    await table.append(users([4]))
    const held = maintenanceThread.holdNext()
    await table.append(users([5]))
    await held.started
    held.release()
    await table.settled()
    // Files below 2 rows are merged: the three new ones.
    expect((await table.snapshot()).files.map((f) => f.add.stats.numRows)).toEqual([3, 3])
    const all = range(0, 6).map((i) => `${i} u${i}`)
    expect(await readEverywhere(table)).toEqual({ pf: all, fresh: all, duckdb: all })
  })

  it('a foreground compact() runs its merge on the worker too', async () => {
    const table = await createTable(ws.path, { entity: userEntity, enums: userEnums, autoCompact: false })
    for (const id of range(0, 4)) await table.append(users([id]))
    await table.deleteKeys([1])
    const held = maintenanceThread.holdNext()
    const compacting = table.compact({ targetFileRows: 100 })
    await held.started
    // The event loop is free meanwhile: another writer commits.
    await (await openTable(ws.path)).append(users([9]))
    held.release()
    await compacting
    expect((await table.snapshot()).files.map((f) => f.add.stats.numRows).sort()).toEqual([1, 3])
    const expected = ['0 u0', '2 u2', '3 u3', '9 u9']
    expect(await readEverywhere(table)).toEqual({ pf: expected, fresh: expected, duckdb: expected })
    expect(await strayDataFiles()).toEqual([])
  })

  it('a table opened from its checkpoint (statistics parsed on use) merges on the worker too', async () => {
    const table = await createTable(ws.path, {
      entity: userEntity,
      enums: userEnums,
      autoCompact: false,
      checkpointInterval: 2,
    })
    for (const id of range(0, 4)) await table.append(users([id]))
    await table.settled()
    const reopened = await openTable(ws.path)
    const held = maintenanceThread.holdNext()
    const compacting = reopened.compact({ targetFileRows: 100 })
    await Promise.race([
      held.started,
      compacting.then(() => {
        throw new Error('the compaction finished without the maintenance thread')
      }),
    ])
    held.release()
    await compacting
    expect((await reopened.snapshot()).files.map((f) => f.add.stats.numRows)).toEqual([4])
    const expected = range(0, 4).map((i) => `${i} u${i}`)
    expect(await readEverywhere(reopened)).toEqual({ pf: expected, fresh: expected, duckdb: expected })
    expect(await strayDataFiles()).toEqual([])
  })
})
