import { expect, it } from 'vitest'
import { useTempDir } from '../table/__fixtures__/temp-dir.js'
import { registeredRepository } from './__fixtures__/store-setup.js'
import { entityIRFor } from './__fixtures__/test-ir.js'
import { Entity, openStore } from './index.js'

// An offset past every matching row of a filtered scan over several files: polars 0.53 aborted the process
// (a panic in accumulate_dataframes_vertical) on such a lazy slice.

class Note extends Entity {
  id!: number
  tag!: string
}

const ir = entityIRFor('Note', { id: 'Int', tag: 'String' }, { storage: 'notes' })

const tmp = useTempDir('pf-window-')

it('findMany, stream and lazy with an offset past the matching rows of several files return nothing', async () => {
  const repo = registeredRepository(openStore(tmp.dir), Note, ir)
  await repo.saveAll([
    { id: 1, tag: 'a' },
    { id: 2, tag: '' },
  ])
  await repo.saveAll([{ id: 3, tag: 'c' }])
  for (let i = 4; i < 9; i++) await repo.saveAll([{ id: i, tag: i % 2 === 0 ? 'x' : 'y' }])
  const where = { tag: '' }
  for (let offset = 1; offset < 7; offset++) {
    expect(await repo.findMany({ where, offset, limit: 2 })).toEqual([])
    expect(await repo.findMany({ where: { AND: [where] }, offset, limit: 2 })).toEqual([])
    expect((await repo.lazy({ where, offset, limit: 2 })).collectSync().height).toBe(0)
  }
  expect(
    (await repo.findMany({ where: { tag: { not: 'x' } }, offset: 1, limit: 1 })).map((n) => n.id),
  ).toEqual([2])
  const streamed: number[] = []
  for await (const n of repo.stream({ where, offset: 3, batchSize: 1 })) streamed.push(n.id)
  expect(streamed).toEqual([])
  expect((await (await repo.lazy({ where, offset: 5, limit: 2 })).collect()).height).toBe(0)
  const rest = await (await repo.lazy({ where: { tag: { not: 'x' } }, offset: 1 })).collect()
  expect(rest.getColumn('id').toArray()).toEqual([2, 3, 5, 7])
})
