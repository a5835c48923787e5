// A lookup whose indexes are all held in memory takes them from the cache at once: no per-file load call (and await).
import { describe, expect, it, vi } from 'vitest'
import { registeredMember } from '../entity/__fixtures__/member-entity.js'
import * as pf from '../entity/index.js'
import { useTempDir } from '../table/__fixtures__/temp-dir.js'

const tmp = useTempDir('pf-warm-lookup-')

describe('a warm index lookup', () => {
  it('unique checks against indexes held in memory load none, and still find a clash', async () => {
    const Member = registeredMember({ unique: true })
    const repo = Member.repo(pf.openStore(tmp.dir))
    await repo.saveAll(Array.from({ length: 20 }, (_, i) => ({ id: i, email: `m${i}@x.org`, writer: 't' })))
    expect(await repo.count()).toBe(20) // published: stored, no longer pending (docs/tables.md, "Log-first inserts")
    // The first check builds the index of the file whose statistics may hold the value.
    await repo.create({ id: 100, email: 'm15@y.org', writer: 't' })
    const loads = vi.spyOn(repo.indexes, 'fileIndex')
    await repo.create({ id: 101, email: 'm16@y.org', writer: 't' })
    await expect(repo.create({ id: 102, email: 'm5@x.org', writer: 't' })).rejects.toBeInstanceOf(
      pf.UniqueConstraintError,
    )
    expect(loads).not.toHaveBeenCalled()
    expect(repo.indexes.stats.builds).toBe(1)
  })
})
