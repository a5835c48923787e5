import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { frame, HEADER } from './commit-wal.js'
import { decodeInsertLog, encodeInsertRecord, insertLogAppId, restoreInsertedFiles } from './insert-log.js'
import { nodeFileSystem } from './node-file-system.js'
import { currentProcess } from './process-identity.js'
import { createTable } from './table.js'
import { TableCorruptError } from './table-errors.js'

const tmp = useTempDir('pf-insert-log-')

/** A table with one row and the add action of its file. */
async function oneRow() {
  const table = await createTable(join(tmp.dir, 'users'), { entity: userEntity, enums: userEnums })
  await table.append(users([1]))
  const snap = await table.snapshot()
  return { table, state: snap.state, add: (snap.files[0] as (typeof snap.files)[number]).add }
}

describe('the insert log (log-first inserts)', () => {
  it('decodes what it encoded: the writer, each record with its adds, files and end offset', async () => {
    const { state, add } = await oneRow()
    const header = frame(HEADER, new TextEncoder().encode(JSON.stringify(await currentProcess())))
    const file = { path: add.path, bytes: new Uint8Array([1, 2, 3]) }
    const a = encodeInsertRecord([add], [file], state)
    const b = encodeInsertRecord([add], [], state)
    const log = new Uint8Array([...header, ...a, ...b])
    const decoded = decodeInsertLog(log, 'x.log', 'User')
    expect(decoded.writer?.pid).toBe(process.pid)
    expect(decoded.records.map((r) => r.end)).toEqual([header.length + a.length, log.length])
    expect(decoded.records[0]?.adds.map((x) => [x.path, x.size, x.stats.numRows])).toEqual([
      [add.path, add.size, 1],
    ])
    expect(decoded.records[0]?.files.map((f) => [f.path, [...f.bytes]])).toEqual([[add.path, [1, 2, 3]]])
    // A torn tail (a crash during the last append), or the zeros written ahead of the appends: left out.
    expect(decodeInsertLog(log.subarray(0, log.length - 3), 'x.log', 'User').records).toHaveLength(1)
    const ahead = new Uint8Array(log.length + 4096)
    ahead.set(log)
    expect(decodeInsertLog(ahead, 'x.log', 'User').records).toHaveLength(2)
    expect(insertLogAppId('/t/_pf/inserts/abc.log')).toBe('pf-inserts-abc')
  })

  it('a record replacing stored rows (a log-first update) keeps its keys; a broken key list is TableCorruptError', async () => {
    const { state, add } = await oneRow()
    const keys = ['1', 'k\u0000"two"', '\ud800']
    const [record] = decodeInsertLog(encodeInsertRecord([add], [], state, keys), 'u.log', 'User').records
    expect(record?.replaces).toEqual(keys)
    expect(record?.adds.map((a) => a.path)).toEqual([add.path])
    const [plain] = decodeInsertLog(encodeInsertRecord([add], [], state), 'u.log', 'User').records
    expect(plain?.replaces).toBeUndefined()
    // A frame whose checksum holds but whose key list is not one (kind 3: replacing).
    const text = new TextEncoder().encode('{"not":"keys"}')
    const payload = new Uint8Array(4 + text.length)
    new DataView(payload.buffer).setUint32(0, text.length)
    payload.set(text, 4)
    const error = (() => {
      try {
        decodeInsertLog(frame(3, payload), 'bad.log', 'User')
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(TableCorruptError)
    expect(String(error)).toContain('bad.log')
  })

  it('restores a record only inside its table: a path outside is TableCorruptError naming the log, nothing written', async () => {
    const { table, state, add } = await oneRow()
    const outside = { path: '../escaped.parquet', bytes: new Uint8Array([9]) }
    const [record] = decodeInsertLog(encodeInsertRecord([add], [outside], state), 'evil.log', 'User').records
    const error = await restoreInsertedFiles(nodeFileSystem, table.path, 'User', 'evil.log', [
      record as NonNullable<typeof record>,
    ]).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TableCorruptError)
    expect(String(error)).toContain('evil.log')
    expect(await readdir(tmp.dir)).toEqual(['users'])
  })

  it('restores a file a power loss emptied, leaves an equal one, refuses one holding other bytes', async () => {
    const { table, state, add } = await oneRow()
    const path = join(table.path, 'part-restored.parquet')
    const bytes = new Uint8Array([1, 2, 3, 4])
    const record = decodeInsertLog(
      encodeInsertRecord([add], [{ path: 'part-restored.parquet', bytes }], state),
      'a.log',
      'User',
    ).records
    await nodeFileSystem.writeFile(path, new Uint8Array())
    await restoreInsertedFiles(nodeFileSystem, table.path, 'User', 'a.log', record)
    expect([...(await nodeFileSystem.readFile(path))]).toEqual([1, 2, 3, 4])
    await restoreInsertedFiles(nodeFileSystem, table.path, 'User', 'a.log', record)
    await nodeFileSystem.writeFile(path, new Uint8Array([7, 7, 7, 7]))
    await expect(
      restoreInsertedFiles(nodeFileSystem, table.path, 'User', 'a.log', record),
    ).rejects.toBeInstanceOf(TableCorruptError)
  })
})
