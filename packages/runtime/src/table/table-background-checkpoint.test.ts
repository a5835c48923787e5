import { readdir, readFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SpecDeltaReader } from '../../../../test/delta/spec-delta-reader.js'
import { decodeCheckpoint } from '../delta/checkpoint-parquet.js'
import { DurableWrites } from './__fixtures__/durable-writes.js'
import { gate } from './__fixtures__/gate.js'
import { idsOf, range, userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { useUsersTablePath } from './__fixtures__/users-table-setup.js'
import { FaultyFileSystem } from './faulty-file-system.js'
import { maintenanceThread } from './maintenance-thread.js'
import { createTable, openTable, type Table } from './table.js'

const ws = useUsersTablePath()

/** Any file a checkpoint writes (pf's cache, its tombstones, the Delta checkpoint and pointers), temp names too. */
const CHECKPOINT_FILE = /checkpoint|tombstones/

/** The users table through a FaultyFileSystem, a checkpoint due every 2 versions, user 0 appended (version 1). */
async function checkpointingTable(): Promise<{ fs: FaultyFileSystem; table: Table }> {
  const fs = new FaultyFileSystem()
  const table = await createTable(ws.path, {
    entity: userEntity,
    enums: userEnums,
    fs,
    checkpointInterval: 2,
  })
  await table.append(users([0]))
  return { fs, table }
}

async function deltaCheckpoints(): Promise<string[]> {
  return (await readdir(join(ws.path, '_delta_log'))).filter((f) => f.endsWith('.checkpoint.parquet'))
}

describe('checkpoints after the commit, in the background', () => {
  it('a commit that makes a checkpoint due returns before the checkpoint is written; settled, it is there', async () => {
    const { fs, table } = await checkpointingTable()
    const started = gate()
    const release = gate()
    fs.inject({
      op: 'writeFile',
      path: CHECKPOINT_FILE,
      before: async () => {
        started.open()
        await release.opened
      },
    })
    // Version 2 is due a checkpoint: the append resolves while its writer is held at its first file.
    const result = await table.append(users([1]))
    expect(result.version).toBe(2)
    await started.opened
    expect(await deltaCheckpoints()).toEqual([])
    // A later commit that finds the checkpoint running starts no other.
    await table.append(users([2]))
    await table.append(users([3]))
    expect(table.version).toBe(4)
    release.open()
    await table.settled()
    expect(await deltaCheckpoints()).toEqual(['00000000000000000002.checkpoint.parquet'])
    // No checkpoint of version 4 (its state is cached, a file of its own: state-cache.ts).
    const written = fs.calls.filter((c) => c.startsWith('writeFile') && c.includes('00000000000000000004.'))
    expect(written.filter((c) => !c.includes('.snapshot.json.'))).toEqual([])
    expect(idsOf(await (await openTable(ws.path)).read())).toEqual([0, 1, 2, 3])
  })

  it("pf's cache files are written without a flush; the Delta checkpoint and its pointer are flushed, then the log folder", async () => {
    const fs = new DurableWrites()
    const table = await createTable(ws.path, {
      entity: userEntity,
      enums: userEnums,
      fs,
      checkpointInterval: 2,
    })
    await table.append(users([0]))
    await table.append(users([1]))
    await table.settled()
    expect(await deltaCheckpoints()).toEqual(['00000000000000000002.checkpoint.parquet'])
    const cache = join(ws.path, '_pf', 'checkpoints')
    expect(await readdir(cache)).toEqual(
      expect.arrayContaining([
        '00000000000000000002.checkpoint.json',
        '00000000000000000002.tombstones.json',
      ]),
    )
    expect(fs.durable.filter((p) => p.startsWith(cache))).toEqual([])
    expect(fs.calls.filter((c) => c.startsWith('fsync') && c.includes(cache))).toEqual([])
    const log = join(ws.path, '_delta_log')
    expect(fs.durable.filter((p) => p.startsWith(log)).map((p) => basename(p))).toEqual([
      expect.stringMatching(/^\.00000000000000000002\.checkpoint\.parquet\..*\.tmp$/),
      expect.stringMatching(/^\._last_checkpoint\..*\.tmp$/),
    ])
    const pointer = fs.calls.findIndex(
      (c) => c.startsWith('rename') && c.endsWith(join(log, '_last_checkpoint')),
    )
    expect(fs.calls.indexOf(`fsyncDir ${log}`, pointer)).toBeGreaterThan(pointer)
    expect(idsOf(await (await openTable(ws.path)).read())).toEqual([0, 1])
  })

  it('a checkpoint that fails is never the commit error and leaves a table every reader opens', async () => {
    const { fs, table } = await checkpointingTable()
    // The Delta checkpoint's rename fails (as a crash before it would): its temp file never counts.
    fs.inject({ op: 'rename', path: /\.checkpoint\.parquet/, code: 'EIO' })
    const result = await table.append(users(range(1, 4)))
    expect(result.version).toBe(2)
    await table.settled()
    expect(await deltaCheckpoints()).toEqual([])
    expect((await readdir(join(ws.path, '_delta_log'))).filter((f) => f.endsWith('.tmp'))).toEqual([])
    const reopened = await openTable(ws.path)
    expect(reopened.version).toBe(2)
    expect(idsOf(await reopened.read())).toEqual([0, 1, 2, 3])
    // The next due checkpoint is written as usual.
    await table.append(users([4]))
    await table.append(users([5]))
    await table.settled()
    expect(await deltaCheckpoints()).toEqual(['00000000000000000004.checkpoint.parquet'])
  })

  it('its Parquet is encoded on the maintenance thread: commits land while that is held there', async () => {
    const { table } = await checkpointingTable()
    const held = maintenanceThread.holdNext()
    expect((await table.append(users([1]))).version).toBe(2)
    // Held in the worker, the checkpoint cannot finish: one encoded in this thread would settle first.
    await Promise.race([
      held.started,
      table.settled().then(() => {
        throw new Error('the checkpoint was written without the maintenance thread')
      }),
    ])
    await table.append(users([2]))
    await table.append(users([3]))
    expect(await deltaCheckpoints()).toEqual([])
    held.release()
    await table.settled()
    expect(await deltaCheckpoints()).toEqual(['00000000000000000002.checkpoint.parquet'])
    const oracle = await SpecDeltaReader.open()
    try {
      expect((await oracle.read(ws.path)).rows.map((r) => Number(r.id)).sort()).toEqual([0, 1, 2, 3])
    } finally {
      oracle.close()
    }
  })

  it('a maintenance worker that dies while encoding: the checkpoint is encoded here, every reader opens it', async () => {
    const { table } = await checkpointingTable()
    maintenanceThread.crashNext()
    await table.append(users([1]))
    await table.settled()
    expect(await deltaCheckpoints()).toEqual(['00000000000000000002.checkpoint.parquet'])
    const log = join(ws.path, '_delta_log')
    const actions = decodeCheckpoint(await readFile(join(log, '00000000000000000002.checkpoint.parquet')))
    expect(actions.filter((a) => 'add' in a)).toHaveLength(2)
    expect(idsOf(await (await openTable(ws.path)).read())).toEqual([0, 1])
  })
})
