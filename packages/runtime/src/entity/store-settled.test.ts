// store.settled(): a create returns before the automatic compaction it made due; settled() waits for it.
import { join } from 'node:path'
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
})
