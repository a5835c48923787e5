import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  expectEveryPowerLossKeepsAcknowledged,
  PowerLossFileSystem,
} from './__fixtures__/power-loss-file-system.js'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { commitTables } from './multi-table-commit.js'
import { type CreateTableOptions, createTable, openTable, type Table } from './table.js'

/** The rows a reader sees, as `id:name` sorted by id (the name field as `name`, or renamed `fullName`). */
async function rowsOf(table: Table): Promise<string[]> {
  const df = (await table.read()).sort('id')
  const ids = df.getColumn('id').toArray() as number[]
  const names = df.getColumn(df.columns.includes('name') ? 'name' : 'fullName').toArray() as string[]
  return ids.map((id, i) => `${id}:${names[i]}`)
}

/** A table's rows in a power-loss image, or the error that kept it from opening or reading. */
const imageRows =
  (table: string) =>
  (image: string): Promise<unknown> =>
    openTable(join(image, table))
      .then(rowsOf)
      .catch((e: unknown) => String(e))

/**
 * The commit protocol's durability claim, checked at every step: a power loss after any file-system step of a run
 * of commits (and of their background checkpoints and caches) leaves a table that opens without error and holds
 * exactly the commits acknowledged before the loss, or those and the one in flight. The disk model
 * (PowerLossFileSystem) keeps only flushed names and flushed bytes, the worst POSIX allows.
 */
