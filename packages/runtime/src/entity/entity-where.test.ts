// where through the repository: conditions the table also uses for file pruning must keep their meaning.
import { describe, expect, it } from 'vitest'
import { useTempDir } from '../table/__fixtures__/temp-dir.js'
import { entityIRFor } from './__fixtures__/test-ir.js'
import * as pf from './index.js'

const tmp = useTempDir('pf-where-')

describe.each(['parquet', 'avro'] as const)('where on stored %s tables', (format) => {
  it('Decimal comparisons and equality are numeric, across several files', async () => {
    class Price extends pf.Entity {}
    pf.withRegistry(new pf.EntityRegistry(), () =>
      pf.registerEntity(Price, { ...entityIRFor('Price', { id: 'Int', amount: 'Decimal' }), format }),
    )
    const repo = pf.openStore(tmp.dir).repository(Price) as unknown as pf.Repository<{
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

  it('orderBy on a Decimal is numeric and exact (never text order: "10.5" after "9"), nulls last', async () => {
    class Amount extends pf.Entity {}
    pf.withRegistry(new pf.EntityRegistry(), () =>
      pf.registerEntity(Amount, {
        ...entityIRFor('Amount', { id: 'Int', amount: 'Decimal(38,12)?' }),
        format,
      }),
    )
    const repo = pf.openStore(tmp.dir).repository(Amount) as unknown as pf.Repository<{
      id: number
      amount: string | null
    }>
    const amounts = [
      '10.5',
      '9',
      null,
      '-3.5',
      '0.10',
      '-0',
      '12345678901234567890123456.000000000002',
      '12345678901234567890123456.000000000001',
      '-10.25',
      '-10.250001',
      '0.1',
    ]
    await repo.saveAll(amounts.slice(0, 5).map((amount, i) => ({ id: i, amount })))
    await repo.saveAll(amounts.slice(5).map((amount, i) => ({ id: i + 5, amount })))
    const ordered = async (dir: 'asc' | 'desc') =>
      (await repo.findMany({ orderBy: [{ amount: dir }, { id: 'asc' }] })).map((p) => p.amount)
    const asc = [
      '-10.250001',
      '-10.25',
      '-3.5',
      '-0',
      '0.10',
      '0.1',
      '9',
      '10.5',
      '12345678901234567890123456.000000000001',
      '12345678901234567890123456.000000000002',
      null,
    ]
    // A Decimal(38,12) reads back with 12 fraction digits (and -0 as 0), in both formats.
    const shown = (v: string | null) => {
      if (v === null) return v
      const [int = '', frac = ''] = v.replace('-', '').split('.')
      const text = `${int}.${frac.padEnd(12, '0')}`
      return v.startsWith('-') && /[1-9]/.test(text) ? `-${text}` : text
    }
    expect(await ordered('asc')).toEqual(asc.map(shown))
    // Equal values keep the next key's order ('0.10' is id 4, '0.1' id 10), nulls stay last.
    expect(await ordered('desc')).toEqual(
      [
        '12345678901234567890123456.000000000002',
        '12345678901234567890123456.000000000001',
        '10.5',
        '9',
        '0.10',
        '0.1',
        '-0',
        '-3.5',
        '-10.25',
        '-10.250001',
        null,
      ].map(shown),
    )
    const page = await repo.findMany({
      orderBy: { amount: 'asc' },
      limit: 3,
      offset: 5,
      select: { amount: true },
    })
    expect(page.map((p) => p.amount)).toEqual(['0.1', '9', '10.5'].map(shown))
  })
})
