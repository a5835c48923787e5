// Commits across tables as a reader that knows only the Delta protocol sees them: a transaction reserves a version
// in each table that changes nothing, decides, then publishes each table's changes with a Delta `txn` action. The
// spec oracle must never see an aborted or undecided transaction's rows, must see a committed one's once published,
// and must agree with pf at every version — also after the coordinator is killed at each step.
import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import {
  ConflictError,
  commitTables,
  createTable,
  DuplicateKeyError,
  openTable,
  type Table,
} from '@parquetframe/runtime'
import { FaultyFileSystem } from '@parquetframe/runtime/testing'
import { describe, expect, it } from 'vitest'
import { userEntity, userEnums, users } from '../../packages/runtime/src/table/__fixtures__/user-entity.js'
import {
  useWorkerScript,
  WorkerProcess,
} from '../../packages/runtime/src/table/__fixtures__/worker-process.js'
import { TxnDecisions } from '../../packages/runtime/src/table/txn-decisions.js'
import { useOracleWorkspace } from './oracle-workspace.js'
import { expectSameRowsAt } from './pf-agreement.js'

const ws = useOracleWorkspace('pf-delta-publish-')
let store: string
let n = 0

/** Two tables a and b (rows 1 and 2 in each) in a fresh store folder. */
async function twoTables(): Promise<{ a: Table; b: Table }> {
  store = join(ws.dir, `store-${++n}`)
  const make = async (name: string) => {
    const t = await createTable(join(store, name), { entity: userEntity, enums: userEnums })
    await t.insert(users([1, 2]))
    return t
  }
  return { a: await make('a'), b: await make('b') }
}

const root = (name: string): string => join(store, name)

/** Commit files of a table's Delta log as parsed JSON lines (what any reader sees), by version. */
function commits(name: string): Promise<Record<string, Record<string, unknown>>[][]> {
  return commitsOf(root(name))
}

/** Commit files of the Delta log of the table at a path, parsed with JSON.parse alone, by version. */
async function commitsOf(path: string): Promise<Record<string, Record<string, unknown>>[][]> {
  const dir = join(path, '_delta_log')
  const files = (await readdir(dir)).filter((f) => /^\d{20}\.json$/.test(f)).sort()
  return Promise.all(
    files.map(async (f) =>
      (await readFile(join(dir, f), 'utf8'))
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, Record<string, unknown>>),
    ),
  )
}

/** Ids the oracle reads at every version of a table's log, oldest first. */
async function oracleIdsByVersion(name: string): Promise<number[][]> {
  const out: number[][] = []
  for (let v = 0; v < (await commits(name)).length; v++) {
    out.push((await ws.oracle.read(root(name), v)).rows.map((r) => Number(r.id)).sort((x, y) => x - y))
  }
  return out
}

/** pf (a fresh open, which publishes what a crash left) and the oracle agree at every version of the table. */
async function expectAgreementEverywhere(name: string, step: string): Promise<number[]> {
  const table = await openTable(root(name))
  const latest = (await table.snapshot()).version
  for (let v = 0; v <= latest; v++)
    await expectSameRowsAt(ws.oracle, table, root(name), v, `${step}: ${name}`)
  return (await ws.oracle.read(root(name), latest)).rows.map((r) => Number(r.id)).sort((x, y) => x - y)
}

/** Versions of a table whose commit holds the Delta `txn` action publishing the transaction. */
async function publications(name: string): Promise<number[]> {
  const all = await commits(name)
  return all.flatMap((lines, v) =>
    lines.some((l) => String(l.txn?.appId ?? '').startsWith('pf-txn-')) ? [v] : [],
  )
}

