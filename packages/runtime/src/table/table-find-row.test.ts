// find by primary key through key position indexes: saved for other processes, held warm, never a stale or wrong row.
import { readFile, writeFile } from 'node:fs/promises'
import { DuckDBInstance } from '@duckdb/node-api'
import pl from 'nodejs-polars'
import { beforeEach, describe, expect, it } from 'vitest'
import type { EntityIR } from '../schema/schema-ir.js'
import { everyTypeEntity, everyTypeEnums, everyTypeFrame } from './__fixtures__/every-type-rows.js'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { nickField, range, userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { useWorkerScript, WorkerProcess } from './__fixtures__/worker-process.js'
import type { FileSystem } from './file-system.js'
import { KeyIndexCache } from './key-index-cache.js'
import {
  decodeKeyPositionIndex,
  encodeKeyPositionIndex,
  KEY_INDEX_FORMAT_VERSION,
  keyIndexFilePath,
} from './key-position-file.js'
import { KeyPositionIndex } from './key-position-index.js'
import { NodeFileSystem, nodeFileSystem } from './node-file-system.js'
import { rangesForRow } from './parquet-range-checksums.js'
import { createTable, openTable, type Table } from './table.js'
import { TableCorruptError, TableReadError } from './table-errors.js'

const tmp = useTempDir('pf-table-find-row-')
/** Key index files read whole, bytes read by range, and files written, through the file-system seam. */
let indexReads: string[]
let indexRangeBytes: number
let indexWrites: string[]
/** Data files read whole, and bytes of data files read by range (and their spans), through the seam. */
let dataReads: string[]
let dataRangeBytes: number
let dataRanges: [start: number, end: number][]
/** Data files stat'ed through the seam. */
let dataStats: string[]

const realFs = new NodeFileSystem()
const countingFs: FileSystem = Object.assign(Object.create(nodeFileSystem) as FileSystem, {
  readFile: (path: string) => {
    if (path.includes('%40key')) indexReads.push(path)
    else if (path.includes('/part-')) dataReads.push(path)
    return nodeFileSystem.readFile(path)
  },
  readRange: async (path: string, offset: number, length: number) => {
    const bytes = await realFs.readRange(path, offset, length)
    if (path.includes('%40key')) indexRangeBytes += bytes.length
    else if (path.includes('/part-')) {
      dataRangeBytes += bytes.length
      dataRanges.push([offset, offset + bytes.length])
    }
    return bytes
  },
  stat: (path: string) => {
    if (path.includes('/part-')) dataStats.push(path)
    return nodeFileSystem.stat(path)
  },
  rename: (from: string, to: string) => {
    if (to.includes('%40key')) indexWrites.push(to)
    return nodeFileSystem.rename(from, to)
  },
})

/** A table object as a fresh process would have it: its own key index cache. */
const reopen = (path: string) => openTable(path, { fs: countingFs, keyIndex: new KeyIndexCache() })

/** The name stored for a key, or null. */
async function nameOf(table: Table, id: number | bigint): Promise<string | null> {
  const found = await (await table.snapshot()).findRow(id)
  if (!found) return null
  return found.df.slice(found.row, 1).getColumn('name').get(0) as string
}

beforeEach(async () => {
  indexReads = []
  indexRangeBytes = 0
  indexWrites = []
  dataReads = []
  dataRangeBytes = 0
  dataRanges = []
  dataStats = []
})

describe('find by key through key position indexes', () => {
  it("a large file's first lookup saves its key index; another process loads it instead of rebuilding", async () => {
    const path = `${tmp.dir}/users`
    const writer = await createTable(path, { entity: userEntity, enums: userEnums, fs: countingFs })
    await writer.upsert(users(range(0, 5000)))
    const [file] = (await writer.snapshot()).files
    expect(await nameOf(writer, 1234)).toBe('u1234')
    const indexPath = keyIndexFilePath(path, file?.add.path ?? '', ['id'])
    expect(indexWrites).toEqual([indexPath])
    const saved = decodeKeyPositionIndex(await readFile(indexPath), indexPath)
    expect(saved.identity).toMatchObject({ path: file?.add.path, rows: 5000 })

    indexReads = []
    indexWrites = []
    const reader = await reopen(path)
    expect(await nameOf(reader, 4321)).toBe('u4321')
    // One lookup reads the header, the key's directory slot and bucket: not the file (40 kB at 5,000 rows).
    expect(indexReads).toEqual([])
    expect(indexRangeBytes).toBeGreaterThan(0)
    expect(indexRangeBytes).toBeLessThan(4096 + 12 + 8 * 64)
    // Looked up again: the file is held in memory, with its index loaded whole.
    expect(await nameOf(reader, 0)).toBe('u0')
    expect(await nameOf(reader, 4999)).toBe('u4999')
    expect(await nameOf(reader, 5000)).toBeNull()
    expect(await nameOf(reader, -1)).toBeNull()
    expect(indexReads).toEqual([indexPath])
    expect(indexWrites).toEqual([])
  })

  it("a cold lookup checks only the blocks it reads (its pages, found from the key index's layout, not the footer; its row group where polars reads), and still refuses damaged ones", async () => {
    const path = `${tmp.dir}/users`
    // Id and name only: 600,000 rows make several row groups.
    const entity: EntityIR = { ...userEntity, fields: userEntity.fields.slice(0, 2) }
    const writer = await createTable(path, { entity, enums: userEnums })
    const rows = 600_000
    await writer.upsert(users(range(0, rows)).select('id', 'name'))
    const [file] = (await writer.snapshot()).files
    expect(await nameOf(writer, 1)).toBe('u1')
    const indexPath = keyIndexFilePath(path, file?.add.path ?? '', ['id'])
    const index = decodeKeyPositionIndex(await readFile(indexPath), indexPath)
    const { ranges, layout } = index
    if (!ranges) throw new Error('the key index holds no range checksums')
    expect(ranges.groups.length).toBeGreaterThanOrEqual(2)
    expect(layout?.groupRows).toEqual(ranges.groupRows)
    const groupBytes = (row: number) =>
      (rangesForRow(ranges, row) ?? []).reduce((sum, r) => sum + r.end - r.start, 0)
    // Where the blocks holding the tail (offset indexes, footer) start: the first group's pages end before.
    const tailBlock = Math.floor(ranges.tail.start / ranges.blockSize) * ranges.blockSize
    const tailReads = () => dataRanges.filter(([, end]) => end > tailBlock)

    // A fresh process reads the data file by ranges only, never whole: every Node decodes the table's zstd in JS,
    // so a few blocks (one page per column, located by the key index's layout: no footer, no offset index), not its
    // row group's for polars.
    dataRangeBytes = 0
    expect(await nameOf(await reopen(path), 4)).toBe('u4')
    expect(dataReads).toEqual([])
    expect(tailReads()).toEqual([])
    expect(dataRangeBytes).toBeLessThanOrEqual(4 * ranges.blockSize)
    expect(dataRangeBytes).toBeLessThan(groupBytes(4))
    expect(dataRangeBytes).toBeLessThan(file?.add.size ?? 0)
    // An index without the layout (as formats before 4 had): the same row, reading the footer and offset indexes.
    const { identity, columns, hashes, positions } = index
    const withoutLayout = new KeyPositionIndex(identity, columns, hashes, positions, ranges)
    await writeFile(indexPath, encodeKeyPositionIndex(withoutLayout))
    dataRanges = []
    expect(await nameOf(await reopen(path), 4)).toBe('u4')
    expect(tailReads().length).toBeGreaterThan(0)
    // A well-formed layout that is wrong (every group's chunks said to be the first group's): rows of the other
    // groups are never wrong (their reads fall outside their checked group, or their key does not match).
    const wrong = layout && { ...layout, groups: layout.groups.map(() => layout.groups[0]) }
    await writeFile(
      indexPath,
      encodeKeyPositionIndex(new KeyPositionIndex(identity, columns, hashes, positions, ranges, wrong)),
    )
    for (const id of [4, 250_000, rows - 1]) expect(await nameOf(await reopen(path), id)).toBe(`u${id}`)
    await writeFile(indexPath, encodeKeyPositionIndex(index))

    // One damaged byte in the last page of the last row group's id chunk (which holds the last row's id), the
    // file's size unchanged: DuckDB's reading of where that chunk ends.
    const dataPath = `${path}/${file?.add.path}`
    const duck = await (await DuckDBInstance.create(':memory:')).connect()
    const chunk = await duck.runAndReadAll(
      `select coalesce(dictionary_page_offset, data_page_offset) + total_compressed_size as chunk_end
       from parquet_metadata('${dataPath}') where path_in_schema = 'id' order by row_group_id desc limit 1`,
    )
    duck.closeSync()
    const at = Number(chunk.getRows()[0]?.[0]) - 1
    const bytes = await readFile(dataPath)
    bytes[at] = (bytes[at] as number) ^ 0xff
    await writeFile(dataPath, bytes)
    // The row of an intact group is still served; the row whose page is damaged is refused, naming the file.
    expect(await nameOf(await reopen(path), 4)).toBe('u4')
    const refused = nameOf(await reopen(path), rows - 1)
    await expect(refused).rejects.toBeInstanceOf(TableCorruptError)
    await expect(refused).rejects.toMatchObject({ code: 'PF_TABLE_CORRUPT', file: dataPath })
    await expect(refused).rejects.toThrow(/damaged bytes/)
    // A whole read checks every byte.
    await expect((await reopen(path)).read()).rejects.toMatchObject({ code: 'PF_TABLE_CORRUPT' })
  })

  it('a cold lookup decodes its row in JS where Node has the codec: the row polars reads, for every scalar type', async () => {
    const path = `${tmp.dir}/every`
    const writer = await createTable(path, { entity: everyTypeEntity, enums: everyTypeEnums, fs: countingFs })
    const rows = 20_000
    await writer.upsert(everyTypeFrame(rows))
    const [file] = (await writer.snapshot()).files
    // The key index is built from one read of the data file: its checksum, range checksums and point-read layout
    // from the same bytes (the lookups below locate their pages from it).
    dataReads = []
    dataRangeBytes = 0
    expect(await (await writer.snapshot()).findRow(0)).not.toBeNull()
    expect(dataReads).toEqual([`${path}/${file?.add.path}`])
    const indexPath = keyIndexFilePath(path, file?.add.path ?? '', ['id'])
    expect(decodeKeyPositionIndex(await readFile(indexPath), indexPath).layout?.leaves.length).toBe(
      everyTypeEntity.fields.length,
    )
    const all = await writer.read()
    for (const id of [1, 2, 4242, 13_107, rows - 2, rows - 1]) {
      dataReads = []
      dataRangeBytes = 0
      dataStats = []
      const found = await (await (await reopen(path)).snapshot()).findRow(id)
      if (!found) throw new Error(`no row ${id}`)
      expect(dataReads).toEqual([])
      // One identity check of the data file per lookup, however many blocks it reads (footer, indexes, pages).
      expect(dataStats).toEqual([`${path}/${file?.add.path}`])
      // Table files are zstd: every Node decodes the row in JS (node:zlib where it has zstd, else fzstd).
      expect(found.values).toBeDefined()
      const row = found.df.slice(found.row, 1)
      const expected = all.filter(pl.col('id').eq(id))
      expect(row.dtypes.map(String)).toEqual(expected.dtypes.map(String))
      expect(row.frameEqual(expected, true)).toBe(true)
      if (found.values) expect([...found.values]).toEqual(expected.row(0))
    }
  })

  it('a data file that cannot be read while its key index is built is a typed error naming it, not a lookup without one', async () => {
    const path = `${tmp.dir}/users`
    const writer = await createTable(path, { entity: userEntity, enums: userEnums })
    await writer.upsert(users(range(0, 5000)))
    const [file] = (await writer.snapshot()).files
    const failing: FileSystem = Object.assign(Object.create(nodeFileSystem) as FileSystem, {
      readFile: (p: string) =>
        p.includes('/part-')
          ? Promise.reject(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }))
          : nodeFileSystem.readFile(p),
    })
    const reader = await openTable(path, { fs: failing, keyIndex: new KeyIndexCache() })
    const lookup = (await reader.snapshot()).findRow(7)
    await expect(lookup).rejects.toBeInstanceOf(TableReadError)
    await expect(lookup).rejects.toMatchObject({ file: `${path}/${file?.add.path}` })
    expect(indexWrites).toEqual([])
  })

  it('a damaged index file is rebuilt; a well-formed but wrong one never yields a wrong or lost row', async () => {
    const path = `${tmp.dir}/users`
    const writer = await createTable(path, { entity: userEntity, enums: userEnums })
    await writer.upsert(users(range(0, 5000)))
    const [file] = (await writer.snapshot()).files
    expect(await nameOf(writer, 1)).toBe('u1')
    const indexPath = keyIndexFilePath(path, file?.add.path ?? '', ['id'])
    const good = decodeKeyPositionIndex(await readFile(indexPath), indexPath)

    await writeFile(indexPath, Buffer.from('not an index'))
    expect(await nameOf(await reopen(path), 2500)).toBe('u2500')
    expect(indexWrites).toEqual([indexPath])
    expect(decodeKeyPositionIndex(await readFile(indexPath), indexPath).identity).toEqual(good.identity)

    // Every hash pointing at the next row: each candidate holds another key, so the file itself is asked.
    const rotated = Uint32Array.from(good.positions, (p) => (p + 1) % 5000)
    await writeFile(
      indexPath,
      encodeKeyPositionIndex(new KeyPositionIndex(good.identity, ['id'], good.hashes, rotated)),
    )
    const misled = await reopen(path)
    for (const id of [0, 17, 4999]) expect(await nameOf(misled, id)).toBe(`u${id}`)
    // Looked up again: the file is held in memory with the same index; still the right rows.
    for (const id of [0, 17, 4999]) expect(await nameOf(misled, id)).toBe(`u${id}`)
  })

  it("a damaged byte in the index's point-read layout, or an index of the format before, is rebuilt; the row right", async () => {
    const path = `${tmp.dir}/users`
    // Flat columns (a list column leaves a file without a layout: its point reads go through polars).
    const entity: EntityIR = { ...userEntity, fields: userEntity.fields.filter((f) => f.name !== 'tags') }
    const writer = await createTable(path, { entity, enums: userEnums })
    await writer.upsert(users(range(0, 5000)))
    const [file] = (await writer.snapshot()).files
    expect(await nameOf(writer, 1)).toBe('u1')
    const indexPath = keyIndexFilePath(path, file?.add.path ?? '', ['id'])
    const good = decodeKeyPositionIndex(await readFile(indexPath), indexPath)
    expect(good.layout?.leaves.map((l) => l.name)).toEqual(entity.fields.map((f) => f.column))
    // The layout's sections end the file: a byte of the (one) row group's flipped.
    const bytes = await readFile(indexPath)
    bytes[bytes.length - 20] = (bytes[bytes.length - 20] as number) ^ 0x10
    await writeFile(indexPath, bytes)
    expect(() => decodeKeyPositionIndex(bytes, indexPath)).toThrow(/layout section 0 checksum mismatch/)
    indexWrites = []
    expect(await nameOf(await reopen(path), 4999)).toBe('u4999')
    expect(indexWrites).toEqual([indexPath])
    expect(decodeKeyPositionIndex(await readFile(indexPath), indexPath).layout).toEqual(good.layout)

    // An index file of the format before (the version is the u16 after the magic): rebuilt as well.
    const older = await readFile(indexPath)
    older.writeUInt16LE(KEY_INDEX_FORMAT_VERSION - 1, 4)
    await writeFile(indexPath, older)
    expect(() => decodeKeyPositionIndex(older, indexPath)).toThrow(
      `format version ${KEY_INDEX_FORMAT_VERSION - 1}, expected ${KEY_INDEX_FORMAT_VERSION}`,
    )
    indexWrites = []
    expect(await nameOf(await reopen(path), 77)).toBe('u77')
    expect(indexWrites).toEqual([indexPath])
    expect(decodeKeyPositionIndex(await readFile(indexPath), indexPath).layout).toEqual(good.layout)
  })

  it('a held file never serves a row a commit that finished before the lookup replaced or deleted', async () => {
    const path = `${tmp.dir}/users`
    const writer = await createTable(path, { entity: userEntity, enums: userEnums })
    await writer.upsert(users(range(0, 5000)))
    const reader = await reopen(path)
    for (let i = 0; i < 3; i++) expect(await nameOf(reader, 10)).toBe('u10')
    await writer.upsert(users([10], 'new'))
    expect(await nameOf(reader, 10)).toBe('new10')
    await writer.deleteKeys([11, 4000])
    expect(await nameOf(reader, 11)).toBeNull()
    expect(await nameOf(reader, 4000)).toBeNull()
    expect(await nameOf(reader, 12)).toBe('u12')
    await writer.insert(users([9000]))
    expect(await nameOf(reader, 9000)).toBe('u9000')
    // The writer's own lookups see the same, from its own held copy.
    for (let i = 0; i < 2; i++) {
      expect(await nameOf(writer, 11)).toBeNull()
      expect(await nameOf(writer, 10)).toBe('new10')
    }
    const rows = await (await reader.snapshot()).findByKeys([10, 11, 12, 4000, 9000])
    expect((rows.getColumn('name').toArray() as string[]).sort()).toEqual(['new10', 'u12', 'u9000'])
  })

  it('a held file is read through the newest schema after a rename that rewrote nothing', async () => {
    const table = await createTable(`${tmp.dir}/users`, { entity: userEntity, enums: userEnums })
    await table.upsert(users(range(0, 5000)))
    for (let i = 0; i < 3; i++) expect(await nameOf(table, 7)).toBe('u7')
    const renamed: EntityIR = {
      ...userEntity,
      fields: userEntity.fields.map((f) =>
        f.name === 'name' ? { ...f, name: 'fullName', column: 'fullName' } : f,
      ),
    }
    await table.evolveSchema(renamed, userEnums, { renames: { name: 'fullName' } })
    for (let i = 0; i < 2; i++) {
      const found = await (await table.snapshot()).findRow(7)
      expect(found?.df.slice(found.row, 1).toRecords()[0]).toMatchObject({ id: 7, fullName: 'u7' })
    }
  })

  it('a cold lookup reads its row through the newest schema: a renamed field, a field added since', async () => {
    const path = `${tmp.dir}/users`
    const table = await createTable(path, { entity: userEntity, enums: userEnums })
    await table.upsert(users(range(0, 5000)))
    expect(await nameOf(table, 7)).toBe('u7')
    const evolved: EntityIR = {
      ...userEntity,
      fields: [
        ...userEntity.fields.map((f) =>
          f.name === 'name' ? { ...f, name: 'fullName', column: 'fullName' } : f,
        ),
        nickField,
      ],
    }
    await table.evolveSchema(evolved, userEnums, { renames: { name: 'fullName' } })
    for (const id of [7, 4999]) {
      // A fresh process: the row is read by its position from the key index file, not from a held copy.
      const found = await (await (await reopen(path)).snapshot()).findRow(id)
      const row = found?.df.slice(found.row, 1)
      expect(row?.columns).toEqual(evolved.fields.map((f) => f.column))
      expect(row?.toRecords()[0]).toMatchObject({ id, fullName: `u${id}`, age: id % 90, nick: null })
    }
    expect(indexWrites).toEqual([])
  })

  it('BigInt keys beyond 2^53 in a held file are matched exactly', async () => {
    const entity: EntityIR = {
      ...userEntity,
      fields: userEntity.fields.map((f) =>
        f.name === 'id' ? { ...f, type: { kind: 'scalar', name: 'BigInt' } } : f,
      ),
    }
    const table = await createTable(`${tmp.dir}/big`, { entity, enums: userEnums })
    const base = 2n ** 60n
    const ids = range(0, 5000).map((i) => base + BigInt(i))
    await table.upsert(
      pl.DataFrame({
        id: pl.Series('id', ids.map(String), pl.Utf8).cast(pl.Int64),
        name: pl.Series(
          'name',
          range(0, 5000).map((i) => `b${i}`),
          pl.Utf8,
        ),
        role: pl.Series(
          'role',
          range(0, 5000).map(() => 'ADMIN'),
          pl.Utf8,
        ),
      }),
    )
    for (let round = 0; round < 3; round++) {
      for (const i of [0, 1, 2, 4097]) expect(await nameOf(table, base + BigInt(i))).toBe(`b${i}`)
      expect(await nameOf(table, base + 5000n)).toBeNull()
    }
  })
})

describe('find by key next to a writer process', () => {
  const worker = useWorkerScript()

  it('sees what another process committed before the lookup, in a held file and in new ones', async () => {
    const path = `${tmp.dir}/users`
    const writer = await createTable(path, { entity: userEntity, enums: userEnums })
    await writer.upsert(users(range(0, 5000)))
    const reader = await reopen(path)
    for (let i = 0; i < 3; i++) expect(await nameOf(reader, 5)).toBe('u5')
    const child = new WorkerProcess(worker.script, ['upsert', path, '7', '3'])
    expect(await child.exited).toBe(0)
    expect(child.failures()).toEqual([])
    const acks = child.acks<{ keys: number[]; name: string }>()
    expect(acks).toHaveLength(3)
    // Last writer wins: each key holds the name of the last commit that upserted it.
    const latest = new Map<number, string>()
    for (const { payload } of acks) for (const k of payload.keys) latest.set(k, `${payload.name}${k}`)
    for (const k of range(0, 20)) expect(await nameOf(reader, k)).toBe(latest.get(k) ?? `u${k}`)
  }, 60_000)
})
