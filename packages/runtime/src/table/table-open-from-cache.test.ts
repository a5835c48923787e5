// An open from pf's state cache checks the cache against version 0's table id and its own version's totals without
// decoding those commits (decoding version 0's schema for its id alone cost a cold open ~2.5 ms); a cache that
// disagrees is still refused, and a commit whose anchor does not read is decoded as before (its damage named).
import { cp, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { commitPath } from './__fixtures__/delta-commit-file.js'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { idsOf, userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import type * as entryCodec from './delta-log-entry.js'
import { createTable, openTable } from './table.js'
import { TableCorruptError } from './table-errors.js'

/** Versions of the commits decoded (decodeLogEntry), in call order. */
const decoded: number[] = []
vi.mock('./delta-log-entry.js', async (original) => {
  const actual = await original<typeof entryCodec>()
  return {
    ...actual,
    decodeLogEntry: (...args: Parameters<typeof actual.decodeLogEntry>) => {
      decoded.push(args[1].version)
      return actual.decodeLogEntry(...args)
    },
  }
})

const tmp = useTempDir('pf-open-from-cache-')

/** A table of users `ids`, one commit each (versions 1..n), its state cached after the last. */
async function usersTable(path: string, ids: readonly number[]): Promise<void> {
  const table = await createTable(path, { entity: userEntity, enums: userEnums })
  for (const id of ids) await table.append(users([id]))
  await table.settled()
}

/** Opens the table in a new object: its ids, and the commits decoded by the open. */
async function openCounting(path: string): Promise<{ ids: number[]; decoded: number[] }> {
  decoded.length = 0
  const table = await openTable(path)
  const ids = idsOf(await (await table.snapshot()).read()).sort((a, b) => a - b)
  return { ids, decoded: [...decoded].sort((a, b) => a - b) }
}

describe('an open from the state cache', () => {
  it('decodes no commit when the cache is of the newest version (version 0 and its own commit read for their anchors)', async () => {
    const path = join(tmp.dir, 'users')
    await usersTable(path, [1, 2, 3])
    const opened = await openCounting(path)
    expect(opened.ids).toEqual([1, 2, 3])
    expect(opened.decoded).toEqual([])
  })

  it('refuses a cache whose commit records other totals, and replays the log instead', async () => {
    const path = join(tmp.dir, 'users')
    await usersTable(path, [1, 2, 3])
    const file = commitPath(path, 3)
    const text = await readFile(file, 'utf8')
    expect(text).toContain('"tableRows":3')
    await writeFile(file, text.replace('"tableRows":3', '"tableRows":4'))
    // The log is the truth: the cache is not used, the replay meets version 3's totals and names it.
    await expect(openTable(path)).rejects.toThrow(TableCorruptError)
    await expect(openTable(path)).rejects.toThrow('00000000000000000003.json')
  })

  it("never uses another table's cache (version 0's table id differs)", async () => {
    const mine = join(tmp.dir, 'mine')
    const other = join(tmp.dir, 'other')
    await usersTable(mine, [1, 2, 3])
    await usersTable(other, [11, 12, 13])
    await cp(join(other, '_pf'), join(mine, '_pf'), { recursive: true, force: true })
    const opened = await openCounting(mine)
    expect(opened.ids).toEqual([1, 2, 3])
    // Replayed from the log: every commit decoded.
    expect(opened.decoded).toEqual([0, 1, 2, 3])
  })

  it('decodes a commit whose anchor does not read, naming its damage', async () => {
    const path = join(tmp.dir, 'users')
    await usersTable(path, [1, 2, 3])
    await writeFile(commitPath(path, 0), '{"commitInfo":{"timestamp":1}}\nnot json\n')
    await expect(openTable(path)).rejects.toThrow(TableCorruptError)
    await expect(openTable(path)).rejects.toThrow('line 2')
  })
})
