// where through the repository: conditions the table also uses for file pruning must keep their meaning.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { entityIRFor } from './__fixtures__/test-ir.js'
import * as pf from './index.js'

let dir = ''
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pf-where-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe.each(['parquet', 'avro'] as const)('where on stored %s tables', (format) => {
  it('Decimal comparisons and equality are numeric, across several files', async () => {
    class Price extends pf.Entity {}
    pf.withRegistry(new pf.EntityRegistry(), () =>
      pf.registerEntity(Price, { ...entityIRFor('Price', { id: 'Int', amount: 'Decimal' }), format }),
    )
    const repo = pf.openStore(dir).repository(Price) as unknown as pf.Repository<{
      id: number
      amount: string
    }>
    await repo.saveAll([
      { id: 1, amount: '10' },
      { id: 2, amount: '9' },
    ])
    await repo.saveAll([
      { id: 3, amount: '100.5' },
      { id: 4, amount: '-2' },
    ])
    const ids = async (where: pf.WhereInput<{ id: number; amount: string }>) =>
      (await repo.findMany({ where, orderBy: { id: 'asc' } })).map((p) => p.id)
    expect(await ids({ amount: { gt: '9' } })).toEqual([1, 3])
    expect(await ids({ amount: { lte: '9.0' } })).toEqual([2, 4])
    expect(await ids({ amount: '100.50' })).toEqual([3])
    expect(await repo.count({ amount: { in: ['10.0', '-2'] } })).toBe(2)
  })
})
