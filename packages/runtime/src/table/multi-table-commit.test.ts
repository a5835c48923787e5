import { readdir, readFile } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { idsOf, range, userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { useWorkerScript, WorkerProcess } from './__fixtures__/worker-process.js'
import { FaultyFileSystem, fsError } from './faulty-file-system.js'
import type { TxnRef } from './log-entry.js'
import { commitTables } from './multi-table-commit.js'
import { createTable, openTable, type Table } from './table.js'
import {
  ConflictError,
  DuplicateKeyError,
  TableSchemaError,
  TableWriteError,
  TxnUnpublishedError,
} from './table-errors.js'

const tmp = useTempDir('pf-multi-table-commit-')
let a: Table
let b: Table

beforeEach(async () => {
  a = await createTable(join(tmp.dir, 'a'), { entity: userEntity, enums: userEnums })
  b = await createTable(join(tmp.dir, 'b'), { entity: userEntity, enums: userEnums })
})

/** Sorted ids of a table, read by a fresh process-like open. */
async function ids(name: string): Promise<number[]> {
  return idsOf(await (await openTable(join(tmp.dir, name))).read())
}

/** Files under a table other than its log, relative, sorted. */
async function dataFiles(name: string): Promise<string[]> {
  const root = join(tmp.dir, name)
  const out: string[] = []
  for (const e of await readdir(root, { withFileTypes: true, recursive: true })) {
    const rel = relative(root, join(e.parentPath, e.name)).split(sep).join('/')
    if (e.isFile() && !rel.startsWith('_delta_log/') && !rel.startsWith('_pf/')) out.push(rel)
  }
  return out.sort()
}

async function decisions(): Promise<string[]> {
  const folder = join(tmp.dir, '_pf_txn')
  const names = await readdir(folder)
  return Promise.all(names.map(async (n) => JSON.parse(await readFile(join(folder, n), 'utf8')).decision))
}

describe('commitTables', () => {
  it('commits the operations of several tables together, with one decision file', async () => {
    await a.append(users([1, 2]))
    const results = await commitTables([
      { table: b, build: (tx) => void tx.insert(users([10])) },
      {
        table: a,
        build: (tx) => {
          tx.upsert(users([1], 'x'))
          tx.deleteKeys([2])
        },
      },
    ])
    // Each table: a reservation version (changes nothing), then the version publishing the changes.
    expect(results.map((r) => [r.version, r.rowsAdded, r.rowsRemoved])).toEqual([
      [2, 1, 0],
      [3, 1, 2],
    ])
    expect(await ids('a')).toEqual([1])
    expect(await ids('b')).toEqual([10])
    expect((await (await openTable(join(tmp.dir, 'a'))).findByKey(1))?.getColumn('name').get(0)).toBe('x1')
    expect(a.version).toBe(3)
    expect(b.version).toBe(2)
    expect(await decisions()).toEqual(['commit'])
    expect((await (await openTable(join(tmp.dir, 'b'))).history()).slice(-2)).toMatchObject([
      { version: 1, operation: 'TRANSACTION', rowsAdded: 0, reserves: expect.any(String) },
      { version: 2, operation: 'TRANSACTION', rowsAdded: 1, publishes: [expect.any(String)] },
    ])
  })

  it('a failing part aborts all: earlier tables get a void version, their new files are removed', async () => {
    await b.insert(users([5]))
    const error = await commitTables([
      { table: a, build: (tx) => void tx.insert(users([7])) },
      { table: b, build: (tx) => void tx.insert(users([5, 6])) },
    ]).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DuplicateKeyError)
    expect(await ids('a')).toEqual([])
    expect(await ids('b')).toEqual([5])
    expect(await dataFiles('a')).toEqual([])
    expect(await decisions()).toEqual(['abort'])
    const fresh = await openTable(join(tmp.dir, 'a'))
    expect(fresh.version).toBe(1)
    expect((await fresh.history()).at(-1)).toMatchObject({ version: 1, aborted: true, rowsAdded: 0 })
    expect((await fresh.at(1)).numRows).toBe(0)
    // The tables go on as usual.
    expect((await a.insert(users([7]))).version).toBe(2)
    expect(await ids('a')).toEqual([7])
  })

  it('refuses a table named twice, and bad rows before anything is written', async () => {
    const twice = await commitTables([
      { table: a, build: (tx) => void tx.insert(users([1])) },
      { table: await openTable(join(tmp.dir, 'a')), build: (tx) => void tx.insert(users([2])) },
    ]).catch((e: unknown) => e)
    expect(twice).toMatchObject({
      code: 'PF_TABLE_TXN',
      message: expect.stringMatching(/Table User .*appears twice/),
    })
    const bad = await commitTables([
      { table: a, build: (tx) => void tx.insert(users([1])) },
      { table: b, build: (tx) => void tx.insert(users([2]).drop('name')) },
    ]).catch((e: unknown) => e)
    expect(bad).toBeInstanceOf(TableSchemaError)
    expect((bad as Error).message).toMatch(/name/)
    expect([a.version, b.version, (await openTable(join(tmp.dir, 'a'))).version]).toEqual([0, 0, 0])
    expect([...(await dataFiles('a')), ...(await dataFiles('b'))]).toEqual([])
  })

  it('a decision that cannot be written aborts the transaction; both tables stay as they were', async () => {
    const fs = new FaultyFileSystem()
    const fa = await openTable(join(tmp.dir, 'a'), { fs })
    const fb = await openTable(join(tmp.dir, 'b'), { fs })
    fs.inject({ op: 'createExclusive', path: /_pf_txn/, code: 'EIO' })
    const error = await commitTables([
      { table: fa, build: (tx) => void tx.insert(users([1])) },
      { table: fb, build: (tx) => void tx.insert(users([2])) },
    ]).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TableWriteError)
    expect((error as Error).cause).toMatchObject({ code: 'EIO' })
    expect([await ids('a'), await ids('b')]).toEqual([[], []])
    expect([...(await dataFiles('a')), ...(await dataFiles('b'))]).toEqual([])
  })

  it('a publication that cannot be written: committed all the same, and no pf reader sees the table without it', async () => {
    const fs = new FaultyFileSystem()
    const fa = await openTable(join(tmp.dir, 'a'), { fs })
    const fb = await openTable(join(tmp.dir, 'b'), { fs })
    // Table a's first commit (its reservation) lands; every later one (its publication) fails.
    let creates = 0
    fs.inject({
      op: 'createExclusive',
      path: /[\\/]a[\\/]_delta_log[\\/]/,
      times: 1_000,
      before: (path) => {
        if (++creates > 1) throw fsError('EIO', 'open', path)
      },
    })
    const error = await commitTables([
      { table: fa, build: (tx) => void tx.insert(users([1])) },
      { table: fb, build: (tx) => void tx.insert(users([2])) },
    ]).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TxnUnpublishedError)
    expect(error).toMatchObject({
      code: 'PF_TXN_UNPUBLISHED',
      message: expect.stringMatching(/is committed/),
    })
    expect(await decisions()).toEqual(['commit'])
    // A reader that cannot write refuses rather than answer without the committed transaction.
    await expect(fa.read()).rejects.toBeInstanceOf(TxnUnpublishedError)
    fs.clear()
    // One that can publishes it first.
    expect([await ids('a'), await ids('b')]).toEqual([[1], [2]])
    expect((await openTable(join(tmp.dir, 'a'))).version).toBe(2)
  })

  it('refuses a decision folder readers would not accept, before writing anything', async () => {
    for (const decisionDir of [join(tmp.dir, 'elsewhere', 'txns'), join(tmp.dir, 'a', '_pf_txn')]) {
      const error = await commitTables(
        [
          { table: a, build: (tx) => void tx.insert(users([1])) },
          { table: b, build: (tx) => void tx.insert(users([2])) },
        ],
        { decisionDir },
      ).catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'PF_TABLE_TXN' })
      expect((error as Error).message).toMatch(/_pf_txn/)
    }
    expect([await ids('a'), await ids('b')]).toEqual([[], []])
    expect([...(await dataFiles('a')), ...(await dataFiles('b'))]).toEqual([])
  })

  it('an undecided transaction is invisible, blocks writers until its deadline, then is aborted', async () => {
    // A coordinator that died between its log entries and its decision.
    const deadline = Date.now() + 400
    for (const [table, key] of [
      [a, 1],
      [b, 2],
    ] as const) {
      const ref: TxnRef = { id: 'dead', decision: '../_pf_txn/dead.json', deadline, tables: ['a', 'b'] }
      const prepared = await table.prepare('TRANSACTION', [{ kind: 'insert', df: users([key]) }])
      expect((await table.commitPrepared(prepared, ref)).result.version).toBe(1)
    }
    const reader = await openTable(join(tmp.dir, 'a'))
    expect(reader.version).toBe(0)
    expect(await ids('b')).toEqual([])
    expect((await reader.history()).map((h) => h.version)).toEqual([0])
    await expect(reader.at(1)).rejects.toMatchObject({ code: 'PF_TABLE_VERSION' })
    // Files of the pending entry may still become live: vacuum keeps them.
    const pendingFiles = await dataFiles('a')
    expect(pendingFiles).toHaveLength(1)
    expect((await reader.vacuum({ retentionMs: 0 })).deleted).toEqual([])
    // A writer waits for the decision; past the deadline it aborts the transaction and commits after it.
    const result = await reader.insert(users([3]))
    expect(result.version).toBe(2)
    expect(Date.now()).toBeGreaterThan(deadline)
    expect(await decisions()).toEqual(['abort'])
    expect(await ids('a')).toEqual([3])
    expect(await ids('b')).toEqual([])
    expect((await openTable(join(tmp.dir, 'b'))).version).toBe(1)
    expect((await reader.vacuum({ retentionMs: 0 })).deleted).toEqual(pendingFiles)
  })

  it('a coordinator whose transaction another writer aborted after its deadline gets a ConflictError', async () => {
    const fs = new FaultyFileSystem()
    const fa = await openTable(join(tmp.dir, 'a'), { fs })
    const fb = await openTable(join(tmp.dir, 'b'), { fs })
    const other = await openTable(join(tmp.dir, 'a'))
    // Just before the coordinator decides, a writer of table a finds the entry undecided past its deadline.
    fs.inject({
      op: 'createExclusive',
      path: /_pf_txn/,
      before: async () => void (await other.insert(users([7]))),
    })
    const error = await commitTables(
      [
        { table: fa, build: (tx) => void tx.insert(users([1])) },
        { table: fb, build: (tx) => void tx.insert(users([2])) },
      ],
      { timeoutMs: -1 },
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConflictError)
    expect(error).toMatchObject({ reason: 'transaction-aborted' })
    expect(await decisions()).toEqual(['abort'])
    expect([await ids('a'), await ids('b')]).toEqual([[7], []])
    expect((await openTable(join(tmp.dir, 'a'))).version).toBe(2)
    expect(await dataFiles('b')).toEqual([])
  })
})

