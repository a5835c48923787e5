import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it, vi } from 'vitest'
import { itemEntity, memberEmail, memberEntity } from '../table/__fixtures__/item-entity.js'
import {
  expectEveryPowerLossKeepsAcknowledged,
  PowerLossFileSystem,
} from '../table/__fixtures__/power-loss-file-system.js'
import { useTempDir } from '../table/__fixtures__/temp-dir.js'
import { useWorkerScript, WorkerProcess } from '../table/__fixtures__/worker-process.js'
import type { AppendLog, CreateOptions, WriteOptions } from '../table/file-system.js'
import { INSERTS_DIR, PENDING_MARKER } from '../table/insert-log.js'
import { LogFirstInserts } from '../table/log-first-inserts.js'
import { NodeFileSystem } from '../table/node-file-system.js'
import { Table } from '../table/table.js'
import { entityIRFor } from './__fixtures__/test-ir.js'
import { UniqueConstraintError } from './entity-errors.js'
import { Entity, type EntityStore, openStore, registerEntity } from './index.js'

/**
 * Log-first inserts (table/log-first-inserts.ts): a create is acknowledged once its record in the insert log is
 * durable and published as a Delta commit a little later. What must hold whatever the timing: every read that
 * starts after a create returned sees it (in this process and in others), keys stay unique across what is pending,
 * and nothing acknowledged is lost or doubled by a crash, a killed writer or a power loss.
 */

class Item extends Entity {
  declare id: number
  declare name: string
}
registerEntity(Item, itemEntity)

class Member extends Entity {
  declare id: number
  declare email: string
}
registerEntity(Member, memberEntity)

/** An entity of several column types: a pending record's row read back must be the stored one, value for value. */
class Thing extends Entity {}
registerEntity(
  Thing,
  entityIRFor(
    'Thing',
    {
      id: 'Int',
      name: 'String',
      score: 'Float?',
      big: 'BigInt',
      ok: 'Boolean',
      day: 'Date?',
      at: 'DateTime',
    },
    { storage: 'things' },
  ),
)
const thing = (id: number, name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id,
  name,
  score: id + 0.5,
  big: BigInt(id) * 10_000_000_000n,
  ok: id % 2 === 0,
  day: `2026-01-${String(id + 1).padStart(2, '0')}`,
  at: new Date(Date.UTC(2026, 11, 7, 12, 0, id)),
  ...extra,
})

/** An entity with a secondary index: its findBy reads pending records without publishing them. */
class Tagged extends Entity {
  declare id: number
  declare tag: string
  declare n: number
}
registerEntity(
  Tagged,
  entityIRFor('Tagged', { id: 'Int', tag: 'String', n: 'Int' }, { storage: 'tagged', indexFields: ['tag'] }),
)

const tmp = useTempDir('pf-log-first-')

async function ids(store: EntityStore): Promise<number[]> {
  return (await Item.repo(store).findAll()).map((i) => i.id).sort((a, b) => a - b)
}

async function entries(dir: string): Promise<string[]> {
  return (await readdir(join(dir, 'items', '_delta_log'))).filter((n) => /^\d{20}\.json$/.test(n))
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i)

/** The real file system, recording the calls that make a commit's and an insert's files (in order). */
class RecordingFileSystem extends NodeFileSystem {
  calls: string[] = []
  override async createExclusive(
    path: string,
    data: Uint8Array | string,
    options?: CreateOptions,
  ): Promise<void> {
    this.calls.push(`create ${path}`)
    return super.createExclusive(path, data, options)
  }
  override async writeFile(path: string, data: Uint8Array | string, options?: WriteOptions): Promise<void> {
    this.calls.push(`write ${path}`)
    return super.writeFile(path, data, options)
  }
  override async rename(from: string, to: string): Promise<void> {
    this.calls.push(`rename ${from} -> ${to}`)
    return super.rename(from, to)
  }
  override async openLog(path: string): Promise<AppendLog> {
    const log = await super.openLog(path)
    return {
      append: (data) => {
        this.calls.push(`append ${path}`)
        return log.append(data)
      },
      close: () => log.close(),
    }
  }
}

/**
 * The recording file system whose log entries (commits, publications among them) take 400 ms to appear: a loaded
 * machine still runs the steps of a test meanwhile.
 */
