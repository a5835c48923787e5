import { mkdir, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { readCachedCheckpoint } from './__fixtures__/cached-checkpoint.js'
import { commitPath } from './__fixtures__/delta-commit-file.js'
import { idsOf, range, userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { useUsersTablePath } from './__fixtures__/users-table-setup.js'
import { createTable, openTable, type Table } from './table.js'
import { TableCorruptError } from './table-errors.js'

const ws = useUsersTablePath()
let table: Table

const entryFile = (v: number) => commitPath(ws.path, v)
const checkpointFile = (v: number) =>
  join(ws.path, '_pf', 'checkpoints', `${String(v).padStart(20, '0')}.checkpoint.json`)

/**
 * Rewrites a commit file through a function of its actions: `add` and `remove` as arrays, the others as objects
 * (written back one action per line, in that order).
 */
async function editEntry(v: number, edit: (entry: Record<string, unknown>) => void): Promise<void> {
  const lines = (await readFile(entryFile(v), 'utf8')).split('\n').filter((l) => l !== '')
  const entry: Record<string, unknown> = { add: [], remove: [] }
  for (const line of lines) {
    for (const [kind, action] of Object.entries(JSON.parse(line) as Record<string, unknown>)) {
      if (kind === 'add' || kind === 'remove') (entry[kind] as unknown[]).push(action)
      else entry[kind] = action
    }
  }
  edit(entry)
  const out: string[] = []
  for (const [kind, value] of Object.entries(entry)) {
    if ((kind === 'add' || kind === 'remove') && Array.isArray(value))
      for (const action of value) out.push(JSON.stringify({ [kind]: action }))
    else out.push(JSON.stringify({ [kind]: value }))
  }
  await writeFile(entryFile(v), `${out.join('\n')}\n`)
}

/** The first add action of a parsed entry. */
function firstAdd(entry: Record<string, unknown>): Record<string, unknown> {
  return (entry.add as Record<string, unknown>[])[0] as Record<string, unknown>
}

/** The error of a promise that must fail. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('expected a failure'),
    (e: unknown) => e,
  )
}

beforeEach(async () => {
  table = await createTable(ws.path, { entity: userEntity, enums: userEnums, checkpointInterval: 0 })
  for (const i of range(0, 4)) await table.append(users([i * 10, i * 10 + 1]))
})

describe('a damaged log is reported, never silently trusted', () => {
  it('a missing entry in the middle is TableCorruptError for readers and writers, never a rollback', async () => {
    await unlink(entryFile(2))
    const error = await failure(openTable(ws.path))
    expect(error).toBeInstanceOf(TableCorruptError)
    expect(error).toMatchObject({ version: 2, file: entryFile(2) })
    expect((error as Error).message).toMatch(/version 3 exists/)
    await expect(table.history()).rejects.toMatchObject({ code: 'PF_TABLE_CORRUPT', version: 2 })
    await expect(table.at(3)).rejects.toMatchObject({ code: 'PF_TABLE_CORRUPT', version: 2 })
  })

  it('a gap of several entries is found, also when the table was opened before it', async () => {
    const reader = await openTable(ws.path)
    await unlink(entryFile(4))
    await unlink(entryFile(3))
    await unlink(entryFile(2))
    await table.append(users([99])) // version 5: after the gap
    await expect(openTable(ws.path)).rejects.toMatchObject({ code: 'PF_TABLE_CORRUPT', version: 2 })
    // The reader at version 4 sees 5 without 2-4 being needed; a fresh reader refuses.
    expect((await reader.snapshot()).version).toBe(5)
    await expect(table.history()).rejects.toMatchObject({ code: 'PF_TABLE_CORRUPT', version: 2 })
  })

  it('a missing entry right after the newest one read is found before a writer fills it', async () => {
    const stale = await openTable(ws.path)
    await table.append(users([50])) // 5
    await table.append(users([60])) // 6
    await unlink(entryFile(5))
    const error = await failure(stale.append(users([70])))
    expect(error).toBeInstanceOf(TableCorruptError)
    expect(error).toMatchObject({ version: 5 })
    expect(await readdir(join(ws.path, '_delta_log'))).not.toContain('00000000000000000005.json')
  })

  it('a missing version 0 is corrupt, never re-created (entries or a cached checkpoint remain)', async () => {
    await table.checkpoint()
    // Without the Delta checkpoint (which log cleanup would open from, see table-log-cleanup.test.ts).
    await unlink(join(ws.path, '_delta_log', '00000000000000000004.checkpoint.parquet'))
    await unlink(entryFile(0))
    await expect(openTable(ws.path)).rejects.toMatchObject({ code: 'PF_TABLE_CORRUPT', version: 0 })
    await expect(createTable(ws.path, { entity: userEntity, enums: userEnums })).rejects.toMatchObject({
      code: 'PF_TABLE_CORRUPT',
      version: 0,
    })
    expect(await readdir(join(ws.path, '_delta_log'))).not.toContain('00000000000000000000.json')
    // Only the cached checkpoint left: still corrupt.
    for (const v of range(1, 5)) await unlink(entryFile(v))
    await expect(openTable(ws.path)).rejects.toMatchObject({ code: 'PF_TABLE_CORRUPT', version: 0 })
  })

  it('commits before a Delta checkpoint deleted (log cleanup): opens from it, but a table is never re-created over it', async () => {
    await table.checkpoint()
    const expected = idsOf(await table.read())
    await unlink(entryFile(0))
    expect(idsOf(await (await openTable(ws.path)).read())).toEqual(expected)
    await expect(createTable(ws.path, { entity: userEntity, enums: userEnums })).rejects.toMatchObject({
      code: 'PF_TABLE_CORRUPT',
      version: 0,
    })
    expect(await readdir(join(ws.path, '_delta_log'))).not.toContain('00000000000000000000.json')
  })

  it('a cached checkpoint that lists fewer files than its version has is skipped: the log is the truth', async () => {
    await table.checkpoint()
    const data = await readCachedCheckpoint(checkpointFile(4))
    data.files = (data.files as unknown[]).slice(1)
    await writeFile(checkpointFile(4), JSON.stringify(data))
    const opened = await openTable(ws.path)
    expect(opened.version).toBe(4)
    expect(idsOf(await opened.read())).toEqual([0, 1, 10, 11, 20, 21, 30, 31])
    await expect(table.at(2)).resolves.toMatchObject({ version: 2 })
  })

  it('a checkpoint whose entry is missing (a truncated log) is TableCorruptError', async () => {
    await table.checkpoint()
    await unlink(entryFile(4))
    await expect(openTable(ws.path)).rejects.toMatchObject({ code: 'PF_TABLE_CORRUPT', version: 4 })
  })

  it('a cached checkpoint of another table is skipped: the log is the truth', async () => {
    const otherPath = join(ws.dir, 'other')
    const other = await createTable(otherPath, { entity: userEntity, enums: userEnums })
    for (const i of range(0, 4)) await other.append(users([i]))
    await other.checkpoint()
    const name = '00000000000000000004.checkpoint.json'
    await mkdir(join(ws.path, '_pf', 'checkpoints'), { recursive: true })
    await writeFile(checkpointFile(4), await readFile(join(otherPath, '_pf', 'checkpoints', name)))
    await writeFile(join(ws.path, '_pf', 'checkpoints', '_last_checkpoint'), JSON.stringify({ version: 4 }))
    expect(idsOf(await (await openTable(ws.path)).read())).toEqual([0, 1, 10, 11, 20, 21, 30, 31])
  })

  it('an entry whose add action was edited to other row counts disagrees with the totals it recorded', async () => {
    await editEntry(3, (e) => {
      const add = firstAdd(e)
      const stats = JSON.parse(add.stats as string) as { numRecords: number }
      stats.numRecords += 1
      add.stats = JSON.stringify(stats)
    })
    const error = await failure(openTable(ws.path))
    expect(error).toMatchObject({ code: 'PF_TABLE_CORRUPT', version: 3, file: entryFile(3) })
    expect((error as Error).message).toMatch(/7 rows are live, the log recorded 6/)
  })

  it("commits without pf's totals and checksums (another Delta writer's) open and read", async () => {
    await table.checkpoint()
    for (const v of range(0, 5)) {
      await editEntry(v, (e) => {
        const info = e.commitInfo as Record<string, unknown>
        delete info.tableFiles
        delete info.tableRows
        delete info.pf
        for (const a of (e.add as Record<string, unknown>[] | undefined) ?? []) delete a.tags
      })
    }
    const data = await readCachedCheckpoint(checkpointFile(4))
    for (const f of data.files as { add: Record<string, unknown> }[]) delete f.add.checksum
    await writeFile(checkpointFile(4), JSON.stringify(data))
    const opened = await openTable(ws.path)
    expect(idsOf(await opened.read())).toEqual([0, 1, 10, 11, 20, 21, 30, 31])
    await opened.append(users([99]))
    expect(idsOf(await (await openTable(ws.path)).read())).toContain(99)
  })
})

describe('wrong-shape commits are TableCorruptError naming file, version and line', () => {
  const cases: [string, (e: Record<string, unknown>) => void, RegExp][] = [
    [
      'add as a string',
      (e) => {
        e.add = 'part-x.parquet'
      },
      /line \d+: add: expected object/,
    ],
    [
      'add without path',
      (e) => {
        delete firstAdd(e).path
      },
      /line \d+: add\.path/,
    ],
    [
      'add with a negative size',
      (e) => {
        firstAdd(e).size = -1
      },
      /line \d+: add\.size/,
    ],
    [
      'commitInfo null',
      (e) => {
        e.commitInfo = null
      },
      /line \d+: commitInfo: expected object/,
    ],
    [
      'remove without dataChange',
      (e) => {
        e.remove = [{ path: 'x.parquet' }]
      },
      /line \d+: remove\.dataChange/,
    ],
    [
      'stats without numRecords',
      (e) => {
        firstAdd(e).stats = '{"minValues":{}}'
      },
      /numRecords/,
    ],
    [
      'a checksum tag that is not crc32',
      (e) => {
        firstAdd(e).tags = { 'pf.crc32': 'md5:abc' }
      },
      /pf\.crc32/,
    ],
  ]
  for (const [name, edit, detail] of cases) {
    it(name, async () => {
      await editEntry(3, edit)
      const error = await failure(openTable(ws.path))
      expect(error).toBeInstanceOf(TableCorruptError)
      expect(error).toMatchObject({ file: entryFile(3), version: 3 })
      expect((error as Error).message).toMatch(detail)
    })
  }

  it('metaData: {} and fields: null in version 0', async () => {
    let original: Record<string, unknown> = {}
    await editEntry(0, (e) => {
      original = e.metaData as Record<string, unknown>
      e.metaData = {}
    })
    await expect(openTable(ws.path)).rejects.toMatchObject({ code: 'PF_TABLE_CORRUPT', version: 0 })
    await editEntry(0, (e) => {
      const configuration = original.configuration as Record<string, string>
      e.metaData = {
        ...original,
        configuration: { ...configuration, 'pf.entity': JSON.stringify({ ...userEntity, fields: null }) },
      }
    })
    const error = await failure(openTable(ws.path))
    expect(error).toMatchObject({ code: 'PF_TABLE_CORRUPT', file: entryFile(0), version: 0 })
    expect((error as Error).message).toMatch(/metaData\.configuration: entity\.fields: expected array/)
  })

  it('a checkpoint of the wrong shape is not used: the entries are', async () => {
    await table.checkpoint()
    const data = await readCachedCheckpoint(checkpointFile(4))
    ;(data.files as { add: unknown }[])[0] = { add: 'nonsense' }
    await writeFile(checkpointFile(4), JSON.stringify(data))
    expect(idsOf(await (await openTable(ws.path)).read())).toEqual([0, 1, 10, 11, 20, 21, 30, 31])
  })
})

describe('paths taken from the log never leave the table', () => {
  const escapes = [
    '../elsewhere/x.parquet',
    '..%2Felsewhere%2Fx.parquet',
    '/etc/passwd',
    'file:///etc/passwd',
    'a/../../x.parquet',
    'C:\\x.parquet',
    '_delta_log/x.json',
    '_pf/x.json',
    'bad%zzpercent.parquet',
  ]
  for (const bad of escapes) {
    it(`an add action naming ${bad}`, async () => {
      await mkdir(join(ws.dir, 'elsewhere'), { recursive: true })
      await writeFile(join(ws.dir, 'elsewhere', 'x.parquet'), 'not read')
      await editEntry(3, (e) => {
        firstAdd(e).path = bad
      })
      const error = await failure(openTable(ws.path))
      expect(error).toBeInstanceOf(TableCorruptError)
      expect(error).toMatchObject({ file: entryFile(3), version: 3 })
    })
  }

  it('a checkpoint naming a file outside the table is never followed: the entries are read instead', async () => {
    await table.checkpoint()
    await mkdir(join(ws.dir, 'elsewhere'), { recursive: true })
    const data = await readCachedCheckpoint(checkpointFile(4))
    const files = data.files as { add: { path: string } }[]
    const first = files[0]
    if (first) {
      // The outside file holds rows of its own: reading it would show them.
      await writeFile(join(ws.dir, 'elsewhere', 'x.parquet'), await readFile(join(ws.path, first.add.path)))
      first.add.path = '../elsewhere/x.parquet'
    }
    await writeFile(checkpointFile(4), JSON.stringify(data))
    const opened = await openTable(ws.path)
    expect((await opened.snapshot()).files.map((f) => f.add.path)).not.toContain('../elsewhere/x.parquet')
    expect(idsOf(await opened.read())).toEqual([0, 1, 10, 11, 20, 21, 30, 31])
  })

  it('a transaction decision path outside the table folders makes no writer create it', async () => {
    const target = join(ws.dir, 'outside')
    await editEntry(4, (e) => {
      const info = e.commitInfo as { pf: Record<string, unknown> }
      info.pf.txn = { id: 'evil', decision: '../outside/evil.json', deadline: 0, tables: ['users'] }
    })
    const error = await failure(openTable(ws.path))
    expect(error).toMatchObject({ code: 'PF_TABLE_CORRUPT', version: 4 })
    await expect(readdir(target)).rejects.toMatchObject({ code: 'ENOENT' })
    await rm(target, { recursive: true, force: true })
  })
})
