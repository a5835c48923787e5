import { readdir, readFile, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import pl from 'nodejs-polars'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { idsOf, range, tempDir, userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { FaultyFileSystem } from './faulty-file-system.js'
import { polarsSchemaForEntity } from './polars-schema.js'
import { createTable, openTable } from './table.js'

let dir: string
let cleanup: () => Promise<void>

beforeEach(async () => {
  ;({ dir, cleanup } = await tempDir())
})
afterEach(() => cleanup())

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
    const path = join(dir, 't')
    const table = await createTable(path, { entity: userEntity, enums: userEnums, checkpointInterval: 5 })
    for (const i of range(0, 12)) await table.append(users([i]))
    const names = await readdir(join(path, '_pf_log'))
    expect(names).toContain('00000000000000000010.checkpoint.json')
    expect(names).toContain('_last_checkpoint')
    const fs = new FaultyFileSystem()
    const opened = await openTable(path, { fs })
    expect(opened.version).toBe(12)
    const entriesRead = fs.calls.filter((c) => /readFile .*\d{20}\.json$/.test(c)).map((c) => c.slice(-9, -5))
    expect(entriesRead.every((v) => Number(v) > 10)).toBe(true)
    expect(idsOf(await opened.read())).toEqual(range(0, 12))
    expect(idsOf(await (await opened.at(7)).read())).toEqual(range(0, 7))
  })

  it('checkpoints keep file statistics exactly (parsed on use); checkpoints with inline statistics still open', async () => {
    const path = join(dir, 't')
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
    expect(original[0]?.stats.columns.id).toMatchObject({ min: '0', max: '5', nullCount: 0 })
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
    const file = join(path, '_pf_log', '00000000000000000004.checkpoint.json')
    const data = JSON.parse(await readFile(file, 'utf8'))
    for (const f of data.files)
      f.add.stats = { numRows: f.add.stats.numRows, columns: JSON.parse(f.add.stats.columnsJson) }
    await writeFile(file, JSON.stringify(data))
    expect(await statsOf(await openTable(path))).toEqual(original)
  })

  it('compacts automatically once enough small files pile up; a failed automatic compaction fails no write', async () => {
    const fs = new FaultyFileSystem()
    const path = join(dir, 't')
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
    fs.inject({ op: 'stat', path: /part-.*\.parquet$/, code: 'EIO' })
    expect((await table.append(users([4]))).version).toBe(6)
    expect((await table.snapshot()).files).toHaveLength(6)
    // The next write compacts: the five one-row files become one.
    await table.append(users([5]))
    const files = (await table.snapshot()).files
    expect(files.map((f) => f.add.stats.numRows).sort()).toEqual([3, 6])
    expect((await table.history()).map((h) => h.operation).slice(-2)).toEqual(['APPEND', 'COMPACT'])
    expect(idsOf(await (await openTable(path)).read())).toEqual([...range(0, 6), 100, 101, 102])
    // Turned off: files stay as written.
    const manual = await createTable(join(dir, 'manual'), {
      entity: userEntity,
      enums: userEnums,
      autoCompact: false,
    })
    for (const i of range(0, 260)) await manual.append(users([i]))
    expect((await manual.snapshot()).files).toHaveLength(260)
  })

  it('compacts small files and files with deleted rows into one commit, rows unchanged', async () => {
    const table = await createTable(join(dir, 't'), { entity: userEntity, enums: userEnums })
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

  it('vacuum removes unreferenced files and orphans older than the retention, keeps live ones', async () => {
    const path = join(dir, 't')
    const table = await createTable(path, { entity: userEntity, enums: userEnums })
    await table.append(users([1, 2]))
    await table.append(users([3]))
    await table.compact({ targetFileRows: 100 })
    await writeFile(join(path, 'part-orphan.parquet'), 'x')
    await writeFile(join(path, '.part-crashed.parquet.tmp'), 'x')
    await writeFile(join(path, '_pf_log', '.00000000000000000009.json.abc.tmp'), 'x')
    expect((await table.vacuum()).deleted).toEqual([])
    const old = new Date(Date.now() - 60_000)
    for (const f of ['part-orphan.parquet', '.part-crashed.parquet.tmp'])
      await utimes(join(path, f), old, old)
    const { deleted } = await table.vacuum({ retentionMs: 30_000 })
    expect(deleted).toContain('part-orphan.parquet')
    expect(deleted).toContain('.part-crashed.parquet.tmp')
    await table.vacuum({ retentionMs: 0 })
    const left = (await readdir(path)).filter((n) => n !== '_pf_log')
    expect(left).toEqual((await table.snapshot()).files.map((f) => f.add.path))
    expect((await readdir(join(path, '_pf_log'))).filter((n) => n.endsWith('.tmp'))).toEqual([])
    expect(idsOf(await table.read())).toEqual([1, 2, 3])
  })

  it('copy-on-write mode rewrites only the files holding the keys', async () => {
    const table = await createTable(join(dir, 't'), {
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
    const path = join(dir, 't')
    const table = await createTable(path, { entity: userEntity, enums: userEnums, partitionBy: ['role'] })
    await table.append(users(range(0, 10)))
    expect((await readdir(path)).sort()).toEqual(['_pf_log', 'role=ADMIN', 'role=MEMBER'])
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
    expect(fs.calls.filter((c) => c.startsWith('stat ') && c.includes('part-'))).toHaveLength(1)
    const lazy = await watched.scan({ columns: ['id'], keys: [3, 104] })
    expect(idsOf(lazy.collectSync())).toEqual([3, 104])
  })

  it('the warm key index sees new versions', async () => {
    const table = await createTable(join(dir, 't'), { entity: userEntity, enums: userEnums })
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
    const table = await createTable(join(dir, 't'), { entity: userEntity, enums: userEnums })
    await table.append(users([1, 2, 3]).withColumns(pl.Series('score', [1.0, null, 3.0])))
    await table.deleteWhere(pl.col('score').gt(2))
    expect(idsOf(await table.read())).toEqual([1, 2])
  })
})
