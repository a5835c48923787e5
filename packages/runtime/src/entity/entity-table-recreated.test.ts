// A table folder deleted and created again while a store keeps its table open (as test suites and reset scripts do).
import { rmSync } from 'node:fs'
import { expect, it } from 'vitest'
import { useTempDir } from '../table/__fixtures__/temp-dir.js'
import { entityIRFor } from './__fixtures__/test-ir.js'
import * as pf from './index.js'

const tmp = useTempDir('pf-recreated-')

it.each(['parquet', 'avro'] as const)(
  'a store whose %s table folder was deleted and created again reads and writes the new table',
  async (format) => {
    class Ticket extends pf.Entity {}
    pf.withRegistry(new pf.EntityRegistry(), () =>
      pf.registerEntity(Ticket, { ...entityIRFor('Ticket', { id: 'Int', label: 'String' }), format }),
    )
    type Repo = pf.Repository<Record<string, unknown>>
    const app = pf.openStore(tmp.dir).repository(Ticket) as unknown as Repo
    await app.create({ id: 1, label: 'a' })
    await app.create({ id: 2, label: 'b' })
    expect((await app.findMany({})).map((t) => t.id)).toEqual([1, 2])
    // A reset: the data is deleted and another store (a seed script) writes a new table at the same path.
    rmSync(tmp.dir, { recursive: true, force: true })
    const seed = pf.openStore(tmp.dir).repository(Ticket) as unknown as Repo
    await seed.create({ id: 5, label: 'seeded' })
    await app.create({ id: 4, label: 'd' })
    expect((await app.findMany({ orderBy: { id: 'asc' } })).map((t) => t.id)).toEqual([4, 5])
    expect((await seed.findMany({ orderBy: { id: 'asc' } })).map((t) => t.id)).toEqual([4, 5])
    expect(await app.count()).toBe(2)
  },
)
