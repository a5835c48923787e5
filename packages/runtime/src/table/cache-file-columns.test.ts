import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { idsOf, userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { useUsersTablePath } from './__fixtures__/users-table-setup.js'
import { CacheFileColumns } from './cache-file-columns.js'
import { decodeCheckpointCache, encodeCheckpointCache } from './checkpoint-cache-file.js'
import { createTable, openTable } from './table.js'
import type { CheckpointFile, ColumnarCheckpointData } from './table-state.js'

const ws = useUsersTablePath()
const cacheFile = () => join(ws.path, '_pf', 'checkpoints', '00000000000000000003.checkpoint.json')
const fail = (detail: string) => new Error(`invalid: ${detail}`)

/** Users 0,1 / 10,11 / 20,21 in three files, cached at version 3. */
beforeEach(async () => {
  const table = await createTable(ws.path, { entity: userEntity, enums: userEnums })
  for (const base of [0, 10, 20]) await table.append(users([base, base + 1]))
  expect(await table.checkpoint()).toBe(3)
  await table.settled()
})

afterEach(() => {
  vi.restoreAllMocks()
})

async function cached(): Promise<ColumnarCheckpointData> {
  const read = decodeCheckpointCache(await readFile(cacheFile()), 3, fail)
  if (read.kind !== 'checked') throw new Error(`not a checked cache: ${read.kind}`)
  return read.data
}

/** A body and header as the cache writes them, of `layout`. */
function withHeader(layout: string, tableId: string, body: Buffer, version = 3): Buffer {
  const crc = crc32(body).toString(16).padStart(8, '0')
  const header = { layout, version, tableId, length: body.byteLength, crc32: crc }
  return Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), body])
}

