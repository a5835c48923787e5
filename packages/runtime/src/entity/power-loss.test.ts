// The entity layer's small writes (a create's file written from its values, behind the commit) keep the commit
// protocol's durability: a power loss after any file-system step of a run of creates, saves and deletes leaves a
// store that opens and holds exactly the writes acknowledged before it, or those and the one in flight.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PowerLossFileSystem } from '../table/__fixtures__/power-loss-file-system.js'
import { useTempDir } from '../table/__fixtures__/temp-dir.js'
import { registeredMember } from './__fixtures__/member-entity.js'
import * as pf from './index.js'

const tmp = useTempDir('pf-entity-power-loss-')

describe('power loss at every step of a run of entity writes', () => {
  for (const unique of [false, true]) {
    it(`keeps every acknowledged write${unique ? ' (@unique email)' : ''}`, async () => {
      const Member = registeredMember({ unique })
      const store = join(tmp.dir, 'store')
      // The table made before the model starts: its files count as flushed.
      const first = pf.openStore(store)
      await Member.repo(first).create({ id: 1, email: 'a@example.com', writer: 't' })
      await first.settled()

      const fs = await PowerLossFileSystem.of(store)
      const opened = pf.openStore(store, { fs })
      const repo = Member.repo(opened)
      const rows = async (r: typeof repo) =>
        (await r.findAll()).map((m) => `${m.id}:${m.email}`).sort((a, b) => a.localeCompare(b))
      const states = [await rows(repo)]
      const run: [string, () => Promise<unknown>][] = [
        ['create 2', () => repo.create({ id: 2, email: 'b@example.com', writer: 't' })],
        ['create 3', () => repo.create({ id: 3, email: 'c@example.com', writer: 't' })],
        [
          'save 1',
          async () => {
            const m = await repo.find(1)
            if (!m) throw new Error('member 1 missing')
            m.email = 'a2@example.com'
            return repo.save(m)
          },
        ],
        ['delete 2', () => repo.deleteBy({ id: 2 })],
        ['create 4', () => repo.create({ id: 4, email: 'd@example.com', writer: 't' })],
      ]
      for (const [label, write] of run) {
        await write()
        fs.mark(label)
        states.push(await rows(repo))
      }
      await opened.settled()

      for (let k = 0; k <= fs.length; k++) {
        const image = join(tmp.dir, `image-${unique}-${k}`)
        await fs.imageAt(k, image)
        const acked = fs.marksBefore(k).length
        const allowed = [states[acked], states[acked + 1]].filter((s) => s !== undefined)
        const context = `power loss after step ${k}:\n${fs.describe(k).join('\n')}`
        const found = await rows(Member.repo(pf.openStore(image))).catch((e: unknown) => String(e))
        expect(allowed, `${context}\nread: ${JSON.stringify(found)}`).toContainEqual(found)
      }
    })
  }

  it('keeps the first write, which creates the table (its folders made durable in their parents)', async () => {
    const Member = registeredMember({})
    const store = join(tmp.dir, 'empty-store')
    const fs = await PowerLossFileSystem.of(store)
    const opened = pf.openStore(store, { fs })
    await Member.repo(opened).create({ id: 1, email: 'a@example.com', writer: 't' })
    fs.mark('create 1')
    await opened.settled()
    const after = fs.describe().findIndex((s) => s.includes('-- create 1')) + 1
    expect(after).toBeGreaterThan(0)
    for (let k = after; k <= fs.length; k++) {
      const image = join(tmp.dir, `image-first-${k}`)
      await fs.imageAt(k, image)
      const found = await Member.repo(pf.openStore(image))
        .findAll()
        .then((all) => all.map((m) => m.id))
        .catch((e: unknown) => String(e))
      expect(found, `power loss after step ${k}:\n${fs.describe(k).join('\n')}`).toEqual([1])
    }
  })
})
