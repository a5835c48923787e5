// Entity stores choose the update mode of the tables they create (config `updateMode`, PARQUETFRAME_UPDATE_MODE,
// `openStore(path, { updateMode })`): copy-on-write tables carry no deletion vectors, so Delta readers without
// them read exactly the entity's rows (merge-on-read vectors may be inline in the log, so the log is checked as well
// as the folder); a table that exists keeps the mode it was created with.
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Config, getConfig, resetConfig, setConfig, withConfig } from '../config/index.js'
import { ConfigError } from '../errors/pf-error.js'
import { useTempDir } from '../table/__fixtures__/temp-dir.js'
import { registeredMember } from './__fixtures__/member-entity.js'
import * as pf from './index.js'

const tmp = useTempDir('pf-update-mode-')

beforeEach(() => {
  delete process.env.PARQUETFRAME_UPDATE_MODE
  resetConfig()
})
afterEach(() => {
  delete process.env.PARQUETFRAME_UPDATE_MODE
  resetConfig()
  vi.restoreAllMocks()
})

interface Row {
  id: number
  email: string
  writer: string
}

interface LogAction {
  protocol?: {
    minReaderVersion: number
    minWriterVersion: number
    readerFeatures?: string[]
    writerFeatures?: string[]
  }
  add?: { path: string; deletionVector?: unknown }
  remove?: { path: string; deletionVector?: unknown }
}

/** The table's JSON commits in version order, as an outside reader sees them (no pf code). */
async function logActions(table: string): Promise<LogAction[][]> {
  const dir = join(table, '_delta_log')
  const names = (await readdir(dir)).filter((n) => /^\d{20}\.json$/.test(n)).sort()
  return Promise.all(
    names.map(async (n) =>
      (await readFile(join(dir, n), 'utf8'))
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as LogAction),
    ),
  )
}

/** The latest `protocol` action of the log. */
async function protocolOf(table: string): Promise<NonNullable<LogAction['protocol']>> {
  const protocols = (await logActions(table)).flat().flatMap((a) => (a.protocol ? [a.protocol] : []))
  const last = protocols.at(-1)
  if (!last) throw new Error(`no protocol action in ${table}`)
  return last
}

/** Replays add/remove by path and reads the live files with DuckDB, applying nothing else (no deletion vectors). */
async function outsideReaderRows(table: string): Promise<{ rows: Row[]; vectors: number }> {
  const live = new Map<string, LogAction['add']>()
  for (const commit of await logActions(table))
    for (const action of commit) {
      if (action.remove) live.delete(action.remove.path)
      if (action.add) live.set(action.add.path, action.add)
    }
  const vectors = [...live.values()].filter((a) => a?.deletionVector != null).length
  const list = [...live.keys()].map((p) => `'${join(table, decodeURIComponent(p)).replaceAll("'", "''")}'`)
  if (list.length === 0) return { rows: [], vectors }
  const duck = await (await DuckDBInstance.create(':memory:')).connect()
  try {
    const read = await duck.runAndReadAll(
      `select cast(id as integer) as id, email, writer from read_parquet([${list.join(', ')}]) order by id`,
    )
    return { rows: read.getRowObjectsJS() as unknown as Row[], vectors }
  } finally {
    duck.closeSync()
  }
}

const vectorFiles = async (table: string) =>
  (await readdir(table)).filter((n) => n.startsWith('deletion_vector_'))

const plain = (rows: readonly Row[]): Row[] =>
  rows.map(({ id, email, writer }) => ({ id, email, writer })).sort((a, b) => a.id - b.id)

/** Inserts 8 members in one commit, changes 3 (save, upsert, saveAll), deletes 1 and deleteBy's 2 through the entity API. */
async function exercise(
  repo: pf.Repository<InstanceType<ReturnType<typeof registeredMember>>>,
): Promise<void> {
  // One file of 8 rows: a change to some of them is a deletion vector (merge-on-read) or a rewrite (copy-on-write).
  await repo.saveAll(
    Array.from({ length: 8 }, (_, i) => ({
      id: i + 1,
      email: `m${i + 1}@x.org`,
      writer: i % 2 ? 'even' : 'odd',
    })),
  )
  const two = await repo.find(2)
  if (!two) throw new Error('member 2 not found')
  two.email = 'two@x.org'
  await two.save()
  await repo.upsert({ id: 3, email: 'three@x.org', writer: 'odd' })
  await repo.saveAll([
    { id: 4, email: 'four@x.org', writer: 'even' },
    { id: 9, email: 'm9@x.org', writer: 'odd' },
  ])
  const five = await repo.find(5)
  if (!five) throw new Error('member 5 not found')
  expect(await five.delete()).toBe(true)
  expect(await repo.deleteBy({ id: { in: [6, 7] } })).toBe(2)
}