describe("the cache file's live files (built on use)", () => {
  it('paths of any bytes (UTF-8, a newline) and every field of a file come back as written', async () => {
    const data = await cached()
    const template = data.files.fileAt(0)
    const paths = ['city=Zürich/part-1.parquet', 'two\nlines.parquet', 'part-3.parquet']
    const files: CheckpointFile[] = paths.map((path, i) => ({
      add: {
        ...template.add,
        path,
        size: 100 + i,
        partitionValues: i === 0 ? { city: 'Zürich' } : {},
        ...(i === 1 ? { checksum: 'sha256:abc', modificationTime: 1_700_000_000_123 } : {}),
        ...(i === 2
          ? {
              deletionVector: {
                storageType: 'u',
                pathOrInlineDv: 'ab^-aqEH.-t@S}K{vb[*k^',
                offset: 1,
                sizeInBytes: 36,
                cardinality: 1,
              },
            }
          : {}),
      },
      version: i + 1,
      deleted: i === 2 ? ['k1'] : [],
      deletedRows: i === 2 ? 1 : 0,
    }))
    const bytes = encodeCheckpointCache({ ...data, files })
    const read = decodeCheckpointCache(bytes, 3, fail)
    if (read.kind !== 'checked') throw new Error(read.kind)
    const columns = read.data.files
    expect(columns.size).toBe(3)
    expect(columns.rows).toBe(2 + 2 + 1)
    expect(Array.from({ length: 3 }, (_, i) => columns.pathAt(i))).toEqual(paths)
    for (let i = 0; i < 3; i++) {
      const f = columns.fileAt(i)
      const w = files[i] as CheckpointFile
      expect(f.add.path).toBe(w.add.path)
      expect(f.add.size).toBe(w.add.size)
      expect(f.add.partitionValues).toEqual(w.add.partitionValues)
      expect(f.add.checksum).toBe(w.add.checksum)
      expect(f.add.modificationTime).toBe(w.add.modificationTime)
      expect(f.add.deletionVector).toEqual(w.add.deletionVector)
      expect(f.add.stats.numRows).toBe(template.add.stats.numRows)
      expect(f.add.stats.columns).toEqual(template.add.stats.columns)
      expect(f.version).toBe(w.version)
      expect([...f.deleted]).toEqual(w.deleted)
      expect(f.deletedRows).toBe(w.deletedRows)
      expect(columns.fileAt(i), 'the same object each time').toBe(f)
    }
  })

  it('lines of other lengths than the columns say are a corrupt cache when first used, never other paths', async () => {
    const bytes = await readFile(cacheFile())
    const body = bytes.subarray(bytes.indexOf(10) + 1)
    const json = body.indexOf(10)
    const parsed = JSON.parse(body.toString('utf8', 0, json)) as { files: { pathBytes: number[] } }
    parsed.files.pathBytes[0] = (parsed.files.pathBytes[0] as number) + 1
    const edited = Buffer.concat([Buffer.from(JSON.stringify(parsed)), body.subarray(json)])
    const read = decodeCheckpointCache(
      withHeader('pf-checkpoint-cache/4', (await cached()).metadata.id, edited),
      3,
      fail,
    )
    if (read.kind !== 'checked') throw new Error(read.kind)
    expect(() => read.data.files.pathAt(0)).toThrow(/invalid: the statistics line of file 0 does not start/)
    expect(() => read.data.files.fileAt(2)).toThrow(/invalid:/)
  })

  it('a cache of the layout before (paths in a column) is still opened from, with the same rows', async () => {
    const data = await cached()
    const n = data.files.size
    const files = Array.from({ length: n }, (_, i) => data.files.fileAt(i))
    const bytes = await readFile(cacheFile())
    const body = bytes.subarray(bytes.indexOf(10) + 1)
    const json = body.indexOf(10)
    const parsed = JSON.parse(body.toString('utf8', 0, json)) as {
      rows?: number
      files: { pathBytes?: number[]; path?: string[]; keyMin?: unknown[]; keyMax?: unknown[] }
    }
    delete parsed.rows
    delete parsed.files.pathBytes
    delete parsed.files.keyMin
    delete parsed.files.keyMax
    parsed.files.path = files.map((f) => f.add.path)
    const lines = files.map((f) => `\n${JSON.stringify(f.add.stats.columns)}`)
    const statsBytes = lines.map((l) => Buffer.byteLength(l) - 1)
    const older = Buffer.from(
      JSON.stringify({ ...parsed, files: { ...parsed.files, statsBytes } }) + lines.join(''),
    )
    await writeFile(cacheFile(), withHeader('pf-checkpoint-cache/2', data.metadata.id, older))
    const fileAt = vi.spyOn(CacheFileColumns.prototype, 'fileAt')
    const opened = await openTable(ws.path)
    expect(await opened.count()).toBe(6)
    expect(idsOf(await opened.read())).toEqual([0, 1, 10, 11, 20, 21])
    expect(fileAt, 'read from the cache, not rebuilt from the log').toHaveBeenCalled()
    expect(idsOf(await opened.read({ where: [{ column: 'id', op: '>=', value: 11 }] }))).toEqual([11, 20, 21])
    // The same body labelled as the current layout is refused (a cache miss), not misread.
    const mislabelled = withHeader('pf-checkpoint-cache/4', data.metadata.id, older)
    expect(decodeCheckpointCache(mislabelled, 3, fail)).toMatchObject({ kind: 'refused' })
    await writeFile(cacheFile(), mislabelled)
    expect(idsOf(await (await openTable(ws.path)).read())).toEqual([0, 1, 10, 11, 20, 21])
  })

  it("a find by key builds only the files whose cached key range may hold it: no file's statistics are parsed", async () => {
    const fileAt = vi.spyOn(CacheFileColumns.prototype, 'fileAt')
    const snapshot = await (await openTable(ws.path)).snapshot()
    const parse = vi.spyOn(JSON, 'parse')
    const found = await snapshot.findRow(11)
    expect(found?.df.slice(found.row, 1).getColumn('id').get(0)).toBe(11)
    expect(new Set(fileAt.mock.calls.map(([i]) => i))).toEqual(new Set([1]))
    // Nor the candidate's: its key range came from the columns.
    const statsParsed = parse.mock.calls.filter(([text]) => String(text).includes('"nullCount"'))
    parse.mockRestore()
    expect(statsParsed).toEqual([])
    fileAt.mockClear()
    expect(await snapshot.findRow(15)).toBeNull()
    expect(await snapshot.findRow(-1)).toBeNull()
    expect(fileAt.mock.calls.map(([i]) => i).filter((i) => i !== 1)).toEqual([])
  })

  it('a cache of layout 3 (no key range columns) is still opened from; a find by key then builds every file', async () => {
    const data = await cached()
    // Every cache file of the table (its checkpoint's and its cached state's) rewritten as layout 3 wrote it.
    let older = Buffer.alloc(0)
    const folder = join(ws.path, '_pf', 'checkpoints')
    for (const name of (await readdir(folder)).filter((n) =>
      /^\d{20}\.(checkpoint|snapshot)\.json$/.test(n),
    )) {
      const bytes = await readFile(join(folder, name))
      const body = bytes.subarray(bytes.indexOf(10) + 1)
      const json = body.indexOf(10)
      const parsed = JSON.parse(body.toString('utf8', 0, json)) as {
        files: { keyMin?: unknown[]; keyMax?: unknown[] }
      }
      expect(parsed.files.keyMin).toEqual(['0', '10', '20'])
      expect(parsed.files.keyMax).toEqual(['1', '11', '21'])
      delete parsed.files.keyMin
      delete parsed.files.keyMax
      older = Buffer.concat([Buffer.from(JSON.stringify(parsed)), body.subarray(json)])
      await writeFile(
        join(folder, name),
        withHeader('pf-checkpoint-cache/3', data.metadata.id, older, Number(name.slice(0, 20))),
      )
    }
    const fileAt = vi.spyOn(CacheFileColumns.prototype, 'fileAt')
    const opened = await openTable(ws.path)
    const found = await (await opened.snapshot()).findRow(20)
    expect(found?.df.slice(found.row, 1).getColumn('id').get(0)).toBe(20)
    expect(new Set(fileAt.mock.calls.map(([i]) => i))).toEqual(new Set([0, 1, 2]))
    expect(idsOf(await opened.read())).toEqual([0, 1, 10, 11, 20, 21])
    // The same body labelled as the current layout is refused (a cache miss), not misread.
    expect(
      decodeCheckpointCache(withHeader('pf-checkpoint-cache/4', data.metadata.id, older), 3, fail),
    ).toMatchObject({ kind: 'refused' })
  })
})
