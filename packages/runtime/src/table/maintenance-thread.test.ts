import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { CheckpointFormatError, decodeCheckpoint } from '../delta/checkpoint-parquet.js'
import { range } from './__fixtures__/user-entity.js'
import { useUsersTablePath } from './__fixtures__/users-table-setup.js'
import { encodeCheckpointOffThread } from './checkpoint-encoding.js'
import { MaintenanceThread, maintenanceThread } from './maintenance-thread.js'
import { MaintenanceThreadError } from './maintenance-thread-error.js'
import { openTable } from './table.js'

const ws = useUsersTablePath()
const CHILD = fileURLToPath(new URL('./__fixtures__/maintenance-exit.ts', import.meta.url))

/** Runs the child script on the table path; its exit code and output once it exits by itself. */
function runChild(path: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, path], { stdio: 'pipe' })
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8')
    })
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString('utf8')
    })
    child.on('exit', (code) => resolve({ code, out, err }))
  })
}

describe('the maintenance thread', () => {
  it('keeps a process alive only while it runs a job: a script ends on its own, its compaction landed', async () => {
    const { code, out, err } = await runChild(ws.path)
    expect({ code, out, err }).toEqual({ code: 0, out: 'held\n', err: '' })
    const table = await openTable(ws.path)
    expect((await table.history()).map((h) => h.operation)).toEqual([
      'CREATE',
      'APPEND',
      'APPEND',
      'APPEND',
      'COMPACT',
    ])
    expect((await table.snapshot()).files.map((f) => f.add.stats.numRows)).toEqual([3])
    expect(
      (await table.read())
        .getColumn('id')
        .toArray()
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual(range(0, 3))
  })

  it('a job it cannot copy to the worker is refused with a MaintenanceThreadError (the caller runs it)', async () => {
    const thread = new MaintenanceThread()
    const job = { kind: 'checkpoint', actions: [{ txn: { appId: 'a', version: 1, f: () => 1 } }], file: 'x' }
    await expect(thread.run(job as unknown as Parameters<typeof thread.run>[0])).rejects.toThrow(
      MaintenanceThreadError,
    )
    await thread.close()
  })

  it('encodes a checkpoint on the worker; a job error there is raised again by this thread, by its own class', async () => {
    const held = maintenanceThread.holdNext()
    const encoding = encodeCheckpointOffThread(
      [{ protocol: { minReaderVersion: 1, minWriterVersion: 2 } }],
      'c',
    )
    await held.started
    held.release()
    expect(decodeCheckpoint(await encoding)).toEqual([
      { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
    ])
    const bad = encodeCheckpointOffThread([{ protocol: { minReaderVersion: 1.5, minWriterVersion: 2 } }], 'c')
    await expect(bad).rejects.toBeInstanceOf(CheckpointFormatError)
    await expect(bad).rejects.toThrow(
      'Delta checkpoint c, protocol.minReaderVersion: expected a 32-bit integer',
    )
  })
})