const EXPECTED: Row[] = [
  { id: 1, email: 'm1@x.org', writer: 'odd' },
  { id: 2, email: 'two@x.org', writer: 'even' },
  { id: 3, email: 'three@x.org', writer: 'odd' },
  { id: 4, email: 'four@x.org', writer: 'even' },
  { id: 8, email: 'm8@x.org', writer: 'even' },
  { id: 9, email: 'm9@x.org', writer: 'odd' },
]

describe('openStore(path, { updateMode: "copy-on-write" })', () => {
  it('creates tables without deletion vectors: updates and deletes rewrite files, and DuckDB over the log reads pf rows', async () => {
    const Member = registeredMember()
    const store = pf.openStore(tmp.dir, { updateMode: 'copy-on-write' })
    expect(store.updateMode).toBe('copy-on-write')
    const repo = Member.repo(store)
    await exercise(repo)
    await store.settled()
    const table = join(tmp.dir, 'members')

    const protocol = await protocolOf(table)
    expect(protocol.minReaderVersion).toBeLessThan(3)
    expect(protocol.minWriterVersion).toBeLessThan(7)
    expect(protocol.readerFeatures ?? []).not.toContain('deletionVectors')
    expect(protocol.writerFeatures ?? []).not.toContain('deletionVectors')
    expect((await (await repo.table()).snapshot()).metadata.updateMode).toBe('copy-on-write')
    expect(await vectorFiles(table)).toEqual([])

    const pfRows = plain(await Member.repo(pf.openStore(tmp.dir)).findAll())
    expect(pfRows).toEqual(EXPECTED)
    expect(await outsideReaderRows(table)).toEqual({ rows: pfRows, vectors: 0 })
  })

  it('differs from the default store, whose same writes leave deletion vectors a plain reader would not apply', async () => {
    const Member = registeredMember()
    const store = pf.openStore(tmp.dir)
    expect(store.updateMode).toBe('merge-on-read')
    await exercise(Member.repo(store))
    await store.settled()
    const table = join(tmp.dir, 'members')
    expect((await protocolOf(table)).readerFeatures).toContain('deletionVectors')
    expect(plain(await Member.repo(store).findAll())).toEqual(EXPECTED)
    expect((await outsideReaderRows(table)).vectors).toBeGreaterThan(0)
  })
})

describe('an existing table keeps the mode it was created with', () => {
  it('a merge-on-read table opened by a copy-on-write store stays merge-on-read and works', async () => {
    const Member = registeredMember()
    const first = pf.openStore(tmp.dir)
    await Member.repo(first).saveAll([1, 2, 3].map((id) => ({ id, email: `m${id}@x.org`, writer: 'a' })))
    await first.settled()
    const table = join(tmp.dir, 'members')

    const cow = pf.openStore(tmp.dir, { updateMode: 'copy-on-write' })
    const repo = Member.repo(cow)
    await repo.upsert({ id: 2, email: 'two@x.org', writer: 'b' })
    expect(await repo.deleteBy({ id: 3 })).toBe(1)
    await repo.create({ id: 4, email: 'm4@x.org', writer: 'b' })
    await cow.settled()

    expect((await (await repo.table()).snapshot()).metadata.updateMode).toBe('merge-on-read')
    expect((await protocolOf(table)).readerFeatures).toContain('deletionVectors')
    expect((await outsideReaderRows(table)).vectors).toBeGreaterThan(0)
    expect(plain(await Member.repo(pf.openStore(tmp.dir)).findAll())).toEqual([
      { id: 1, email: 'm1@x.org', writer: 'a' },
      { id: 2, email: 'two@x.org', writer: 'b' },
      { id: 4, email: 'm4@x.org', writer: 'b' },
    ])
  })

  it('a copy-on-write table opened by a merge-on-read store stays copy-on-write', async () => {
    const Member = registeredMember()
    const cow = pf.openStore(tmp.dir, { updateMode: 'copy-on-write' })
    await Member.repo(cow).saveAll([1, 2, 3].map((id) => ({ id, email: `m${id}@x.org`, writer: 'a' })))
    await cow.settled()
    const table = join(tmp.dir, 'members')

    const mor = pf.openStore(tmp.dir, { updateMode: 'merge-on-read' })
    const repo = Member.repo(mor)
    await repo.upsert({ id: 1, email: 'one@x.org', writer: 'b' })
    expect(await repo.deleteBy({ id: 2 })).toBe(1)
    await mor.settled()

    expect((await protocolOf(table)).readerFeatures ?? []).not.toContain('deletionVectors')
    expect(await vectorFiles(table)).toEqual([])
    const rows = plain(await repo.findAll())
    expect(rows).toEqual([
      { id: 1, email: 'one@x.org', writer: 'b' },
      { id: 3, email: 'm3@x.org', writer: 'a' },
    ])
    expect(await outsideReaderRows(table)).toEqual({ rows, vectors: 0 })
  })
})

