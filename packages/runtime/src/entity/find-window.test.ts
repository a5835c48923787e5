import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import type { EntityIR, FieldIR } from '../schema/schema-ir.js'
import { Entity, EntityRegistry, openStore, registerEntity, withRegistry } from './index.js'

// An offset past every matching row of a filtered scan over several files: polars 0.53 aborted the process
// (a panic in accumulate_dataframes_vertical) on such a lazy slice.

class Note extends Entity {
  id!: number
  tag!: string
}

const field = (name: string, id: number, type: 'Int' | 'String'): FieldIR => ({
  name,
  id,
  column: name,
  type: { kind: 'scalar', name: type },
  optional: false,
  isId: name === 'id',
  unique: false,
  index: false,
})

const ir: EntityIR = {
  name: 'Note',
  storage: 'notes',
  format: 'parquet',
  primaryKey: ['id'],
  partitionBy: [],
  fields: [field('id', 1, 'Int'), field('tag', 2, 'String')],
  relations: [],
  indexes: [],
  uniques: [],
}

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pf-window-'))
})
afterEach(() => rm(dir, { recursive: true, force: true }))

it('findMany, stream and lazy with an offset past the matching rows of several files return nothing', async () => {
  const registry = new EntityRegistry()
  withRegistry(registry, () => registerEntity(Note, ir))
  const repo = withRegistry(registry, () => openStore(dir).repository(Note))
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
