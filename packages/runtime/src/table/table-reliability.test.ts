import { readdir } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { idsOf, range, userEntity, userEnums } from './__fixtures__/user-entity.js'
import { useUsersTablePath } from './__fixtures__/users-table-setup.js'
import { useWorkerScript, WorkerProcess } from './__fixtures__/worker-process.js'
import { createTable, openTable } from './table.js'

const ws = useUsersTablePath()
const worker = useWorkerScript()

beforeEach(async () => {
  await createTable(ws.path, { entity: userEntity, enums: userEnums })
})

/** name by id of the whole table. */
async function contents(): Promise<Map<number, string>> {
  const df = await (await openTable(ws.path)).read({ columns: ['id', 'name'] })
  const ids = df.getColumn('id').toArray() as number[]
  const names = df.getColumn('name').toArray() as string[]
  expect(new Set(ids).size).toBe(ids.length)
  return new Map(ids.map((id, i) => [id, names[i] as string]))
}

async function filesUnder(root: string): Promise<string[]> {
  const out: string[] = []
  for (const e of await readdir(root, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(relative(ws.path, join(e.parentPath, e.name)).split(sep).join('/'))
  }
  return out.sort()
}

describe('real processes', { timeout: 300_000 }, () => {
  it('4 processes insert 200 distinct keys each: 800 rows, contiguous versions, every version readable', async () => {
    const workers = [1, 2, 3, 4].map(
      (id) => new WorkerProcess(worker.script, ['insert', ws.path, String(id), '200']),
    )
    await Promise.all(workers.map((w) => w.exited))
    for (const w of workers) expect(w.failures()).toEqual([])
    const acks = workers.flatMap((w) => w.acks<{ key: number }>())
    const table = await openTable(ws.path)
    // Automatic compaction (256 small files) adds COMPACT versions between the inserts: they change no row.
    const history = await table.history()
    expect(history.map((h) => h.version)).toEqual(range(0, table.version + 1))
    const inserts = history.filter((h) => h.operation === 'INSERT')
    expect(inserts.map((h) => h.version)).toEqual(acks.map((a) => a.version).sort((a, b) => a - b))
    expect(inserts).toHaveLength(800)
    expect(history.filter((h) => h.operation === 'COMPACT').length).toBeGreaterThan(0)
    const expected = [1, 2, 3, 4].flatMap((id) => range(id * 1000, id * 1000 + 200))
    expect(idsOf(await table.read())).toEqual(expected.sort((a, b) => a - b))
    const insertedBy = (v: number) => acks.filter((a) => a.version <= v).map((a) => a.payload.key)
    for (const v of range(0, table.version + 1))
      expect((await table.at(v)).numRows).toBe(insertedBy(v).length)
    for (const v of [1, 99, 100, 101, 257, 500, table.version - 1]) {
      const ids = idsOf(await (await table.at(v)).read())
      expect(ids).toEqual(insertedBy(v).sort((a, b) => a - b))
    }
  })

  it('4 processes upsert overlapping keys: the table equals the acknowledged commits in version order', async () => {
    const workers = [1, 2, 3, 4].map(
      (id) => new WorkerProcess(worker.script, ['upsert', ws.path, String(id), '30']),
    )
    await Promise.all(workers.map((w) => w.exited))
    for (const w of workers) expect(w.failures()).toEqual([])
    const acks = workers
      .flatMap((w) => w.acks<{ keys: number[]; name: string }>())
      .sort((a, b) => a.version - b.version)
    expect(acks.map((a) => a.version)).toEqual(range(1, 121))
    const model = new Map<number, string>()
    for (const a of acks) for (const k of a.payload.keys) model.set(k, `${a.payload.name}${k}`)
    expect(await contents()).toEqual(model)
  })

  it('a writer killed with SIGKILL 50 times: the table holds exactly the acknowledged commits; vacuum leaves no orphan', async () => {
    const model = new Map<number, string>()
    type Op = { op: 'insert' | 'upsert' | 'delete'; key: number; name: string }
    const apply = (o: Op): void => void (o.op === 'delete' ? model.delete(o.key) : model.set(o.key, o.name))
    let next = new WorkerProcess(worker.script, ['loop', ws.path, '1'])
    let acked = 0
    let inFlightLanded = 0
    let waitedFor = 0
    for (let round = 1; round <= 50; round++) {
      const current = next
      await current.waitFor('READY')
      if (round < 50) next = new WorkerProcess(worker.script, ['loop', ws.path, String(round + 1)])
      current.send('go')
      // Kill after 0-2 acknowledged commits plus a random delay: anywhere in a commit, whatever the machine's speed.
      const target = Math.floor(Math.random() * 3)
      waitedFor += target
      await current.waitFor('ACK', target)
      await new Promise((r) => setTimeout(r, Math.random() * 80))
      current.child.kill('SIGKILL')
      await current.exited
      const acks = current.acks<Op>()
      for (const a of acks) apply(a.payload)
      acked += acks.length
      const intents = current.lines.filter((l) => l.startsWith('INTENT '))
      const last = intents.at(-1)
      if (intents.length > acks.length && last) {
        const op = JSON.parse(last.slice(7)) as Op
        const row = await (await openTable(ws.path)).findByKey(op.key)
        const name = row?.getColumn('name').get(0) as string | undefined
        const landed = op.op === 'delete' ? row === null && model.has(op.key) : name === op.name
        if (landed) {
          apply(op)
          inFlightLanded++
        }
      }
      expect(await contents()).toEqual(model)
    }
    expect(acked).toBeGreaterThanOrEqual(waitedFor)
    const table = await openTable(ws.path)
    // No writer runs any more: the killed writers' orphans may go at once (vacuum keeps them a day otherwise).
    await table.vacuum({ retentionMs: 0, unreferencedMinAgeMs: 0 })
    const live = (await table.snapshot()).files.map((f) => f.add.path)
    const onDisk = (await filesUnder(ws.path)).filter(
      (f) => !f.startsWith('_delta_log/') && !f.startsWith('_pf/'),
    )
    expect(onDisk).toEqual(live.sort())
    expect((await filesUnder(ws.path)).filter((f) => f.endsWith('.tmp'))).toEqual([])
    expect(await contents()).toEqual(model)
    expect(inFlightLanded).toBeLessThanOrEqual(50)
  })
})
