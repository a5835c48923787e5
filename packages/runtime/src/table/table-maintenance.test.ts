import { randomUUID } from 'node:crypto'
import {
  lstat,
  lutimes,
  mkdir,
  readdir,
  readFile,
  rename,
  rm,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
import { readCachedCheckpoint } from './__fixtures__/cached-checkpoint.js'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { idsOf, range, userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { FaultyFileSystem } from './faulty-file-system.js'
import { polarsSchemaForEntity } from './polars-schema.js'
import { createTable, openTable } from './table.js'

const tmp = useTempDir('pf-table-maintenance-')

const HOUR = 3_600_000

/** Sets the modification time of files of a table `ms` into the past. */
async function ageFiles(root: string, files: readonly string[], ms: number): Promise<void> {
  const old = new Date(Date.now() - ms)
  for (const f of files) await utimes(join(root, f), old, old)
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  )
}

describe('polarsSchemaForEntity', () => {
  it('maps the IR to polars dtypes', () => {
    const schema = polarsSchemaForEntity(userEntity, userEnums)
    expect(Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, String(v)]))).toEqual({
      id: 'DataType(Int64)',
      name: 'DataType(Utf8)',
      age: 'DataType(Int64)',
      role: 'DataType(Utf8)',
      score: 'DataType(Float64)',
      tags: 'DataType(List(DataType(Utf8)))',
      createdAt: 'DataType(Datetime(us,UTC))',
    })
  })
})

