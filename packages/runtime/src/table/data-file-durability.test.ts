import { access, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { idsOf, range, tempDir, userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { FaultyFileSystem } from './faulty-file-system.js'
import { createTable, openTable, type Table } from './table.js'
import { TableWriteError } from './table-errors.js'

let dir: string
let cleanup: () => Promise<void>
let fs: FaultyFileSystem
let table: Table
let path: string

beforeEach(async () => {
  ;({ dir, cleanup } = await tempDir())
  path = join(dir, 'users')
  fs = new FaultyFileSystem()
  table = await createTable(path, { entity: userEntity, enums: userEnums, fs })
  await table.append(users(range(0, 5)))
})
afterEach(() => cleanup())

const entryOf = (version: number) => join(path, '_delta_log', `${String(version).padStart(20, '0')}.json`)
const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  )
const dataFiles = async () => (await readdir(path)).filter((n) => n.includes('part-')).sort()

/** Waits (event-loop turns, bounded) until the log entry's exclusive create has been called. */
async function entryCreateCalled(version: number): Promise<boolean> {
  const call = `createExclusive ${entryOf(version)}`
  for (let i = 0; i < 10_000; i++) {
    if (fs.calls.includes(call)) return true
    await nextTurn()
  }
  return false
}

describe('a data file is flushed while its commit is written, and named only once durable', () => {
  it('the log entry is being written while the data file is flushed, and appears only after the flush', async () => {
    const seen: { createCalled?: boolean; entryExisted?: boolean } = {}
    fs.inject({
      op: 'fsyncFile',
      path: /part-.*\.parquet$/,
      before: async () => {
        seen.createCalled = await entryCreateCalled(2)
        seen.entryExisted = await exists(entryOf(2))
      },
    })
    const result = await table.append(users([10, 11]))
    expect(result.version).toBe(2)
    expect(seen).toEqual({ createCalled: true, entryExisted: false })
    expect(idsOf(await (await openTable(path)).read())).toEqual([...range(0, 5), 10, 11])
  })

  it.each(['fsyncFile', 'fsyncDir'] as const)(
    'a failing %s of a data file fails the commit: no entry, the file removed, the table unchanged',
    async (op) => {
      const before = await dataFiles()
      fs.inject({ op, path: op === 'fsyncFile' ? /part-.*\.parquet$/ : /users$/, code: 'EIO' })
      const error = await table.append(users([10])).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(TableWriteError)
      expect((error as TableWriteError).cause).toMatchObject({ code: 'EIO' })
      expect(await exists(entryOf(2))).toBe(false)
      expect(await dataFiles()).toEqual(before)
      const fresh = await openTable(path)
      expect(fresh.version).toBe(1)
      expect(idsOf(await fresh.read())).toEqual(range(0, 5))
      // The next write commits normally.
      expect((await table.append(users([12]))).version).toBe(2)
    },
  )

  it('one commit issues one fsync per data file and one per folder it adds to, then the log entry', async () => {
    fs.calls.length = 0
    await table.append(users([20, 21]))
    const syncs = fs.calls.filter((c) => c.startsWith('fsync'))
    expect(syncs.filter((c) => /^fsyncFile .*part-.*\.parquet$/.test(c))).toHaveLength(1)
    expect(syncs.filter((c) => c === `fsyncDir ${path}`)).toHaveLength(1)
    expect(syncs.filter((c) => c === `fsyncDir ${join(path, '_delta_log')}`)).toHaveLength(1)
    expect(syncs).toHaveLength(3)
  })
})
