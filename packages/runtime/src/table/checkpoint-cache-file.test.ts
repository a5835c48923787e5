import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { idsOf, userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { useUsersTablePath } from './__fixtures__/users-table-setup.js'
import { checkCheckpoint } from './log-entry-schema.js'
import { createTable, openTable } from './table.js'

// Counts the per-action validations of cached checkpoints an open runs (the real validator still runs).
vi.mock('./log-entry-schema.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('./log-entry-schema.js')>()
  return { ...original, checkCheckpoint: vi.fn(original.checkCheckpoint) }
})

const ws = useUsersTablePath()
/** pf's per-column statistics of one file as JSON text (Delta's `stats` start with numRecords instead). */
const COLUMN_STATS = /^\{"[^"]+":\{"nullCount"/
const cacheFile = () => join(ws.path, '_pf', 'checkpoints', '00000000000000000004.checkpoint.json')

/** Users 0,1 / 10,11 / 20,21 / 30,31 in four files (versions 1..4), cached at version 4. */
beforeEach(async () => {
  const table = await createTable(ws.path, { entity: userEntity, enums: userEnums })
  for (const base of [0, 10, 20, 30]) await table.append(users([base, base + 1]))
  expect(await table.checkpoint()).toBe(4)
  vi.mocked(checkCheckpoint).mockClear()
})

afterEach(() => {
  vi.restoreAllMocks()
})

/** Replaces `from` by `to` (same length) in the cache file's bytes: damage that keeps every shape valid. */
async function editCache(from: string, to: string): Promise<void> {
  expect(to).toHaveLength(from.length)
  const text = await readFile(cacheFile(), 'latin1')
  expect(text).toContain(from)
  await writeFile(cacheFile(), text.replace(from, to), 'latin1')
}

describe("pf's checkpoint cache file", () => {
  it('opens from its own checked bytes: no per-action validation, no statistics parsed until a query', async () => {
    const parse = vi.spyOn(JSON, 'parse')
    const statsParsed = () => parse.mock.calls.filter(([text]) => COLUMN_STATS.test(String(text))).length
    const opened = await openTable(ws.path)
    expect(opened.version).toBe(4)
    expect(await opened.count()).toBe(8)
    expect(checkCheckpoint).not.toHaveBeenCalled()
    expect(statsParsed()).toBe(0)
    expect(idsOf(await opened.read({ where: [{ column: 'id', op: '>=', value: 20 }] }))).toEqual([
      20, 21, 30, 31,
    ])
    expect(statsParsed()).toBeGreaterThan(0)
  })

  it('a cache whose statistics were damaged is ignored: the state is rebuilt from the log, no row is lost', async () => {
    await editCache('"min":"10","max":"11"', '"min":"12","max":"13"')
    const opened = await openTable(ws.path)
    expect(idsOf(await opened.read({ where: [{ column: 'id', op: '=', value: 10 }] }))).toEqual([10])
    expect(idsOf(await opened.read())).toEqual([0, 1, 10, 11, 20, 21, 30, 31])
  })

  it("a cache whose file list was damaged (a data file's checksum) is ignored: the rows read as written", async () => {
    const text = await readFile(cacheFile(), 'latin1')
    const checksums = /"checksum":\[(\d)/.exec(text)?.[0] as string
    const digit = checksums.at(-1) === '1' ? '2' : '1'
    await editCache(checksums, `${checksums.slice(0, -1)}${digit}`)
    expect(idsOf(await (await openTable(ws.path)).read())).toEqual([0, 1, 10, 11, 20, 21, 30, 31])
  })

  it('a cache file cut short, or with another version in its header, is ignored', async () => {
    const bytes = await readFile(cacheFile())
    await writeFile(cacheFile(), bytes.subarray(0, bytes.byteLength - 10))
    expect(idsOf(await (await openTable(ws.path)).read())).toEqual([0, 1, 10, 11, 20, 21, 30, 31])
    await writeFile(cacheFile(), bytes)
    await editCache('"version":4,"tableId"', '"version":3,"tableId"')
    expect(idsOf(await (await openTable(ws.path)).read())).toEqual([0, 1, 10, 11, 20, 21, 30, 31])
  })
})