describe.each([
  ['through the commit log', false],
  ['flushing every file (a file system without appends)', true],
])('power loss at every step, %s', (_, withoutLog) => {
  const tmp = useTempDir('pf-power-loss-')

  /** A users table with rows 0 and 1 made before the model starts (its files count as flushed), then modelled. */
  async function modelled(options: Partial<CreateTableOptions> = {}) {
    const store = join(tmp.dir, 'store')
    const made = await createTable(join(store, 'users'), {
      entity: userEntity,
      enums: userEnums,
      checkpointInterval: 2,
      ...options,
    })
    await made.append(users([0, 1]))
    await made.settled()
    const fs = await PowerLossFileSystem.of(store, undefined, { withoutLog })
    return { fs, table: await openTable(join(store, 'users'), { fs }) }
  }

  /** Runs the writes, marking each acknowledged one and keeping the state a reader sees after it. */
  async function run(
    fs: PowerLossFileSystem,
    read: () => Promise<unknown>,
    writes: [string, () => Promise<unknown>][],
  ): Promise<unknown[]> {
    const states = [await read()]
    for (const [label, write] of writes) {
      await write()
      fs.mark(label)
      states.push(await read())
    }
    return states
  }

  it('of appends, upserts, deletes and a compaction', async () => {
    const { fs, table } = await modelled()
    const states = await run(fs, () => rowsOf(table), [
      ['append 2', () => table.append(users([2]))],
      ['append 3, 4', () => table.append(users([3, 4]))],
      ['upsert 1', () => table.upsert(users([1], 'v'))],
      ['delete 0', () => table.deleteKeys([0])],
      ['insert 5', () => table.insert(users([5]))],
      ['compact', () => table.compact()],
      ['upsert 2', () => table.upsert(users([2], 'w'))],
    ])
    await table.settled()
    expect(fs.length).toBeGreaterThan(28)
    // The mode under test is the one that ran: commit records appended to the log, or none.
    expect(fs.describe().some((step) => /append \S*_pf\/wal\//.test(step))).toBe(!withoutLog)
    await expectEveryPowerLossKeepsAcknowledged(fs, states, tmp.dir, imageRows('users'))
  })

  it('of a partitioned table whose writes make new partition folders', async () => {
    const store = join(tmp.dir, 'store')
    const fs = await PowerLossFileSystem.of(store, undefined, { withoutLog })
    const table = await createTable(join(store, 'users'), {
      entity: userEntity,
      enums: userEnums,
      partitionBy: ['role'],
      fs,
    })
    fs.mark('created')
    // users(ids) gives each row a role by its id: new ids reach new partitions.
    const states = await run(fs, () => rowsOf(table), [
      ['append 0', () => table.append(users([0]))],
      ['append 1, 2', () => table.append(users([1, 2]))],
      ['upsert 1', () => table.upsert(users([1], 'v'))],
    ])
    await table.settled()
    // Before `created` no table exists to open: from there on (the states start at the empty table).
    await expectEveryPowerLossKeepsAcknowledged(fs, states, tmp.dir, imageRows('users'), 'created')
  })

  it('of a commit across two tables', async () => {
    const { fs, table: a } = await modelled()
    const store = join(tmp.dir, 'store')
    const b = await createTable(join(store, 'others'), { entity: userEntity, enums: userEnums, fs })
    fs.mark('others created')
    const both = async () => [await rowsOf(a), await rowsOf(b)]
    const states = await run(fs, both, [
      [
        'transaction',
        () =>
          commitTables([
            { table: a, build: (tx) => void tx.upsert(users([1], 'x')) },
            { table: b, build: (tx) => void tx.insert(users([10])) },
          ]),
      ],
      ['append a', () => a.append(users([7]))],
    ])
    await a.settled()
    await b.settled()
    await expectEveryPowerLossKeepsAcknowledged(
      fs,
      states,
      tmp.dir,
      async (image) => [await imageRows('users')(image), await imageRows('others')(image)],
      'others created',
    )
  })

  it('of schema and format migrations (a rename, to Avro and back, which truncates the history)', async () => {
    const entity = { ...userEntity, fields: userEntity.fields.filter((f) => f.type.kind !== 'list') }
    const { fs, table } = await modelled({ entity })
    const renamed = {
      ...entity,
      fields: entity.fields.map((f) =>
        f.name === 'name' ? { ...f, name: 'fullName', column: 'fullName' } : f,
      ),
    }
    const states = await run(fs, () => rowsOf(table), [
      ['rename', () => table.evolveSchema(renamed, userEnums, { renames: { name: 'fullName' } })],
      ['to avro', () => table.rewriteFormat('avro')],
      ['append 8', () => table.append(users([8]).rename({ name: 'fullName' }))],
      ['to parquet', () => table.rewriteFormat('parquet')],
    ])
    await table.settled()
    await expectEveryPowerLossKeepsAcknowledged(fs, states, tmp.dir, imageRows('users'))
  })

  it('of a compaction, then a vacuum of every file no longer needed, then more writes', async () => {
    const { fs, table } = await modelled()
    const states = await run(fs, () => rowsOf(table), [
      ['append 2', () => table.append(users([2]))],
      ['delete 1', () => table.deleteKeys([1])],
      ['compact', () => table.compact()],
      ['vacuum', () => table.vacuum({ retentionMs: 0, unreferencedMinAgeMs: 0 })],
      ['upsert 0', () => table.upsert(users([0], 'z'))],
    ])
    await table.settled()
    await expectEveryPowerLossKeepsAcknowledged(fs, states, tmp.dir, imageRows('users'))
  })
})

/**
 * The commit log's one rule (commit-wal.ts): a version is linked only once the version below it is durable. Here a
 * writer links a version whose record it has not appended yet, and another writer (its own file system object, so
 * its own commit log, as another process has) commits on top of it and is acknowledged first. A power loss after
 * that acknowledgement must keep both versions: the second writer flushed the first one's files before linking.
 */
describe('power loss at every step of two writers through their commit logs', () => {
  const tmp = useTempDir('pf-power-loss-two-')

  it('keeps a version another writer built on, though its own writer had not logged it yet', async () => {
    const store = join(tmp.dir, 'store')
    const made = await createTable(join(store, 'users'), { entity: userEntity, enums: userEnums })
    await made.append(users([0, 1]))
    await made.settled()
    const fs = await PowerLossFileSystem.of(store)
    const open = fs.openLog
    if (!open) throw new Error('the model has no log')
    // Writer a: the same disk; its log's appends wait for `release` once `gated`.
    let gated = false
    let release = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const viewA = Object.create(fs) as PowerLossFileSystem & { openLog: typeof open }
    viewA.openLog = async (path) => {
      const log = await open(path)
      return {
        append: async (data) => {
          if (gated) await gate
          await log.append(data)
        },
        close: () => log.close(),
      }
    }
    const a = await openTable(join(store, 'users'), { fs: viewA })
    const b = await openTable(join(store, 'users'), { fs: Object.create(fs) as PowerLossFileSystem })
    gated = true
    const pendingA = a.append(users([2]))
    // a's version 2 is linked (its record not appended) before b commits.
    const entry2 = join(store, 'users', '_delta_log', '00000000000000000002.json')
    while (
      !(await fs.stat(entry2).then(
        () => true,
        () => false,
      ))
    )
      await new Promise((r) => setTimeout(r, 2))
    await b.append(users([3]))
    fs.mark('b acknowledged')
    release()
    await pendingA
    fs.mark('a acknowledged')
    await a.settled()
    await b.settled()
    const all = ['0:u0', '1:u1', '2:u2', '3:u3']
    const acknowledgedB = fs.stepAfterMark('b acknowledged')
    for (let k = 0; k <= fs.length; k++) {
      const image = join(tmp.dir, `image-${k}`)
      await fs.imageAt(k, image)
      const found = await imageRows('users')(image)
      // Before b's acknowledgement any prefix of the two writes may survive; after it, both.
      const allowed = k < acknowledgedB ? [all.slice(0, 2), all.slice(0, 3), all] : [all]
      expect(allowed, `power loss after step ${k}:\n${fs.describe(k).join('\n')}`).toContainEqual(found)
    }
  })
})