describe('commitTables across real processes', { timeout: 300_000 }, () => {
  const worker = useWorkerScript()

  it('3 coordinators and a single-table writer at once: a and b hold the same transaction keys, all acknowledged', async () => {
    const coordinators = [1, 2, 3].map(
      (id) => new WorkerProcess(worker.script, ['txn', tmp.dir, String(id), '15']),
    )
    const single = new WorkerProcess(worker.script, ['insert', join(tmp.dir, 'a'), '9', '20'])
    await Promise.all([...coordinators, single].map((w) => w.exited))
    for (const w of [...coordinators, single]) expect(w.failures()).toEqual([])
    const acked = coordinators.flatMap((w) => w.acks<{ key: number }>().map((x) => x.payload.key))
    expect(acked).toHaveLength(45)
    const inA = await ids('a')
    expect(inA.filter((k) => k < 9000)).toEqual(acked.sort((x, y) => x - y))
    expect(await ids('b')).toEqual(acked)
    expect(inA.filter((k) => k >= 9000)).toEqual(range(9000, 9020))
    const table = await openTable(join(tmp.dir, 'a'))
    // 20 inserts, and per transaction a reservation and a publication.
    expect(table.version).toBe(110)
    expect((await table.history()).map((h) => h.version)).toEqual(range(0, 111))
  })

  it('a coordinator killed 20 times: a and b always agree, acknowledged keys survive, vacuum leaves no orphan', async () => {
    const acked = new Set<number>()
    let next = new WorkerProcess(worker.script, ['txnloop', tmp.dir, '1'])
    for (let round = 1; round <= 20; round++) {
      const current = next
      await current.waitFor('READY')
      if (round < 20) next = new WorkerProcess(worker.script, ['txnloop', tmp.dir, String(round + 1)])
      current.send('go')
      await current.waitFor('ACK', Math.floor(Math.random() * 3))
      await new Promise((r) => setTimeout(r, Math.random() * 60))
      current.child.kill('SIGKILL')
      await current.exited
      expect(current.lines.filter((l) => l.startsWith('ERR'))).toEqual([])
      for (const x of current.acks<{ key: number }>()) acked.add(x.payload.key)
      const [inA, inB] = [await ids('a'), await ids('b')]
      expect(inA).toEqual(inB)
      for (const k of acked) expect(inA).toContain(k)
    }
    // Settle whatever the last kill left undecided (a write waits for the deadline), then vacuum.
    const ta = await openTable(join(tmp.dir, 'a'))
    const tb = await openTable(join(tmp.dir, 'b'))
    await ta.insert(users([999_999]))
    await tb.insert(users([999_999]))
    expect(await ids('a')).toEqual(await ids('b'))
    for (const t of [ta, tb]) {
      // No writer runs any more: the coordinators' orphans may go at once (vacuum keeps them a day otherwise).
      await t.vacuum({ retentionMs: 0, unreferencedMinAgeMs: 0 })
      const live = (await t.snapshot()).files.map((f) => f.add.path).sort()
      expect(await dataFiles(relative(tmp.dir, t.path))).toEqual(live)
    }
  })
})