class SlowCommitFileSystem extends RecordingFileSystem {
  override async createExclusive(
    path: string,
    data: Uint8Array | string,
    options?: CreateOptions,
  ): Promise<void> {
    if (/_delta_log[\\/]\d{20}\.json$/.test(path)) await sleep(400)
    return super.createExclusive(path, data, options)
  }
}

/** The calls up to 'acknowledged' appended to an insert log and made no log entry: the write was logged first. */
function expectLoggedFirst(calls: readonly string[]): void {
  const before = calls.slice(0, calls.indexOf('acknowledged'))
  expect(before.filter((c) => /^append .*_pf\/inserts\/.*\.log$/.test(c))).toHaveLength(1)
  expect(before.filter((c) => /_delta_log\/\d{20}\.json$/.test(c))).toEqual([])
}

describe('log-first inserts in one process', () => {
  it('acknowledges a create before its version is published; the next read publishes it and sees it', async () => {
    const fs = new RecordingFileSystem()
    const store = openStore(tmp.dir, { fs })
    const items = Item.repo(store)
    await items.create({ id: 1, name: 'one' })
    await store.settled()
    const before = await entries(tmp.dir)
    fs.calls = []
    await items.create({ id: 2, name: 'two' })
    fs.calls.push('acknowledged')
    expect((await items.find(2))?.name).toBe('two')
    // Durable in the insert log (appended and flushed, the pending marker set first), then published: its entry and
    // data file made only after the create returned (the order of the calls, whatever the timing).
    const at = (pattern: RegExp) => fs.calls.findIndex((c) => pattern.test(c))
    const acknowledged = fs.calls.indexOf('acknowledged')
    expect(at(/^rename .*\.marker -> .*\.pf-inserts-pending$/)).toBeLessThan(acknowledged)
    expect(at(/^append .*_pf\/inserts\/.*\.log$/)).toBeLessThan(acknowledged)
    expect(at(/^create .*_delta_log\/\d{20}\.json$/)).toBeGreaterThan(acknowledged)
    expect(at(/^write .*part-.*\.parquet$/)).toBeGreaterThan(acknowledged)
    expect((await entries(tmp.dir)).length).toBe(before.length + 1)
    expect(await readdir(join(tmp.dir, 'items', '_delta_log'))).not.toContain(PENDING_MARKER)
    await store.settled()
    // Settled: published, the log deleted.
    expect(await readdir(join(tmp.dir, 'items', INSERTS_DIR))).toEqual([])
  })

  it('refuses a key that is pending, stored, or created twice at once; publishes every other create once', async () => {
    const store = openStore(tmp.dir)
    const items = Item.repo(store)
    await items.create({ id: 1, name: 'one' })
    await items.find(1)
    await items.create({ id: 2, name: 'two' })
    // 2 is pending (not published), 1 is stored.
    await expect(items.create({ id: 2, name: 'again' })).rejects.toBeInstanceOf(UniqueConstraintError)
    await expect(items.create({ id: 1, name: 'again' })).rejects.toBeInstanceOf(UniqueConstraintError)
    const racing = await Promise.allSettled(range(0, 5).map(() => items.create({ id: 3, name: 'three' })))
    expect(racing.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    for (let id = 10; id < 60; id++) await items.create({ id, name: `n${id}` })
    expect(await ids(store)).toEqual([1, 2, 3, ...range(10, 60)])
    expect((await items.find(2))?.name).toBe('two')
    await store.settled()
    expect(await ids(openStore(tmp.dir))).toEqual([1, 2, 3, ...range(10, 60)])
  })

  it('checks @unique values against the table and the creates pending here; a create of a new value logs first', async () => {
    const fs = new RecordingFileSystem()
    const store = openStore(tmp.dir, { fs })
    const members = Member.repo(store)
    await members.create({ id: 1, email: 'a@x.org' })
    expect(await members.count()).toBe(1) // published
    fs.calls = []
    await members.create({ id: 2, email: 'b@x.org' })
    fs.calls.push('acknowledged')
    expectLoggedFirst(fs.calls)
    const clash = (email: string) => ({
      name: 'UniqueConstraintError',
      entity: 'Member',
      field: 'email',
      value: email,
    })
    await expect(members.create({ id: 3, email: 'b@x.org' })).rejects.toMatchObject(clash('b@x.org'))
    await expect(members.create({ id: 4, email: 'a@x.org' })).rejects.toMatchObject(clash('a@x.org'))
    await expect(
      members.save(Object.assign(new Member(), { id: 5, email: 'b@x.org' })),
    ).rejects.toMatchObject(clash('b@x.org'))
    // Queued behind one another before any is published: each checked against the values pending here.
    const racing = await Promise.allSettled(
      range(10, 15).map((id) => members.create({ id, email: 'c@x.org' })),
    )
    expect(racing.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    for (const r of racing) if (r.status === 'rejected') expect(r.reason).toMatchObject(clash('c@x.org'))
    expect(await members.count()).toBe(3)
    await expect(members.create({ id: 20, email: 'c@x.org' })).rejects.toMatchObject(clash('c@x.org'))
    await store.settled()
    const emails = (await Member.repo(openStore(tmp.dir)).findAll()).map((m) => m.email).sort()
    expect(emails).toEqual(['a@x.org', 'b@x.org', 'c@x.org'])
  })

  it('a save of new entities logs first, as one of a stored key does; one that replaces a pending row is the upsert it is', async () => {
    const fs = new RecordingFileSystem()
    const store = openStore(tmp.dir, { fs })
    const items = Item.repo(store)
    await items.create({ id: 1, name: 'one' })
    expect(await items.count()).toBe(1) // published
    fs.calls = []
    await items.save(Object.assign(new Item(), { id: 2, name: 'two' }))
    fs.calls.push('acknowledged')
    expectLoggedFirst(fs.calls)
    // New instances of a key stored (1) and of one just saved (2, pending or published by now): replaced.
    await items.save(Object.assign(new Item(), { id: 2, name: 'TWO' }))
    await items.save(Object.assign(new Item(), { id: 1, name: 'ONE' }))
    // Saved at once: merged (the last wins) or one after the other, never refused.
    await Promise.all(['a', 'b'].map((name) => items.save(Object.assign(new Item(), { id: 3, name }))))
    // A read entity saved: an update.
    const one = (await items.find(1)) as Item
    one.name = 'uno'
    await items.save(one)
    const expected = ['1:uno', '2:TWO', '3:b']
    const names = async (s: EntityStore) =>
      (await Item.repo(s).findAll()).map((i) => `${i.id}:${i.name}`).sort()
    expect(await names(store)).toEqual(expected)
    await store.settled()
    expect(await names(openStore(tmp.dir))).toEqual(expected)
  })

  it('a refused create leaves no session holding the write lock: another writer goes on', async () => {
    const a = openStore(tmp.dir)
    await Item.repo(a).create({ id: 1, name: 'one' })
    await a.settled()
    // Refused in a session of its own (the last one ended with the settle).
    await expect(Item.repo(a).create({ id: 1, name: 'again' })).rejects.toBeInstanceOf(UniqueConstraintError)
    const b = openStore(tmp.dir)
    await Item.repo(b).save(Object.assign(new Item(), { id: 1, name: 'ONE' }))
    expect((await Item.repo(a).find(1))?.name).toBe('ONE')
  })

  it('publishes pending creates before an update, a delete or a count of the same table', async () => {
    const store = openStore(tmp.dir)
    const items = Item.repo(store)
    await items.create({ id: 1, name: 'one' })
    await items.create({ id: 2, name: 'two' })
    await items.save(Object.assign(new Item(), { id: 2, name: 'TWO' }))
    await items.create({ id: 3, name: 'three' })
    expect(await items.deleteBy({ id: 3 })).toBe(1)
    await items.create({ id: 4, name: 'four' })
    expect(await items.count()).toBe(3)
    expect((await items.findAll()).map((i) => `${i.id}:${i.name}`).sort()).toEqual([
      '1:one',
      '2:TWO',
      '4:four',
    ])
  })
})

/** The last commit of the items table (its actions as the JSON objects of its lines). */
async function lastCommit(dir: string): Promise<Record<string, unknown>[]> {
  const last = (await entries(dir)).sort().at(-1) as string
  const text = await readFile(join(dir, 'items', '_delta_log', last), 'utf8')
  return text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
}

const itemNames = async (store: EntityStore): Promise<string[]> =>
  (await Item.repo(store).findAll()).map((i) => `${i.id}:${i.name}`).sort()

/** Runs a write on a recording file system and checks that it was logged first (see `expectLoggedFirst`). */
async function expectWriteLoggedFirst(fs: RecordingFileSystem, write: () => Promise<unknown>): Promise<void> {
  fs.calls = []
  await write()
  fs.calls.push('acknowledged')
  expectLoggedFirst(fs.calls)
}

describe('log-first updates', () => {
  it('a save of a read entity logs first; its publication deletes the old row by a deletion vector', async () => {
    const fs = new RecordingFileSystem()
    const store = openStore(tmp.dir, { fs })
    const items = Item.repo(store)
    await items.saveAll(range(0, 10).map((id) => Object.assign(new Item(), { id, name: `n${id}` })))
    const two = (await items.find(2)) as Item
    two.name = 'TWO'
    await expectWriteLoggedFirst(fs, () => items.save(two))
    expect(await items.count()).toBe(10)
    // Published as one commit: the bulk file removed and added again with a deletion vector, the new row's file.
    const actions = await lastCommit(tmp.dir)
    expect(actions.find((a) => a.commitInfo)?.commitInfo).toMatchObject({ operation: 'MERGE' })
    const removes = actions.filter((a) => a.remove)
    const adds = actions.map((a) => a.add as { path: string; deletionVector?: unknown } | undefined)
    expect(removes).toHaveLength(1)
    expect(adds.filter((a) => a?.deletionVector)).toHaveLength(1)
    expect(adds.filter((a) => a && !a.deletionVector)).toHaveLength(1)
    const expected = range(0, 10)
      .map((id) => (id === 2 ? '2:TWO' : `${id}:n${id}`))
      .sort()
    expect(await itemNames(store)).toEqual(expected)
    await store.settled()
    expect(await itemNames(openStore(tmp.dir))).toEqual(expected)
  })

  it('updates back to back, of one key and of many, with creates and deletes between: each key once, the last value', async () => {
    const store = openStore(tmp.dir)
    const items = Item.repo(store)
    await items.saveAll(range(0, 20).map((id) => Object.assign(new Item(), { id, name: `n${id}` })))
    await items.count()
    const expected = new Map(range(0, 20).map((id) => [id, `n${id}`]))
    const save = async (id: number, name: string) => {
      await items.save(Object.assign(new Item(), { id, name }))
      expected.set(id, name)
    }
    // The same key again while its update is pending (declined: committed as an upsert after a publication).
    for (let round = 0; round < 5; round++) await save(3, `three ${round}`)
    // Many keys, no reads between: their records pending together and published in a few commits.
    for (let id = 0; id < 20; id += 2) await save(id, `even ${id}`)
    await Promise.all(range(10, 16).map((id) => save(id, `together ${id}`)))
    await items.create({ id: 30, name: 'new' })
    expected.set(30, 'new')
    await save(30, 'new, updated')
    expect(await items.deleteBy({ id: 4 })).toBe(1)
    expected.delete(4)
    await save(5, 'five')
    await save(4, 'four again')
    const want = [...expected].map(([id, name]) => `${id}:${name}`).sort()
    expect(await itemNames(store)).toEqual(want)
    expect(await items.count()).toBe(expected.size)
    await store.settled()
    expect(await itemNames(openStore(tmp.dir))).toEqual(want)
  })

  it('a find of a key while records are pending reads without publishing them: its own record, or the table', async () => {
    const fs = new SlowCommitFileSystem()
    const store = openStore(tmp.dir, { fs })
    const things = Thing.repo(store)
    const made = range(0, 5).map((id) => thing(id, `t${id}`))
    await things.saveAll(made.map((t) => Object.assign(new Thing(), t)))
    expect(await things.count()).toBe(5)
    const versions = (await readdir(join(tmp.dir, 'things', '_delta_log'))).filter((n) => n.endsWith('.json'))
    const updated = thing(2, 'changed', { score: null, day: null })
    await things.save(Object.assign(new Thing(), updated))
    const created = thing(9, 'new')
    await things.create(created)
    // Their publication's commit takes 400 ms: these finds return before it (no version added meanwhile).
    const [two, nine, three] = [await things.find(2), await things.find(9), await things.find(3)]
    const now = (await readdir(join(tmp.dir, 'things', '_delta_log'))).filter((n) => n.endsWith('.json'))
    expect(now).toEqual(versions)
    expect({ ...two }).toEqual(updated)
    expect({ ...nine }).toEqual(created)
    expect({ ...three }).toEqual(made[3])
    expect(await things.find(42)).toBeNull()
    // What the pending records said is what their publication stored.
    await store.settled()
    const again = Thing.repo(openStore(tmp.dir))
    expect({ ...(await again.find(2)) }).toEqual(updated)
    expect({ ...(await again.find(9)) }).toEqual(created)
  })

  it('an indexed findBy while records are pending reads without publishing them, and answers as after publication', async () => {
    const fs = new SlowCommitFileSystem()
    const store = openStore(tmp.dir, { fs })
    const tagged = Tagged.repo(store)
    await tagged.saveAll(
      range(0, 10).map((id) => Object.assign(new Tagged(), { id, tag: id % 2 ? 'b' : 'a', n: id })),
    )
    expect(await tagged.count()).toBe(10)
    // Pending: two updates (one moves its row from 'a' to 'b', one changes another column), two creates.
    const two = (await tagged.find(2)) as Tagged
    two.tag = 'b'
    await expectWriteLoggedFirst(fs, () => tagged.save(two))
    const three = (await tagged.find(3)) as Tagged
    three.n = 33
    await tagged.save(three)
    await tagged.create({ id: 20, tag: 'a', n: 20 })
    await tagged.create({ id: 21, tag: 'b', n: 21 })
    // Without an orderBy the order is the files' (a publication may move a file with a new deletion vector): sets.
    const rows = (found: Tagged[]) => found.map((t) => `${t.id}:${t.tag}:${t.n}`).sort()
    const queries = async (repo: typeof tagged) => ({
      a: rows(await repo.findBy({ tag: 'a' })),
      b: rows(await repo.findBy({ tag: 'b' })),
      window: rows(await repo.findMany({ where: { tag: 'b' }, offset: 3, limit: 3 })),
      one: rows([(await repo.findOne({ tag: 'a' })) as Tagged]),
      none: rows(await repo.findBy({ tag: 'c' })),
    })
    // Each publication's commit takes 400 ms, so records are pending while these run; none of them publishes.
    const publishes = vi.spyOn(LogFirstInserts.prototype, 'published')
    const views = vi.spyOn(Table.prototype, 'pendingView')
    const pending = await queries(tagged)
    expect(publishes).not.toHaveBeenCalled()
    const taken = await Promise.all(views.mock.results.map((r) => r.value))
    expect(taken.some((v) => v !== undefined && v.records.length > 0)).toBe(true)
    vi.restoreAllMocks()
    const b = ['1:b:1', '21:b:21', '2:b:2', '3:b:33', '5:b:5', '7:b:7', '9:b:9']
    expect(pending).toMatchObject({ a: ['0:a:0', '20:a:20', '4:a:4', '6:a:6', '8:a:8'], b, none: [] })
    expect(pending.window).toHaveLength(3)
    for (const r of pending.window) expect(b).toContain(r)
    expect(pending.a).toContain(pending.one[0])
    // Published, the same queries (another process's view) find the same rows.
    await store.settled()
    const published = await queries(Tagged.repo(openStore(tmp.dir)))
    expect({ ...published, window: [], one: [] }).toEqual({ ...pending, window: [], one: [] })
  })

  it('an update of a @unique entity logs first: the value it frees is free at once, the one it takes is claimed', async () => {
    const fs = new SlowCommitFileSystem()
    const store = openStore(tmp.dir, { fs })
    const members = Member.repo(store)
    await members.create({ id: 1, email: 'a@x.org' })
    const one = (await members.find(1)) as Member
    one.email = 'b@x.org'
    await expectWriteLoggedFirst(fs, () => members.save(one))
    // Its publication's commit takes 400 ms: the update is pending while these are checked.
    await members.create({ id: 2, email: 'a@x.org' })
    await expect(members.create({ id: 3, email: 'b@x.org' })).rejects.toBeInstanceOf(UniqueConstraintError)
    const emails = (await members.findAll()).map((m) => `${m.id}:${m.email}`).sort()
    expect(emails).toEqual(['1:b@x.org', '2:a@x.org'])
    await expect(members.create({ id: 4, email: 'a@x.org' })).rejects.toBeInstanceOf(UniqueConstraintError)
  })
})

describe('log-first inserts across processes', { timeout: 120_000 }, () => {
  const worker = useWorkerScript('log-first-worker')

  it('a reader in another process sees every create the moment it was acknowledged', async () => {
    const reader = openStore(tmp.dir)
    const writer = new WorkerProcess(worker.script, ['wait', tmp.dir, '0', '40'])
    const missed: number[] = []
    for (let id = 0; id < 40; id++) {
      await writer.waitFor('ACK', id + 1)
      if (!writer.lines.includes(`ACK ${id} {}`)) break
      if (!(await Item.repo(reader).find(id))) missed.push(id)
    }
    await writer.waitFor('WAITING')
    writer.send('exit')
    expect(await writer.exited).toBe(0)
    expect(writer.failures()).toEqual([])
    expect(missed).toEqual([])
    expect(await ids(reader)).toEqual(range(0, 40))
  })

  it('a writer killed with creates pending: the next reader publishes each acknowledged one exactly once', async () => {
    const writer = new WorkerProcess(worker.script, ['kill', tmp.dir, '0', '25'])
    await writer.exited
    expect(writer.failures().filter((f) => !f.startsWith('ACK'))).toEqual([])
    const acked = writer.lines.filter((l) => l.startsWith('ACK')).map((l) => Number(l.split(' ')[1]))
    expect(acked).toEqual(range(0, 25))
    const [a, b] = [openStore(tmp.dir), openStore(tmp.dir)]
    const [inA, inB] = await Promise.all([ids(a), ids(b)])
    expect(inA).toEqual(acked)
    expect(inB).toEqual(acked)
    // The dead writer's log is gone; its marker goes with the next writer's session.
    expect((await readdir(join(tmp.dir, 'items', INSERTS_DIR))).filter((n) => n.endsWith('.log'))).toEqual([])
    await Item.repo(a).create({ id: 100, name: 'after' })
    await a.settled()
    expect(await readdir(join(tmp.dir, 'items', INSERTS_DIR))).toEqual([])
    expect(await readdir(join(tmp.dir, 'items', '_delta_log'))).not.toContain(PENDING_MARKER)
    expect(await ids(openStore(tmp.dir))).toEqual([...acked, 100])
  })

  it('a writer killed with updates pending: the next reader applies each acknowledged one once, old rows gone', async () => {
    const made = openStore(tmp.dir)
    await Item.repo(made).saveAll(
      range(0, 30).map((id) => Object.assign(new Item(), { id, name: `item ${id}` })),
    )
    await made.settled()
    const writer = new WorkerProcess(worker.script, ['kill', tmp.dir, '0', '30', 'update'])
    await writer.exited
    expect(writer.failures().filter((f) => !f.startsWith('ACK'))).toEqual([])
    const acked = writer.lines.filter((l) => l.startsWith('ACK')).map((l) => Number(l.split(' ')[1]))
    expect(acked).toEqual(range(0, 30))
    const want = range(0, 30)
      .map((id) => `${id}:updated ${id}`)
      .sort()
    const [a, b] = [openStore(tmp.dir), openStore(tmp.dir)]
    const [inA, inB] = await Promise.all([itemNames(a), itemNames(b)])
    expect(inA).toEqual(want)
    expect(inB).toEqual(want)
    expect(await Item.repo(a).count()).toBe(30)
    expect((await readdir(join(tmp.dir, 'items', INSERTS_DIR))).filter((n) => n.endsWith('.log'))).toEqual([])
  })

  it('two processes creating the same keys: each key is acknowledged to exactly one, and stored once', async () => {
    const store = openStore(tmp.dir)
    await Item.repo(store).create({ id: -1, name: 'table made' })
    await store.settled()
    const writers = [0, 1].map(() => new WorkerProcess(worker.script, ['create', tmp.dir, '0', '40']))
    await Promise.all(writers.map((w) => w.exited))
    const acked = writers.flatMap((w) =>
      w.lines.filter((l) => l.startsWith('ACK')).map((l) => Number(l.split(' ')[1])),
    )
    const refused = writers.flatMap((w) => w.lines.filter((l) => l.startsWith('NACK')))
    expect(acked.sort((x, y) => x - y)).toEqual(range(0, 40))
    expect(refused).toHaveLength(40)
    expect(refused.every((l) => l.endsWith('UniqueConstraintError'))).toBe(true)
    expect(await ids(openStore(tmp.dir))).toEqual([-1, ...range(0, 40)])
  })

  it('two processes creating the same @unique values: each value is acknowledged to exactly one, stored once', async () => {
    const store = openStore(tmp.dir)
    await Member.repo(store).create({ id: -1, email: 'first@x.org' })
    await store.settled()
    // Ids 0.. and 1000..: the same emails (memberEmail), different keys.
    const writers = [0, 1000].map(
      (first) => new WorkerProcess(worker.script, ['create', tmp.dir, String(first), '40', 'member']),
    )
    await Promise.all(writers.map((w) => w.exited))
    const acked = writers.flatMap((w) =>
      w.lines.filter((l) => l.startsWith('ACK')).map((l) => Number(l.split(' ')[1])),
    )
    const refused = writers.flatMap((w) => w.lines.filter((l) => l.startsWith('NACK')))
    expect(acked.map((id) => id % 1000).sort((x, y) => x - y)).toEqual(range(0, 40))
    expect(refused).toHaveLength(40)
    expect(refused.every((l) => l.endsWith('UniqueConstraintError'))).toBe(true)
    const stored = await Member.repo(openStore(tmp.dir)).findAll()
    expect(stored.map((m) => m.id).sort((x, y) => x - y)).toEqual([-1, ...acked.sort((x, y) => x - y)])
    expect(stored.every((m) => m.email === (m.id < 0 ? 'first@x.org' : memberEmail(m.id)))).toBe(true)
  })
})

/**
 * After a run on a power-loss file system (marked 'modelled' at its start): the run went through the insert log, and
 * the disk as a power loss after any step left it reads as the acknowledged writes (or with the next one too).
 */
async function expectImagesKeep(
  fs: PowerLossFileSystem,
  store: EntityStore,
  states: readonly unknown[],
  read: (store: EntityStore) => Promise<unknown>,
): Promise<void> {
  await store.settled()
  expect(fs.describe().some((step) => step.includes(INSERTS_DIR))).toBe(true)
  await expectEveryPowerLossKeepsAcknowledged(
    fs,
    states,
    join(tmp.dir, 'images'),
    (image) => read(openStore(image)).catch((e: unknown) => String(e)),
    'modelled',
  )
}

describe('log-first inserts and power loss', () => {
  it('a power loss at any step keeps every acknowledged create (pending or published) and nothing twice', async () => {
    const base = join(tmp.dir, 'store')
    const made = openStore(base)
    await Item.repo(made).create({ id: 0, name: 'zero' })
    await made.settled()
    const fs = await PowerLossFileSystem.of(base)
    const store = openStore(base, { fs })
    const items = Item.repo(store)
    fs.mark('modelled')
    // Creates back to back (pending together), a read (publication), then more.
    const states: number[][] = [[0]]
    const create = async (id: number) => {
      await items.create({ id, name: `n${id}` })
      fs.mark(`create ${id}`)
      states.push([...(states.at(-1) as number[]), id])
    }
    await create(1)
    await create(2)
    await create(3)
    expect(await ids(store)).toEqual([0, 1, 2, 3])
    await create(4)
    await expectImagesKeep(fs, store, states, ids)
  })

  it('a power loss at any step keeps every acknowledged update, and no key twice', async () => {
    const base = join(tmp.dir, 'store')
    const made = openStore(base)
    await Item.repo(made).saveAll(range(0, 4).map((id) => Object.assign(new Item(), { id, name: `n${id}` })))
    await made.settled()
    const fs = await PowerLossFileSystem.of(base)
    const store = openStore(base, { fs })
    const items = Item.repo(store)
    fs.mark('modelled')
    const names = new Map(range(0, 4).map((id) => [id, `n${id}`]))
    const state = () => [...names].map(([id, name]) => `${id}:${name}`).sort()
    const states: string[][] = [state()]
    const update = async (id: number, name: string) => {
      await items.save(Object.assign(new Item(), { id, name }))
      fs.mark(`update ${id}`)
      names.set(id, name)
      states.push(state())
    }
    // Updates back to back (pending together), a read (publication), then more.
    await update(1, 'one')
    await update(2, 'two')
    expect(await itemNames(store)).toEqual(state())
    await update(1, 'uno')
    await expectImagesKeep(fs, store, states, itemNames)
  })
})
