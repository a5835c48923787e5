import { cp, mkdir, readdir, readFile, rm, stat, truncate, unlink, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { idsOf, userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import {
  commitLogOf,
  decodeCommitLog,
  encodeCommitLogHeader,
  encodeCommitRecord,
  recoverCommitLogs,
  WAL_DIR,
} from './commit-wal.js'
import { FaultyFileSystem } from './faulty-file-system.js'
import type { FileSystem } from './file-system.js'
import { logFileName } from './log-entry.js'
import { nodeFileSystem } from './node-file-system.js'
import { bootTimeMs, currentProcess, startTime } from './process-identity.js'
import { createTable, openTable, type Table } from './table.js'
import { TableCorruptError, TableReadError } from './table-errors.js'

const bytes = (text: string) => new TextEncoder().encode(text)

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** The path of the one file a log entry adds. */
function addedBy(entry: string): string {
  const line = entry.split('\n').find((l) => l.startsWith('{"add"')) as string
  return (JSON.parse(line) as { add: { path: string } }).add.path
}

async function ids(table: Table): Promise<number[]> {
  return idsOf(await table.read()).sort((a, b) => a - b)
}

/** The real file system with some of its methods replaced (`overrides`); every other method is the real one. */
function realFileSystemWith(overrides: Partial<FileSystem>): FileSystem {
  return new Proxy(nodeFileSystem, {
    get(target, key) {
      if (Object.hasOwn(overrides, key)) return overrides[key as keyof FileSystem]
      const value: unknown = Reflect.get(target, key)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

/** The real file system, keeping a copy of every commit log append once it succeeded. */
function recordingAppends(): { fs: FileSystem; appended: Uint8Array[] } {
  const appended: Uint8Array[] = []
  const open = (nodeFileSystem.openLog as NonNullable<FileSystem['openLog']>).bind(nodeFileSystem)
  const openLog = async (path: string) => {
    const log = await open(path)
    return {
      append: async (data: Uint8Array) => {
        await log.append(data)
        appended.push(data.slice())
      },
      close: () => log.close(),
    }
  }
  return { fs: realFileSystemWith({ openLog }), appended }
}

/** The real file system, counting the bytes read of each file. */
function recordingReads(): { fs: FileSystem; read: Map<string, number> } {
  const read = new Map<string, number>()
  const count = (path: string, data: Uint8Array) => {
    read.set(path, (read.get(path) ?? 0) + data.length)
    return data
  }
  const readRange = (nodeFileSystem.readRange as NonNullable<FileSystem['readRange']>).bind(nodeFileSystem)
  const fs = realFileSystemWith({
    readFile: async (path: string) => count(path, await nodeFileSystem.readFile(path)),
    readRange: async (path: string, offset: number, length: number) =>
      count(path, await readRange(path, offset, length)),
  })
  return { fs, read }
}

async function walFiles(root: string): Promise<string[]> {
  return (await readdir(join(root, WAL_DIR)).catch(() => [] as string[])).filter((n) => n.endsWith('.log'))
}

describe('commit log records', () => {
  it('decode as written, and a torn or damaged tail is left out', () => {
    const a = encodeCommitRecord({
      version: 3,
      files: [
        { path: '_delta_log/00000000000000000003.json', bytes: bytes('{"a":1}\n') },
        { path: 'part-x.parquet', bytes: new Uint8Array([1, 2, 3]) },
      ],
    })
    const b = encodeCommitRecord({ version: 4, files: [{ path: '_delta_log/4.json', bytes: bytes('{}') }] })
    const whole = concat([a, b])
    const decoded = decodeCommitLog(whole)
    expect(decoded.writer).toBeUndefined()
    expect(decoded.records.map((r) => r.version)).toEqual([3, 4])
    expect(decoded.records[0]?.files.map((f) => [f.path, [...f.bytes]])).toEqual([
      ['_delta_log/00000000000000000003.json', [...bytes('{"a":1}\n')]],
      ['part-x.parquet', [1, 2, 3]],
    ])
    // Cut anywhere inside the second record: only the first survives.
    for (let cut = a.length; cut < whole.length; cut++) {
      expect(decodeCommitLog(whole.subarray(0, cut)).records.map((r) => r.version)).toEqual([3])
    }
    // Zeros after the records (a log written ahead: node-file-system.ts) end it like a torn tail.
    expect(decodeCommitLog(concat([whole, new Uint8Array(4096)])).records.map((r) => r.version)).toEqual([
      3, 4,
    ])
    // A flipped byte in the second record's body fails its checksum.
    const damaged = whole.slice()
    damaged[a.length + 12] = (damaged[a.length + 12] ?? 0) ^ 0xff
    expect(decodeCommitLog(damaged).records.map((r) => r.version)).toEqual([3])
  })
})

describe('commits through the commit log', () => {
  const tmp = useTempDir('pf-commit-wal-')

  async function made(fs = new FaultyFileSystem(nodeFileSystem, { log: true })) {
    const root = join(tmp.dir, 'users')
    const table = await createTable(root, { entity: userEntity, enums: userEnums, fs })
    await table.append(users([0]))
    return { root, table, fs }
  }

  it('flush no file on a commit: one append of the log, flushed', async () => {
    const { fs, table } = await made()
    fs.calls.length = 0
    await table.append(users([1]))
    const flushes = fs.calls.filter((c) => c.startsWith('fsyncFile') || c.startsWith('fsyncDir'))
    expect(flushes).toEqual([])
    expect(fs.calls.filter((c) => c.endsWith('#append'))).toHaveLength(1)
    expect(await ids(table)).toEqual([0, 1])
  })

  it('acknowledge concurrent commits each once its record is durable, records in version order', async () => {
    const { fs, appended } = recordingAppends()
    const { table } = await made(new FaultyFileSystem(fs, { log: true }))
    await Promise.all(Array.from({ length: 20 }, (_, i) => table.append(users([100 + i]))))
    expect((await ids(table)).length).toBe(21)
    // Every append as made, whatever log it went to (an idle second on a loaded machine rotates and deletes a log).
    const records = decodeCommitLog(concat(appended)).records
    // A version is linked only once the one below it is durable: one record per version, in order.
    expect(records.map((r) => r.version)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1))
  })

  it('flush a version another writer committed before committing on top of it', async () => {
    const { root, table } = await made()
    // Another writer of this process (its own commit log): versions it commits are foreign to `table`'s.
    const other = new FaultyFileSystem(nodeFileSystem, { log: true })
    const second = await openTable(root, { fs: other })
    await table.append(users([1])) // version 2, table's own
    other.calls.length = 0
    await second.append(users([2])) // version 3: version 2 is foreign to `second`, flushed first
    const entry2 = join(root, '_delta_log', logFileName(2))
    expect(other.calls).toContain(`fsyncFile ${entry2}`)
    other.calls.length = 0
    await second.append(users([3])) // version 4 on its own version 3: nothing flushed
    expect(other.calls.filter((c) => c.startsWith('fsyncFile'))).toEqual([])
    expect(await ids(second)).toEqual([0, 1, 2, 3])
  })

  it('wait, before committing on top of a version, for the writer of this process that linked it, never for one that lost the race for it', async () => {
    const { fs, root } = await made()
    const [first, second, third] = (await Promise.all([0, 1, 2].map(() => openTable(root, { fs })))) as [
      Table,
      Table,
      Table,
    ]
    const signal = () => {
      let fire: () => void = () => undefined
      const fired = new Promise<void>((resolve) => {
        fire = resolve
      })
      return { fire, fired }
    }
    const bothPlanned = signal()
    const linked = signal()
    const loserHeld = signal()
    const recordHeld = signal()
    const entry2 = new RegExp(`${logFileName(2)}$`)
    // Both writers plan version 2; the first to create its entry links it once the other is about to create it too;
    // the other is held before its create (as a commit waits behind the commit turn another commit holds).
    fs.inject({ op: 'createExclusive', path: entry2, before: () => bothPlanned.fired, after: linked.fire })
    fs.inject({
      op: 'createExclusive',
      path: entry2,
      before: () => {
        bothPlanned.fire()
        return loserHeld.fired
      },
    })
    // The winner's record is not durable yet when the third writer plans on version 2.
    fs.inject({ op: 'openLog', path: /#append$/, before: () => recordHeld.fired })
    const racing = [first.append(users([1])), second.append(users([2]))]
    await linked.fired
    const onTop = third.append(users([3]))
    recordHeld.fire()
    // Waiting for the loser (held until the commit on top is done) would never end.
    expect((await onTop).version).toBe(3)
    loserHeld.fire()
    await Promise.all(racing)
    expect(await ids(third)).toEqual([0, 1, 2, 3])
  })

  it('flush what the commit wrote when the log cannot be appended to, and still commit', async () => {
    const { fs, table, root } = await made()
    fs.inject({ op: 'openLog', path: /#append$/, code: 'EIO' })
    fs.calls.length = 0
    await table.append(users([1]))
    const entry = join(root, '_delta_log', logFileName(2))
    expect(fs.calls).toContain(`fsyncFile ${entry}`)
    expect(fs.calls).toContain(`fsyncFile ${join(root, addedBy(await readFile(entry, 'utf8')))}`)
    // The next commit starts a new log and goes through it again.
    fs.calls.length = 0
    await table.append(users([2]))
    expect(fs.calls.filter((c) => c.endsWith('#append')).length).toBeGreaterThan(0)
    expect(fs.calls.filter((c) => c.startsWith('fsyncFile'))).toEqual([])
    expect(await ids(table)).toEqual([0, 1, 2])
  })

  it('log a table made again at the path of a deleted one in a log of its own folder', async () => {
    const root = join(tmp.dir, 'users')
    const first = await createTable(root, { entity: userEntity, enums: userEnums })
    await first.append(users([0]))
    await first.append(users([1]))
    await rm(root, { recursive: true })
    const second = await createTable(root, { entity: userEntity, enums: userEnums })
    await second.append(users([7]))
    // The record of the new table's version 1 is in a log in its folder (not appended to the deleted table's log).
    const logs = await walFiles(root)
    expect(logs).toHaveLength(1)
    const records = decodeCommitLog(await readFile(join(root, WAL_DIR, logs[0] as string))).records
    expect(records.map((r) => r.version)).toEqual([1])
    expect(await ids(await openTable(root))).toEqual([7])
  })

  it('rotate a log: its files and their folders flushed, then the log deleted', async () => {
    const { fs, table, root } = await made()
    await table.append(users([1]))
    await table.append(users([2]))
    expect(await walFiles(root)).toHaveLength(1)
    fs.calls.length = 0
    const identity = (await nodeFileSystem.stat(join(root, '_delta_log', logFileName(0)))).identity ?? ''
    await commitLogOf(fs, root, identity)?.retireNow()
    expect(await walFiles(root)).toEqual([])
    for (const v of [2, 3])
      expect(fs.calls).toContain(`fsyncFile ${join(root, '_delta_log', logFileName(v))}`)
    expect(fs.calls).toContain(`fsyncDir ${join(root, '_delta_log')}`)
    expect(fs.calls).toContain(`fsyncDir ${root}`)
  })
})

describe('recovery from the commit logs of writers that no longer run', () => {
  const tmp = useTempDir('pf-commit-wal-recovery-')

  /** A table with commits through the log, copied (log and all) as a crash would leave it, plus the copy's root. */
  async function crashed(ids: number[][]) {
    const root = join(tmp.dir, 'users')
    const fs = new FaultyFileSystem(nodeFileSystem, { log: true })
    const table = await createTable(root, { entity: userEntity, enums: userEnums, fs })
    for (const batch of ids) await table.append(users(batch))
    await table.settled()
    const copy = join(tmp.dir, 'after-crash')
    await cp(root, copy, { recursive: true })
    // This process wrote the copy's log, but does not write it: its writer is gone. Dated before this host booted,
    // as a log is after a power loss.
    const logs = await walFiles(copy)
    expect(logs).toHaveLength(1)
    const before = new Date(bootTimeMs() - 60_000)
    await utimes(join(copy, WAL_DIR, logs[0] as string), before, before)
    return copy
  }

  it('restore an entry and a data file the crash left empty or lost, then delete the log', async () => {
    const copy = await crashed([[0], [1], [2]])
    const entry = join(copy, '_delta_log', logFileName(3))
    const added = addedBy(await readFile(entry, 'utf8'))
    await truncate(entry, 0) // name flushed, bytes not
    await writeFile(join(copy, added), new Uint8Array(0))
    const entry2 = join(copy, '_delta_log', logFileName(2))
    const text2 = await readFile(entry2)
    await writeFile(entry2, text2.subarray(0, 10)) // torn
    const reopened = await openTable(copy)
    expect(await ids(reopened)).toEqual([0, 1, 2])
    expect(await walFiles(copy)).toEqual([])
    expect((await stat(entry)).size).toBeGreaterThan(0)
  })

  it('restore an entry whose name the crash lost', async () => {
    const copy = await crashed([[0], [1]])
    await unlink(join(copy, '_delta_log', logFileName(2)))
    expect(await ids(await openTable(copy))).toEqual([0, 1])
  })

  it('refuse, naming the version and the log, an entry another writer wrote over an acknowledged one', async () => {
    const copy = await crashed([[0], [1]])
    const entry = join(copy, '_delta_log', logFileName(2))
    const text = await readFile(entry, 'utf8')
    await writeFile(entry, text.replace('"operation":"APPEND"', '"operation":"WRITE!"'))
    const error = await openTable(copy).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TableCorruptError)
    expect((error as TableCorruptError).version).toBe(2)
    expect(String(error)).toMatch(/wal.*\.log/)
    // Nothing deleted: the log is kept for whoever resolves it.
    expect(await walFiles(copy)).toHaveLength(1)
  })

  it('only flush, and then delete, the log of a writer that crashed without a power loss (nothing compared)', async () => {
    const copy = await crashed([[0], [1]])
    const [name] = await walFiles(copy)
    const now = new Date()
    await utimes(join(copy, WAL_DIR, name as string), now, now)
    // An entry changed on purpose after the crash (the page cache kept every write, so the log restores nothing).
    const entry = join(copy, '_delta_log', logFileName(2))
    await writeFile(
      entry,
      (await readFile(entry, 'utf8')).replace('"operation":"APPEND"', '"operation":"WRITE!"'),
    )
    const fs = new FaultyFileSystem()
    expect(await ids(await openTable(copy, { fs }))).toEqual([0, 1])
    expect(fs.calls).toContain(`fsyncFile ${entry}`)
    expect(fs.calls.filter((c) => c.startsWith('writeFile') || c.startsWith('createExclusive'))).toEqual([])
    expect(await walFiles(copy)).toEqual([])
  })

  it('fail with a typed error naming the log folder when a log cannot be read, and keep it', async () => {
    const copy = await crashed([[0], [1]])
    const fs = new FaultyFileSystem().inject({ op: 'readFile', path: /_pf\/wal\/.*\.log$/, code: 'EIO' })
    const error = await openTable(copy, { fs }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TableReadError)
    expect(String(error)).toContain(join(copy, WAL_DIR))
    expect(await walFiles(copy)).toHaveLength(1)
    // Once the log reads, the table opens with every row.
    expect(await ids(await openTable(copy))).toEqual([0, 1])
  })

  it('refuse a record naming a file outside the table, or anything but its own entry as its entry', async () => {
    const entry1 = `_delta_log/${logFileName(1)}`
    const cases = [
      { files: [{ path: '../escaped.json', bytes: bytes('x') }], says: 'outside the table' },
      {
        files: [{ path: `_delta_log/${logFileName(2)}`, bytes: bytes('x') }],
        says: `only ${entry1} belongs`,
      },
      {
        files: [
          { path: entry1, bytes: bytes('{}') },
          { path: '../escaped.parquet', bytes: bytes('x') },
        ],
        says: 'a data file outside the table',
      },
    ]
    for (const [i, { files, says }] of cases.entries()) {
      const root = join(tmp.dir, `outside-${i}`)
      await createTable(root, { entity: userEntity, enums: userEnums })
      const dir = join(root, WAL_DIR)
      await mkdir(dir, { recursive: true })
      await writeFile(join(dir, 'gone-0.log'), encodeCommitRecord({ version: 1, files }))
      const error = await openTable(root).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(TableCorruptError)
      expect(String(error)).toContain(says)
      expect(String(error)).toContain('gone-0.log')
      expect(await readdir(tmp.dir)).not.toContain('escaped.json')
      expect(await readdir(tmp.dir)).not.toContain('escaped.parquet')
      // Nothing written: the log is kept, version 1 not made.
      expect(await readdir(dir)).toEqual(['gone-0.log'])
      expect(await readdir(join(root, '_delta_log'))).not.toContain(logFileName(1))
    }
  })

  it('leave alone the log of a writer that still runs', async () => {
    const copy = await crashed([[0], [1]])
    const [name] = await walFiles(copy)
    const path = join(copy, WAL_DIR, name as string)
    const data = await readFile(path)
    // The same log, but its header names the parent process (running, with its real start time).
    const self = await currentProcess()
    const start = await startTime(process.ppid)
    expect(start).toBeDefined()
    const parent = { ...self, pid: process.ppid, start: start as string }
    const { records } = decodeCommitLog(data)
    expect(records.length).toBe(2)
    const header = encodeCommitLogHeader(parent)
    // Longer than what recovery reads first: only its header is read.
    const padding = encodeCommitRecord({
      version: 3,
      files: [{ path: 'x', bytes: new Uint8Array(64 << 10) }],
    })
    await writeFile(path, concat([header, ...records.map((r) => encodeCommitRecord(r)), padding]))
    await truncate(join(copy, '_delta_log', logFileName(2)), 0)
    const { fs, read } = recordingReads()
    await recoverCommitLogs(fs, copy, 'users')
    expect(read.get(path)).toBeLessThanOrEqual(4096)
    expect(await walFiles(copy)).toHaveLength(1)
    expect((await stat(join(copy, '_delta_log', logFileName(2)))).size).toBe(0)
  })
})
