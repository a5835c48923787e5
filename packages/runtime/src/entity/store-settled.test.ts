// store.settled(): a create returns before the automatic compaction it made due, and before its write lock is
// released (handed over); settled() waits for both.
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { gate } from '../table/__fixtures__/gate.js'
import { useTempDir } from '../table/__fixtures__/temp-dir.js'
import { FaultyFileSystem } from '../table/faulty-file-system.js'
import { openTable } from '../table/table.js'
import { AUTO_COMPACT } from '../table/table-maintenance.js'
import { registeredMember } from './__fixtures__/member-entity.js'
import * as pf from './index.js'

const tmp = useTempDir('pf-store-settled-')

describe('store.settled()', () => {
  it('waits for the automatic compaction a create started in the background', async () => {
    const Member = registeredMember()
    const fs = new FaultyFileSystem()
    const store = pf.openStore(tmp.dir, { fs })
    const repo = Member.repo(store)
    // One-row files, one per create, up to one short of the automatic compaction's threshold.
    for (let i = 0; i < AUTO_COMPACT.files - 1; i++)
      await repo.create({ id: i, email: `u${i}@x.org`, writer: 'a' })
    const started = gate()
    const release = gate()
    fs.inject({
      op: 'readFile',
      path: /part-[^/]*\.parquet$/,
      before: async () => {
        started.open()
        await release.opened
      },
    })
    const last = AUTO_COMPACT.files - 1
    expect((await repo.create({ id: last, email: `u${last}@x.org`, writer: 'a' })).id).toBe(last)
    await started.opened
    let settled = false
    const settling = store.settled().then(() => {
      settled = true
    })
    const table = await openTable(join(tmp.dir, 'members'))
    const operations = async () => (await table.history()).map((h) => h.operation)
    expect(await operations()).not.toContain('COMPACT')
    expect(settled).toBe(false)
    release.open()
    await settling
    expect((await operations()).at(-1)).toBe('COMPACT')
    expect((await table.snapshot()).files).toHaveLength(1)
    const ids = (await Member.repo(pf.openStore(tmp.dir)).findAll()).map((m) => m.id).sort((a, b) => a - b)
    expect(ids).toEqual(Array.from({ length: AUTO_COMPACT.files }, (_, i) => i))
  })

  it('waits for the release of the write lock a @unique create keeps for a next create', async () => {
    const Member = registeredMember({ unique: true })
    const fs = new FaultyFileSystem()
    const store = pf.openStore(tmp.dir, { fs })
    const repo = Member.repo(store)
    await repo.create({ id: 1, email: 'a@x.org', writer: 'a' })
    const lockDir = join(tmp.dir, 'members', '_pf')
    // The release removes the lock: held there until the test opens the gate.
    const removing = gate()
    const release = gate()
    fs.inject({
      op: 'unlink',
      path: /unique\.lock$/,
      before: async () => {
        removing.open()
        await release.opened
      },
    })
    const settling = store.settled().then(() => 'settled')
    await removing.opened
    // The table's own background work is done long before this; only the lock's removal can still hold settled().
    expect(await Promise.race([settling, sleep(1000).then(() => 'waiting')])).toBe('waiting')
    expect(await readdir(lockDir)).toContain('unique.lock')
    release.open()
    await settling
    expect(await readdir(lockDir)).not.toContain('unique.lock')
    // The lock is free for another process's writer: a second store (its own lock chain) creates at once.
    const other = Member.repo(pf.openStore(tmp.dir))
    expect((await other.create({ id: 2, email: 'b@x.org', writer: 'b' })).id).toBe(2)
  })
})