describe('where the update mode comes from', () => {
  it('defaults to merge-on-read; environment < setConfig < withConfig < openStore option', async () => {
    expect(getConfig().updateMode).toBe('merge-on-read')
    expect(pf.openStore(tmp.dir).updateMode).toBe('merge-on-read')

    process.env.PARQUETFRAME_UPDATE_MODE = 'copy-on-write'
    resetConfig()
    expect(pf.openStore(tmp.dir).updateMode).toBe('copy-on-write')
    expect(pf.openStore(tmp.dir, { updateMode: 'merge-on-read' }).updateMode).toBe('merge-on-read')

    setConfig({ updateMode: 'merge-on-read' })
    expect(pf.openStore(tmp.dir).updateMode).toBe('merge-on-read')
    withConfig({ updateMode: 'copy-on-write' }, () => {
      expect(pf.openStore(tmp.dir).updateMode).toBe('copy-on-write')
      expect(pf.openStore(tmp.dir, { updateMode: 'merge-on-read' }).updateMode).toBe('merge-on-read')
    })
    expect(pf.openStore(tmp.dir).updateMode).toBe('merge-on-read')

    // A configuration read from JSON (e.g. an app's config file) sets it like any other key.
    setConfig(Config.fromJSON('{"updateMode": "copy-on-write"}').toJSON())
    expect(pf.openStore(tmp.dir).updateMode).toBe('copy-on-write')
  })

  it('the default store (active-record statics) creates tables in the mode PARQUETFRAME_UPDATE_MODE names', async () => {
    process.env.PARQUETFRAME_UPDATE_MODE = 'copy-on-write'
    resetConfig()
    const Member = registeredMember()
    await withConfig({ entityBasePath: tmp.dir }, async () => {
      expect(pf.defaultStore().updateMode).toBe('copy-on-write')
      await Member.saveAll([1, 2, 3].map((id) => ({ id, email: `m${id}@x.org`, writer: 'a' })))
      const one = await Member.find(1)
      if (!one) throw new Error('member 1 not found')
      one.writer = 'b'
      await one.save()
      expect(await Member.deleteBy({ id: 2 })).toBe(1)
      await pf.defaultStore().settled()
    })
    const table = join(tmp.dir, 'members')
    expect((await protocolOf(table)).readerFeatures ?? []).not.toContain('deletionVectors')
    expect(await vectorFiles(table)).toEqual([])
    expect(await outsideReaderRows(table)).toEqual({
      rows: [
        { id: 1, email: 'm1@x.org', writer: 'b' },
        { id: 3, email: 'm3@x.org', writer: 'a' },
      ],
      vectors: 0,
    })
  })

  it('an invalid value is a ConfigError naming the key, the value and where it came from', () => {
    expect(() => setConfig({ updateMode: 'cow' } as never)).toThrow(ConfigError)
    expect(() => setConfig({ updateMode: 'cow' } as never)).toThrow(
      /^setConfig: Invalid value for configuration key "updateMode": "cow" \(expected 'merge-on-read' or 'copy-on-write'\)$/,
    )
    expect(() => withConfig({ updateMode: 'mor' } as never, () => 1)).toThrow(
      /^withConfig: .*"updateMode": "mor"/,
    )
    expect(() => Config.fromJSON({ updateMode: 1 })).toThrow(/^Config\.fromJSON: .*"updateMode": 1/)
    const option = () => pf.openStore(tmp.dir, { updateMode: 'copy_on_write' as never })
    expect(option).toThrow(ConfigError)
    expect(option).toThrow(
      /^openStore options: Invalid value for configuration key "updateMode": "copy_on_write"/,
    )

    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    process.env.PARQUETFRAME_UPDATE_MODE = 'cow'
    resetConfig()
    expect(getConfig().updateMode).toBe('merge-on-read')
    expect(stderr.mock.calls.map((c) => String(c[0]))).toContain(
      'parquetframe: warning: Ignoring PARQUETFRAME_UPDATE_MODE="cow": not a valid value for "updateMode"\n',
    )
  })
})