describe('commits across tables, read by a reader that knows only the Delta protocol', () => {
  it('a committed transaction: a reservation version that changes nothing, then the changes with a txn action', async () => {
    const { a, b } = await twoTables()
    const results = await commitTables([
      {
        table: a,
        build: (tx) => {
          tx.upsert(users([1], 'x'))
          tx.insert(users([3]))
        },
      },
      { table: b, build: (tx) => void tx.deleteKeys([2]) },
    ])
    // Version 2 reserves, version 3 publishes, in each table.
    expect(results.map((r) => r.version)).toEqual([3, 3])
    for (const name of ['a', 'b']) {
      const [reserve, publish] = (await commits(name)).slice(2)
      // A Delta reader sees a commit with nothing but commitInfo (which readers ignore)...
      expect(reserve?.map((l) => Object.keys(l)[0])).toEqual(['commitInfo'])
      expect(reserve?.[0]?.commitInfo).toMatchObject({ operation: 'pf: reserve transaction' })
      // ...then the changes, with the transaction's txn action.
      const txn = publish?.find((l) => l.txn)?.txn
      expect(txn).toMatchObject({ appId: expect.stringMatching(/^pf-txn-[0-9a-f-]+$/), version: 2 })
      expect(publish?.some((l) => l.add || l.remove)).toBe(true)
    }
    expect(await oracleIdsByVersion('a')).toEqual([[], [1, 2], [1, 2], [1, 2, 3]])
    expect(await oracleIdsByVersion('b')).toEqual([[], [1, 2], [1, 2], [1]])
    expect(await expectAgreementEverywhere('a', 'committed')).toEqual([1, 2, 3])
    expect(await expectAgreementEverywhere('b', 'committed')).toEqual([1])
    const history = await (await openTable(root('a'))).history()
    expect(history.slice(2)).toMatchObject([
      { version: 2, operation: 'TRANSACTION', rowsAdded: 0, reserves: expect.any(String) },
      { version: 3, operation: 'TRANSACTION', rowsAdded: 2, rowsRemoved: 1, publishes: [expect.any(String)] },
    ])
  })

  it('an aborted transaction: no version of either table shows its rows, and pf agrees', async () => {
    const { a, b } = await twoTables()
    const error = await commitTables([
      { table: a, build: (tx) => void tx.insert(users([7])) },
      { table: b, build: (tx) => void tx.insert(users([2, 7])) },
    ]).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DuplicateKeyError)
    // Table a's reservation (version 2) stays in the log; Delta readers never saw its row.
    expect(await oracleIdsByVersion('a')).toEqual([[], [1, 2], [1, 2]])
    expect(await expectAgreementEverywhere('a', 'aborted')).toEqual([1, 2])
    expect(await expectAgreementEverywhere('b', 'aborted')).toEqual([1, 2])
  })

  it('an undecided transaction is invisible to both readers; once decided commit, the next pf read publishes it', async () => {
    const { a, b } = await twoTables()
    const ref = {
      id: 'undecided-1',
      decision: '../_pf_txn/undecided-1.json',
      deadline: Date.now() + 60_000,
      tables: ['a', 'b'],
    }
    for (const t of [a, b]) {
      const prepared = await t.prepare('TRANSACTION', [{ kind: 'insert', df: users([5]) }])
      expect((await t.commitPrepared(prepared, ref)).result.version).toBe(2)
    }
    for (const name of ['a', 'b']) {
      expect(await oracleIdsByVersion(name)).toEqual([[], [1, 2], [1, 2]])
      expect((await openTable(root(name))).version).toBe(1)
    }
    await new TxnDecisions(a.fs, 'a, b').decide(
      join(store, '_pf_txn', 'undecided-1.json'),
      'undecided-1',
      'commit',
      2,
    )
    // Nothing is published until a pf process reads or writes the table.
    expect(await oracleIdsByVersion('a')).toEqual([[], [1, 2], [1, 2]])
    expect(await expectAgreementEverywhere('a', 'decided')).toEqual([1, 2, 5])
    expect(await oracleIdsByVersion('a')).toEqual([[], [1, 2], [1, 2], [1, 2, 5]])
    // A pf writer publishes before its own commit, which comes after.
    const writer = await openTable(root('b'))
    expect((await writer.insert(users([6]))).version).toBe(4)
    expect(await oracleIdsByVersion('b')).toEqual([[], [1, 2], [1, 2], [1, 2, 5], [1, 2, 5, 6]])
    expect(await expectAgreementEverywhere('b', 'decided, then written')).toEqual([1, 2, 5, 6])
    expect([await publications('a'), await publications('b')]).toEqual([[3], [3]])
  })

  it('another writer (as Spark) commits between reservation and publication: the publication rebases after it', async () => {
    const { b } = await twoTables()
    // A blind append by another writer: a copy of one of c's data files, committed by hand into a's log.
    const c = await createTable(join(store, 'c'), { entity: userEntity, enums: userEnums })
    await c.insert(users([40]))
    const [cCommit] = (await commitsOf(join(store, 'c'))).slice(1)
    const foreignAdd = cCommit?.find((l) => l.add)?.add as Record<string, unknown>
    await copyFile(join(store, 'c', String(foreignAdd.path)), join(root('a'), String(foreignAdd.path)))
    const fs = new FaultyFileSystem()
    const fa = await openTable(root('a'), { fs })
    let publishing = 0
    fs.inject({
      op: 'createExclusive',
      path: /[\\/]a[\\/]_delta_log[\\/]\d{20}\.json$/,
      times: 10,
      before: async (path) => {
        // The first create is a's reservation (version 2), the second its publication: the other writer wins 3.
        if (++publishing !== 2) return
        const line = (action: object) => JSON.stringify(action)
        await writeFile(
          join(dirname(path), `${String(3).padStart(20, '0')}.json`),
          `${line({ commitInfo: { operation: 'WRITE', engineInfo: 'Apache-Spark/3.5.0 Delta-Lake/3.2.0' } })}\n${line({ add: foreignAdd })}\n`,
          { flag: 'wx' },
        )
      },
    })
    const results = await commitTables([
      { table: fa, build: (tx) => void tx.insert(users([8])) },
      { table: b, build: (tx) => void tx.insert(users([8])) },
    ])
    expect(results.map((r) => r.version)).toEqual([4, 3])
    expect(await oracleIdsByVersion('a')).toEqual([[], [1, 2], [1, 2], [1, 2, 40], [1, 2, 8, 40]])
    expect(await expectAgreementEverywhere('a', 'rebased publication')).toEqual([1, 2, 8, 40])
    expect(await publications('a')).toEqual([4])
  })

  it('another writer removing a file the transaction removes: the publication refuses (publish-conflict)', async () => {
    const { b } = await twoTables()
    const fs = new FaultyFileSystem()
    const fa = await openTable(root('a'), { fs })
    const [v1] = (await commits('a')).slice(1)
    const live = v1?.find((l) => l.add)?.add as Record<string, unknown>
    let creates = 0
    fs.inject({
      op: 'createExclusive',
      path: /[\\/]a[\\/]_delta_log[\\/]\d{20}\.json$/,
      times: 10,
      before: async (path) => {
        if (++creates !== 2) return
        // A Spark DELETE of every row of the file the transaction's upsert rewrites.
        await writeFile(
          join(dirname(path), `${String(3).padStart(20, '0')}.json`),
          `${JSON.stringify({ commitInfo: { operation: 'DELETE' } })}\n${JSON.stringify({ remove: { path: live.path, dataChange: true, deletionTimestamp: 1 } })}\n`,
          { flag: 'wx' },
        )
      },
    })
    const error = await commitTables([
      { table: fa, build: (tx) => void tx.upsert(users([1], 'x')) },
      { table: b, build: (tx) => void tx.insert(users([9])) },
    ]).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConflictError)
    expect(error).toMatchObject({
      reason: 'publish-conflict',
      message: expect.stringMatching(/removed .*before it was published/),
    })
    // pf refuses to read a as if the committed transaction had not happened; b is published.
    await expect((await openTable(root('a'))).read()).rejects.toMatchObject({ reason: 'publish-conflict' })
    expect(await expectAgreementEverywhere('b', 'published')).toEqual([1, 2, 9])
  })
})

