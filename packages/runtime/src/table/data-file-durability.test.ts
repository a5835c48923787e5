import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { frameFromEntities } from '../entity/entity-frame-codec.js'
import { callMade } from './__fixtures__/call-made.js'
import { commitPath } from './__fixtures__/delta-commit-file.js'
import { pathExists } from './__fixtures__/path-exists.js'
import { idsOf, range, userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { useFaultyUsersTable } from './__fixtures__/users-table-setup.js'
import { FaultyFileSystem } from './faulty-file-system.js'
import { RowBatch } from './row-batch.js'
import { createTable, openTable } from './table.js'
import { TableWriteError } from './table-errors.js'

const ws = useFaultyUsersTable()

const entryOf = (version: number) => commitPath(ws.path, version)
/** User 30 as an entity's values (the small-write path). */
const row30 = { id: 30, name: 'u30', age: 30, role: 'ADMIN' }
const dataFiles = async () => (await readdir(ws.path)).filter((n) => n.includes('part-')).sort()

describe('a data file is flushed while its commit is written, and named only once durable', () => {
  it('the log entry is being written while the data file is flushed, and appears only after the flush', async () => {
    const seen: { createCalled?: boolean; entryExisted?: boolean } = {}
    ws.fs.inject({
      op: 'fsyncFile',
      path: /part-.*\.parquet$/,
      before: async () => {
        seen.createCalled = await callMade(ws.fs, `createExclusive ${entryOf(2)}`)
        seen.entryExisted = await pathExists(entryOf(2))
      },
    })
    const result = await ws.table.append(users([10, 11]))
    expect(result.version).toBe(2)
    expect(seen).toEqual({ createCalled: true, entryExisted: false })
    expect(idsOf(await (await openTable(ws.path)).read())).toEqual([...range(0, 5), 10, 11])
  })

  it.each(['fsyncFile', 'fsyncDir'] as const)(
    'a failing %s of a data file fails the commit: no entry, the file removed, the table unchanged',
    async (op) => {
      const before = await dataFiles()
      ws.fs.inject({ op, path: op === 'fsyncFile' ? /part-.*\.parquet$/ : /users$/, code: 'EIO' })
      const error = await ws.table.append(users([10])).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(TableWriteError)
      expect((error as TableWriteError).cause).toMatchObject({ code: 'EIO' })
      expect(await pathExists(entryOf(2))).toBe(false)
      expect(await dataFiles()).toEqual(before)
      const fresh = await openTable(ws.path)
      expect(fresh.version).toBe(1)
      expect(idsOf(await fresh.read())).toEqual(range(0, 5))
      // The next write commits normally.
      expect((await ws.table.append(users([12]))).version).toBe(2)
    },
  )

  it('one commit issues one fsync per data file and one per folder it adds to, then the log entry', async () => {
    ws.fs.calls.length = 0
    await ws.table.append(users([20, 21]))
    const syncs = ws.fs.calls.filter((c) => c.startsWith('fsync'))
    expect(syncs.filter((c) => /^fsyncFile .*part-.*\.parquet$/.test(c))).toHaveLength(1)
    expect(syncs.filter((c) => c === `fsyncDir ${ws.path}`)).toHaveLength(1)
    expect(syncs.filter((c) => c === `fsyncDir ${join(ws.path, '_delta_log')}`)).toHaveLength(1)
    expect(syncs).toHaveLength(3)
  })

  it.each([
    [
      'a small insert (JS values)',
      () => ws.table.insertBatch(new RowBatch(userEntity.fields, [row30], frameFromEntities)),
    ],
    ['a frame append (polars)', () => ws.table.append(users([30]))],
  ])(
    '%s writes its data file once, under its final name (no temp name, no rename), then flushes it',
    async (_, write) => {
      ws.fs.calls.length = 0
      const result = await write()
      expect(result.version).toBe(2)
      const [first] = ws.fs.calls.filter((c) => c.includes('part-'))
      const file = first?.slice('writeFile '.length) ?? ''
      expect(file).toMatch(/[/\\]part-[0-9a-f-]{36}\.parquet$/)
      // The file's own calls: one write (its final name), one flush; no other name for it, no rename to it.
      expect(ws.fs.calls.filter((c) => c.includes('part-'))).toEqual([
        `writeFile ${file}`,
        `fsyncFile ${file}`,
      ])
      // Its folder is flushed, then the entry naming it appears and its folder is flushed.
      const at = (call: string) => ws.fs.calls.indexOf(call)
      expect(at(`fsyncDir ${ws.path}`)).toBeGreaterThan(at(`writeFile ${file}`))
      expect(at(`fsyncDir ${join(ws.path, '_delta_log')}`)).toBeGreaterThan(
        at(`createExclusive ${entryOf(2)}`),
      )
      expect(idsOf(await (await openTable(ws.path)).read())).toEqual([...range(0, 5), 30])
    },
  )

  it('an Avro table writes its data file through its own file system too: one write, one flush, never read back', async () => {
    const fs = new FaultyFileSystem()
    const avro = await createTable(join(ws.dir, 'avro-users'), {
      entity: { ...userEntity, format: 'avro' },
      enums: userEnums,
      fs,
    })
    fs.calls.length = 0
    await avro.append(users([40, 41]))
    const calls = fs.calls.filter((c) => c.includes('part-'))
    const file = calls[0]?.slice('writeFile '.length) ?? ''
    expect(file).toMatch(/[/\\]part-[0-9a-f-]{36}\.avro$/)
    expect(calls).toEqual([`writeFile ${file}`, `fsyncFile ${file}`])
    expect(idsOf(await (await openTable(join(ws.dir, 'avro-users'))).read())).toEqual([40, 41])
  })
})
