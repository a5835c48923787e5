// The entity layer's small writes (a create's file written from its values, behind the commit) keep the commit
// protocol's durability: a power loss after any file-system step of a run of creates, saves and deletes leaves a
// store that opens and holds exactly the writes acknowledged before it, or those and the one in flight.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  expectEveryPowerLossKeepsAcknowledged,
  PowerLossFileSystem,
} from '../table/__fixtures__/power-loss-file-system.js'
import { useTempDir } from '../table/__fixtures__/temp-dir.js'
import { type MemberOptions, registeredMember } from './__fixtures__/member-entity.js'
import * as pf from './index.js'

const tmp = useTempDir('pf-entity-power-loss-')

/** The members a reader sees, as `id:email` sorted. */
const rows = async (repo: {
  findAll(): Promise<readonly { id: number; email: string }[]>
}): Promise<string[]> =>
  (await repo.findAll()).map((m) => `${m.id}:${m.email}`).sort((a, b) => a.localeCompare(b))

describe.each([
  ['through the commit log', false],
  ['flushing every file (a file system without appends)', true],
])('power loss at every step of a run of entity writes, %s', (_, withoutLog) => {
  const variants: { label: string; options: MemberOptions }[] = [
    { label: '', options: {} },
    { label: ' (@unique email)', options: { unique: true } },
    { label: ' (Avro data files)', options: { format: 'avro' } },
  ]
  for (const { label: variant, options } of variants) {
    it(`keeps every acknowledged create, save and delete${variant}`, async () => {
      const Member = registeredMember(options)
      const store = join(tmp.dir, 'store')
      // The table made before the model starts: its files count as flushed.
      const first = pf.openStore(store)
      await Member.repo(first).create({ id: 1, email: 'a@example.com', writer: 't' })
      await first.settled()

      const fs = await PowerLossFileSystem.of(store, undefined, { withoutLog })
      const opened = pf.openStore(store, { fs })
      const repo = Member.repo(opened)
      const writes: [string, () => Promise<unknown>][] = [
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
      const states = [await rows(repo)]
      for (const [label, write] of writes) {
        await write()
        fs.mark(label)
        states.push(await rows(repo))
      }
      await opened.settled()
      await expectEveryPowerLossKeepsAcknowledged(fs, states, join(tmp.dir, 'images'), (image) =>
        rows(Member.repo(pf.openStore(image))).catch((e: unknown) => String(e)),
      )
    })
  }

  it('keeps the first write, which creates the table (its folders flushed into their parents)', async () => {
    const Member = registeredMember({})
    const store = join(tmp.dir, 'empty-store')
    const fs = await PowerLossFileSystem.of(store, undefined, { withoutLog })
    const opened = pf.openStore(store, { fs })
    const repo = Member.repo(opened)
    fs.mark('start')
    await repo.create({ id: 1, email: 'a@example.com', writer: 't' })
    fs.mark('create 1')
    await opened.settled()
    await expectEveryPowerLossKeepsAcknowledged(
      fs,
      [[], ['1:a@example.com']],
      join(tmp.dir, 'images'),
      (image) => rows(Member.repo(pf.openStore(image))).catch((e: unknown) => String(e)),
      'start',
    )
  })

  it('never hands out an autoincrement value an acknowledged create got, whatever step the power loss follows', async () => {
    const Member = registeredMember({ auto: true })
    // A member without an id: the store hands one out.
    const fresh = (email: string) => Object.assign(new Member(), { email, writer: 't' })
    const store = join(tmp.dir, 'auto-store')
    const first = pf.openStore(store)
    await Member.repo(first).save(fresh('a@example.com'))
    await first.settled()
    const fs = await PowerLossFileSystem.of(store, undefined, { withoutLog })
    const opened = pf.openStore(store, { fs })
    const repo = Member.repo(opened)
    const handedOut = [(await repo.findAll()).map((m) => m.id)]
    const writes: [string, () => Promise<unknown>][] = [
      ['create', () => repo.save(fresh('b@example.com'))],
      ['create', () => repo.save(fresh('c@example.com'))],
      ['delete all', () => repo.deleteAll()],
      ['create', () => repo.save(fresh('d@example.com'))],
    ]
    let ids = [...(handedOut[0] ?? [])]
    for (const [label, write] of writes) {
      const made = await write()
      if (typeof made === 'object' && made !== null && 'id' in made) ids = [...ids, made.id as number]
      fs.mark(label)
      handedOut.push(ids)
    }
    await opened.settled()
    for (let k = 0; k <= fs.length; k++) {
      const image = join(tmp.dir, 'auto-images', `image-${k}`)
      await fs.imageAt(k, image)
      const acked = handedOut[fs.marksBefore(k).length] ?? []
      const next = await Member.repo(pf.openStore(image))
        .save(fresh('after@example.com'))
        .then((m) => m.id)
        .catch((e: unknown) => String(e))
      expect(typeof next, `power loss after step ${k}: ${next}\n${fs.describe(k).join('\n')}`).toBe('number')
      expect(next, `power loss after step ${k}\n${fs.describe(k).join('\n')}`).toBeGreaterThan(
        Math.max(...acked),
      )
    }
  })
})