describe('a coordinator killed (SIGKILL) at each step of a transaction', { timeout: 300_000 }, () => {
  const worker = useWorkerScript('txn-stage-worker')

  /** Runs one transaction inserting 5 into a and b, killed at `stage`. */
  async function killedAt(stage: string, timeoutMs: number): Promise<void> {
    const child = new WorkerProcess(worker.script, [stage, store, '5', String(timeoutMs)])
    await child.waitFor('STAGE')
    expect(child.failures()).toEqual([])
    expect(child.lines).toContain(`STAGE ${stage}`)
    child.child.kill('SIGKILL')
    await child.exited
  }

  it('after both reservations: no reader sees the transaction; the next pf writer aborts it after its deadline', async () => {
    await twoTables()
    await killedAt('reserved', 2_000)
    for (const name of ['a', 'b']) expect(await oracleIdsByVersion(name)).toEqual([[], [1, 2], [1, 2]])
    expect(await expectAgreementEverywhere('a', 'killed after reserve')).toEqual([1, 2])
    const writer = await openTable(root('b'))
    expect((await writer.insert(users([6]))).version).toBe(3)
    expect(await oracleIdsByVersion('b')).toEqual([[], [1, 2], [1, 2], [1, 2, 6]])
    expect(await expectAgreementEverywhere('b', 'killed after reserve, then written')).toEqual([1, 2, 6])
    expect(await expectAgreementEverywhere('a', 'killed after reserve, aborted')).toEqual([1, 2])
    expect([await publications('a'), await publications('b')]).toEqual([[], []])
  })

  it('after the decision: Delta readers see nothing until a pf reader publishes each table', async () => {
    await twoTables()
    await killedAt('decided', 30_000)
    for (const name of ['a', 'b']) expect(await oracleIdsByVersion(name)).toEqual([[], [1, 2], [1, 2]])
    expect(await expectAgreementEverywhere('a', 'killed after decide')).toEqual([1, 2, 5])
    expect(await expectAgreementEverywhere('b', 'killed after decide')).toEqual([1, 2, 5])
    expect([await publications('a'), await publications('b')]).toEqual([[3], [3]])
  })

  it('mid-publication: table a ahead of b for Delta readers until a pf writer of b publishes it', async () => {
    await twoTables()
    await killedAt('mid-publish', 30_000)
    expect(await oracleIdsByVersion('a')).toEqual([[], [1, 2], [1, 2], [1, 2, 5]])
    expect(await oracleIdsByVersion('b')).toEqual([[], [1, 2], [1, 2]])
    const writer = await openTable(root('b'))
    expect((await writer.insert(users([6]))).version).toBe(4)
    expect(await expectAgreementEverywhere('a', 'killed mid-publish')).toEqual([1, 2, 5])
    expect(await expectAgreementEverywhere('b', 'killed mid-publish, then written')).toEqual([1, 2, 5, 6])
    expect([await publications('a'), await publications('b')]).toEqual([[3], [3]])
  })

  it('two processes rolling the same transaction forward at once publish it once', async () => {
    await twoTables()
    await killedAt('decided', 30_000)
    const readers = [
      new WorkerProcess(worker.script, ['read', store]),
      new WorkerProcess(worker.script, ['read', store]),
    ]
    await Promise.all(readers.map((r) => r.waitFor('READY')))
    for (const r of readers) r.send('go')
    await Promise.all(readers.map((r) => r.exited))
    for (const r of readers) {
      expect(r.failures()).toEqual([])
      expect(r.lines).toContain('ROWS [1,2,5] [1,2,5]')
    }
    expect([await publications('a'), await publications('b')]).toEqual([[3], [3]])
    expect((await commits('a')).length).toBe(4)
    expect(await expectAgreementEverywhere('a', 'rolled forward twice')).toEqual([1, 2, 5])
    expect(await expectAgreementEverywhere('b', 'rolled forward twice')).toEqual([1, 2, 5])
  })
})