describe('table maintenance', () => {
  it('checkpoints: opening reads the checkpoint and only the newer entries', async () => {
    const path = join(tmp.dir, 't')
    const table = await createTable(path, { entity: userEntity, enums: userEnums, checkpointInterval: 5 })
    // Each checkpoint is written in the background: settled before the next commit, none is skipped as running.
    for (const i of range(0, 12)) {
      await table.append(users([i]))
      await table.settled()
    }
    const names = await readdir(join(path, '_pf', 'checkpoints'))
    expect(names).toContain('00000000000000000010.checkpoint.json')
    expect(names).toContain('_last_checkpoint')
    const fs = new FaultyFileSystem()
    const opened = await openTable(path, { fs })
    expect(opened.version).toBe(12)
    const entriesRead = fs.calls.filter((c) => /readFile .*\d{20}\.json$/.test(c)).map((c) => c.slice(-9, -5))
    // Besides newer entries: version 0 (whose table the checkpoint must be) and 10 (the totals it must match).
    expect(entriesRead.every((v) => Number(v) >= 10 || Number(v) === 0)).toBe(true)
    expect(idsOf(await opened.read())).toEqual(range(0, 12))
    expect(idsOf(await (await opened.at(7)).read())).toEqual(range(0, 7))
  })

  it('checkpoints keep file statistics exactly (parsed on use); checkpoints with inline statistics still open', async () => {
    const path = join(tmp.dir, 't')
    const table = await createTable(path, { entity: userEntity, enums: userEnums, checkpointInterval: 0 })
    for (const i of range(0, 3)) await table.append(users([i * 10, i * 10 + 5]))
    await table.deleteKeys([5])
    const statsOf = async (t: Awaited<ReturnType<typeof openTable>>) =>
      (await t.snapshot()).files.map((f) => ({
        path: f.add.path,
        stats: { numRows: f.add.stats.numRows, columns: f.add.stats.columns },
        deleted: [...f.deleted],
      }))
    const original = await statsOf(table)
    // The delete re-added the file of 0 and 5 (now last) with a deletion vector: its statistics are the file's.
    expect(original.at(-1)?.stats.columns.id).toMatchObject({ min: '0', max: '5', nullCount: 0 })
    await table.checkpoint()
    const reopened = await openTable(path)
    // A checkpoint written from statistics nobody has looked at yet keeps them as they were.
    await reopened.checkpoint()
    const again = await openTable(path)
    expect(await statsOf(again)).toEqual(original)
    expect(idsOf(await again.read({ where: [{ column: 'id', op: '>=', value: 10 }] }))).toEqual([
      10, 15, 20, 25,
    ])
    // A checkpoint from before statistics were stored as text.
    const file = join(path, '_pf', 'checkpoints', '00000000000000000004.checkpoint.json')
    const data = (await readCachedCheckpoint(file)) as {
      files: { add: { stats: { numRows: number; columnsJson?: string; columns?: unknown } } }[]
    }
    for (const f of data.files)
      f.add.stats = { numRows: f.add.stats.numRows, columns: JSON.parse(f.add.stats.columnsJson ?? '') }
    await writeFile(file, JSON.stringify(data))
    expect(await statsOf(await openTable(path))).toEqual(original)
  })

  it('compacts automatically once enough small files pile up; a failed automatic compaction fails no write', async () => {
    const fs = new FaultyFileSystem()
    const path = join(tmp.dir, 't')
    const table = await createTable(path, {
      entity: userEntity,
      enums: userEnums,
      fs,
      autoCompact: { files: 5, fileRows: 3 },
    })
    for (const i of range(0, 4)) await table.append(users([i]))
    await table.append(users([100, 101, 102])) // not small: never merged
    expect((await table.snapshot()).files).toHaveLength(5)
    // The fifth small file triggers a compaction, which fails here (a data file cannot be read): the append stands.
    // A data file cannot be read (its first read checks its bytes against the checksum).
    fs.inject({ op: 'readFile', path: /part-.*\.parquet$/, code: 'EIO' })
    expect((await table.append(users([4]))).version).toBe(6)
    await table.settled()
    expect((await table.snapshot()).files).toHaveLength(6)
    // The next write compacts (in the background: settled waits for it): the five one-row files become one.
    await table.append(users([5]))
    await table.settled()
    const files = (await table.snapshot()).files
    expect(files.map((f) => f.add.stats.numRows).sort()).toEqual([3, 6])
    expect((await table.history()).map((h) => h.operation).slice(-2)).toEqual(['APPEND', 'COMPACT'])
    expect(idsOf(await (await openTable(path)).read())).toEqual([...range(0, 6), 100, 101, 102])
    // Turned off: files stay as written.
    const manual = await createTable(join(tmp.dir, 'manual'), {
      entity: userEntity,
      enums: userEnums,
      autoCompact: false,
    })
    for (const i of range(0, 260)) await manual.append(users([i]))
    expect((await manual.snapshot()).files).toHaveLength(260)
  })

  it('compacts small files and files with deleted rows into one commit, rows unchanged', async () => {
    const table = await createTable(join(tmp.dir, 't'), { entity: userEntity, enums: userEnums })
    for (const i of range(0, 6)) await table.append(users([i * 2, i * 2 + 1]))
    await table.deleteKeys([3])
    const result = await table.compact({ targetFileRows: 100 })
    expect(result.version).toBe(8)
    const snap = await table.snapshot()
    expect(snap.files).toHaveLength(1)
    expect(snap.files[0]?.deletedRows).toBe(0)
    expect(idsOf(await table.read())).toEqual(range(0, 12).filter((i) => i !== 3))
    expect((await table.history()).at(-1)).toMatchObject({
      operation: 'COMPACT',
      rowsAdded: 0,
      rowsRemoved: 0,
    })
  })

  it('vacuum removes files removed by commits older than the retention, and orphans once they are a day old', async () => {
    const path = join(tmp.dir, 't')
    const table = await createTable(path, { entity: userEntity, enums: userEnums })
    await table.append(users([1, 2]))
    await table.append(users([3]))
    const compacted = (await table.snapshot()).files.map((f) => f.add.path)
    await table.compact({ targetFileRows: 100 })
    const orphan = `part-${randomUUID()}.parquet`
    const crashed = `.part-${randomUUID()}.parquet.tmp`
    await writeFile(join(path, orphan), 'x')
    await writeFile(join(path, crashed), 'x')
    await writeFile(join(path, '_delta_log', '.00000000000000000009.json.abc.tmp'), 'x')
    expect((await table.vacuum()).deleted).toEqual([])
    // Orphans a minute old may be a running writer's files: kept even with retention 0. The files the compaction
    // removed are known dead: retention 0 deletes them.
    await ageFiles(path, [orphan, crashed], 60_000)
    expect((await table.vacuum({ retentionMs: 0 })).deleted).toEqual([...compacted].sort())
    await ageFiles(path, [orphan, crashed], 25 * HOUR)
    expect((await table.vacuum({ retentionMs: 0 })).deleted).toEqual([crashed, orphan].sort())
    // Offline (no writer running), the day of grace can be waived: the log folder's stale temp file goes now.
    expect((await table.vacuum({ retentionMs: 0, unreferencedMinAgeMs: 0 })).deleted).toEqual([
      '_delta_log/.00000000000000000009.json.abc.tmp',
    ])
    const left = (await readdir(path)).filter((n) => n !== '_delta_log' && n !== '_pf')
    expect(left).toEqual((await table.snapshot()).files.map((f) => f.add.path))
    expect((await readdir(join(path, '_delta_log'))).filter((n) => n.endsWith('.tmp'))).toEqual([])
    expect(idsOf(await table.read())).toEqual([1, 2, 3])
  })

  it('vacuum with retention 0 next to a running writer loses no acknowledged write', async () => {
    const path = join(tmp.dir, 't')
    await createTable(path, { entity: userEntity, enums: userEnums })
    const fs = new FaultyFileSystem()
    const writer = await openTable(path, { fs })
    const vacuumer = await openTable(path)
    const deleted: string[] = []
    const vacuumNow = async () => void deleted.push(...(await vacuumer.vacuum({ retentionMs: 0 })).deleted)
    // Between writing the data file and flushing it, and between the flush and the log entry.
    fs.inject({ op: 'fsyncFile', path: /part-[^/]*\.parquet$/, before: vacuumNow })
    fs.inject({ op: 'createExclusive', path: /_delta_log\/\d{20}\.json$/, before: vacuumNow })
    const result = await writer.append(users([1, 2, 3]))
    expect(result.version).toBe(1)
    expect(deleted).toEqual([])
    expect(idsOf(await (await openTable(path)).read())).toEqual([1, 2, 3])
    // Many writers and vacuums interleaved: every acknowledged row reads back.
    const writers = await Promise.all(range(0, 4).map(() => openTable(path)))
    const acked: number[] = [1, 2, 3]
    await Promise.all([
      ...writers.map(async (w, i) => {
        for (const j of range(0, 5)) {
          const id = 100 + i * 10 + j
          await w.append(users([id]))
          acked.push(id)
        }
      }),
      (async () => {
        for (const _ of range(0, 10)) await vacuumNow()
      })(),
    ])
    expect(idsOf(await (await openTable(path)).read())).toEqual(acked.sort((a, b) => a - b))
  })

  it('vacuum never deletes lock files, autoincrement marks or their temporary files, nor files it does not know', async () => {
    const path = join(tmp.dir, 't')
    const table = await createTable(path, { entity: userEntity, enums: userEnums })
    await table.append(users([1]))
    const foreign = [
      '_pf/unique.lock',
      '_pf/.unique.lock.0b4e7e5c.tmp',
      '_pf/autoincrement.json',
      '_pf/autoincrement.json.123.abc.tmp',
      'notes.txt',
      'part-notes.parquet',
      'part-00000-0a1b2c3d-1111-2222-3333-444455556666-c000.snappy.parquet',
    ]
    await mkdir(join(path, '_pf'), { recursive: true })
    for (const f of foreign) await writeFile(join(path, f), 'x')
    await ageFiles(path, foreign, 30 * 24 * HOUR)
    expect((await table.vacuum({ retentionMs: 0 })).deleted).toEqual([])
    for (const f of foreign) expect(await exists(join(path, f))).toBe(true)
  })

  it('vacuum deletes removed files inside partition folders; dryRun lists them and deletes nothing; a bad retention is refused', async () => {
    const path = join(tmp.dir, 't')
    const table = await createTable(path, { entity: userEntity, enums: userEnums, partitionBy: ['role'] })
    await table.append(users(range(0, 4)))
    const first = (await table.snapshot()).files.map((f) => f.add.path)
    await table.append(users(range(4, 8)))
    await table.compact({ targetFileRows: 100 })
    expect(first.every((p) => p.startsWith('role='))).toBe(true)
    const planned = await table.vacuum({ retentionMs: 0, dryRun: true })
    expect(planned.deleted).toEqual(expect.arrayContaining(first))
    for (const p of planned.deleted) expect(await exists(join(path, p))).toBe(true)
    expect((await table.vacuum({ retentionMs: 0 })).deleted).toEqual(planned.deleted)
    for (const p of planned.deleted) expect(await exists(join(path, p))).toBe(false)
    expect(idsOf(await (await openTable(path)).read())).toEqual(range(0, 8))
    for (const ms of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(table.vacuum({ retentionMs: ms })).rejects.toMatchObject({ code: 'PF_VACUUM_RETENTION' })
      await expect(table.vacuum({ unreferencedMinAgeMs: ms })).rejects.toThrow(/unreferencedMinAgeMs must be/)
    }
  })

  it('vacuum through a Table object whose folder was deleted and created again works on the new table', async () => {
    const path = join(tmp.dir, 't')
    const stale = await createTable(path, { entity: userEntity, enums: userEnums })
    await stale.append(users([1]))
    await stale.append(users([2]))
    await stale.compact({ targetFileRows: 100 })
    // Its background work (the state cached after its commits) done before the folder goes, as a script would.
    await stale.settled()
    await rm(path, { recursive: true })
    const fresh = await createTable(path, { entity: userEntity, enums: userEnums })
    await fresh.append(users([7]))
    await fresh.append(users([8]))
    const removed = (await fresh.snapshot()).files.map((f) => f.add.path)
    await fresh.compact({ targetFileRows: 100 })
    // Retention 0 deletes what was removed before the vacuum's clock reading (as Delta's VACUUM: strictly before);
    // a vacuum within the compaction's millisecond would keep its files (seen under a loaded suite).
    const compacted = Math.max(...(await fresh.history()).map((h) => h.timestamp.getTime()))
    while (Date.now() <= compacted) await sleep(1)
    expect((await stale.vacuum({ retentionMs: 0 })).deleted).toEqual([...removed].sort())
    expect(idsOf(await (await openTable(path)).read())).toEqual([7, 8])
  })

  it('vacuum never follows a symbolic link nor deletes one', async () => {
    const path = join(tmp.dir, 't')
    const table = await createTable(path, { entity: userEntity, enums: userEnums, partitionBy: ['role'] })
    await table.append(users(range(0, 4)))
    const elsewhere = join(tmp.dir, 'elsewhere')
    await mkdir(elsewhere)
    const outside = `part-${randomUUID()}.parquet`
    await writeFile(join(elsewhere, outside), 'not this table')
    // A partition folder, a data file and the log folder, each a link.
    await symlink(elsewhere, join(path, 'role=GUEST'))
    const linkedFile = `part-${randomUUID()}.parquet`
    await symlink(join(elsewhere, outside), join(path, linkedFile))
    await rename(join(path, '_delta_log'), join(elsewhere, 'log'))
    await symlink(join(elsewhere, 'log'), join(path, '_delta_log'))
    const old = new Date(Date.now() - 30 * 24 * HOUR)
    await utimes(join(elsewhere, outside), old, old)
    await utimes(elsewhere, old, old)
    for (const link of ['role=GUEST', linkedFile, '_delta_log']) await lutimes(join(path, link), old, old)
    expect((await table.vacuum()).deleted).toEqual([])
    expect((await table.vacuum({ retentionMs: 0 })).deleted).toEqual([])
    for (const link of ['role=GUEST', linkedFile, '_delta_log'])
      expect((await lstat(join(path, link))).isSymbolicLink()).toBe(true)
    expect(await readFile(join(elsewhere, outside), 'utf8')).toBe('not this table')
    expect(idsOf(await (await openTable(path)).read())).toEqual(range(0, 4))
  })

  it('vacuum never enters another table nested in its folder', async () => {
    const path = join(tmp.dir, 'users')
    const table = await createTable(path, { entity: userEntity, enums: userEnums })
    await table.append(users([1]))
    const nested = ['archive', 'role=ADMIN']
    for (const name of nested) {
      const other = await createTable(join(path, name), { entity: userEntity, enums: userEnums })
      await other.append(users([7, 8]))
      await other.append(users([9]))
      await other.compact({ targetFileRows: 100 })
    }
    expect((await table.vacuum({ retentionMs: 0 })).deleted).toEqual([])
    for (const name of nested) {
      const other = await openTable(join(path, name))
      expect(idsOf(await other.read())).toEqual([7, 8, 9])
      expect(idsOf(await (await other.at(2)).read())).toEqual([7, 8, 9])
    }
  })

  it('copy-on-write mode rewrites only the files holding the keys', async () => {
    const table = await createTable(join(tmp.dir, 't'), {
      entity: userEntity,
      enums: userEnums,
      updateMode: 'copy-on-write',
    })
    await table.append(users(range(0, 10)))
    await table.append(users(range(100, 110)))
    const before = (await table.snapshot()).files.map((f) => f.add.path)
    await table.upsert(users([105], 'new'))
    const after = (await table.snapshot()).files.map((f) => f.add.path)
    expect(after).toContain(before[0])
    expect(after).not.toContain(before[1])
    expect((await table.findByKey(105))?.getColumn('name').get(0)).toBe('new105')
    expect(await table.count()).toBe(20)
  })

  it('partitions into hive folders and prunes files by statistics', async () => {
    const path = join(tmp.dir, 't')
    const table = await createTable(path, { entity: userEntity, enums: userEnums, partitionBy: ['role'] })
    await table.append(users(range(0, 10)))
    // `_pf`: pf's private folder (its commit log, commit-wal.ts), ignored by Delta readers as every `_` name is.
    expect((await readdir(path)).sort()).toEqual(['_delta_log', '_pf', 'role=ADMIN', 'role=MEMBER'])
    await table.append(users(range(100, 110)))
    const snap = await table.snapshot()
    expect(snap.files).toHaveLength(4)
    const fs = new FaultyFileSystem()
    const watched = await openTable(path, { fs })
    const df = await watched.read({
      where: [
        { column: 'id', op: '>=', value: 105 },
        { column: 'role', op: '=', value: 'ADMIN' },
      ],
    })
    expect(idsOf(df)).toEqual([106, 108])
    // One data file checked (its size, or its bytes against the checksum) and read.
    const checked = fs.calls.filter((c) => /^(stat|readFile) /.test(c) && c.includes('part-'))
    expect(new Set(checked.map((c) => c.split(' ')[1])).size).toBe(1)
    const lazy = await watched.scan({ columns: ['id'], keys: [3, 104] })
    expect(idsOf(lazy.collectSync())).toEqual([3, 104])
  })

  it('the warm key index sees new versions', async () => {
    const table = await createTable(join(tmp.dir, 't'), { entity: userEntity, enums: userEnums })
    await table.append(users(range(0, 100)))
    for (let i = 0; i < 3; i++) expect((await table.findByKey(50))?.getColumn('name').get(0)).toBe('u50')
    const other = await openTable(table.path)
    await other.upsert(users([50], 'changed'))
    await other.deleteKeys([51])
    expect((await table.findByKey(50))?.getColumn('name').get(0)).toBe('changed50')
    expect(await table.findByKey(51)).toBeNull()
    expect(idsOf(await table.findByKeys([1, 51, 99, 1000]))).toEqual([1, 99])
  })

  it('deleteWhere with nulls keeps rows whose predicate is null', async () => {
    const table = await createTable(join(tmp.dir, 't'), { entity: userEntity, enums: userEnums })
    await table.append(users([1, 2, 3]).withColumns(pl.Series('score', [1.0, null, 3.0])))
    await table.deleteWhere(pl.col('score').gt(2))
    expect(idsOf(await table.read())).toEqual([1, 2])
  })
})
