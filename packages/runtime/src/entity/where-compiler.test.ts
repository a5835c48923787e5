import type pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
import type { FieldIR } from '../schema/schema-ir.js'
import { entityIRFor, ROLE } from './__fixtures__/test-ir.js'
import { QueryError } from './entity-errors.js'
import { frameFromEntities } from './entity-frame-codec.js'
import { compileWhere, type WhereContext } from './where-compiler.js'

const ir = entityIRFor('User', {
  id: 'Int',
  name: 'String',
  age: 'Int?',
  score: 'Float',
  big: 'BigInt',
  at: 'DateTime',
  day: 'Date?',
  role: 'enum:Role',
  tags: 'String[]',
  active: 'Boolean',
  meta: 'Json?',
})
const ctx: WhereContext = {
  entity: 'User',
  fields: new Map(ir.fields.map((f): [string, FieldIR] => [f.name, f])),
  enums: new Map([['Role', ROLE]]),
}
const rows = [
  {
    id: 1,
    name: 'Alice',
    age: 30,
    score: 1.5,
    big: 9007199254740993n,
    at: new Date('2024-01-01T00:00:00Z'),
    day: '2024-01-01',
    role: 'ADMIN',
    tags: ['a', 'b'],
    active: true,
    meta: null,
  },
  {
    id: 2,
    name: 'Bob',
    age: null,
    score: 2.5,
    big: 2n,
    at: new Date('2024-06-01T00:00:00Z'),
    day: null,
    role: 'MEMBER',
    tags: [],
    active: false,
    meta: { x: 1 },
  },
  {
    id: 3,
    name: 'Charlie',
    age: 17,
    score: 3.5,
    big: -5n,
    at: new Date('2025-01-01T00:00:00.123Z'),
    day: '2025-02-03',
    role: 'MEMBER',
    tags: ['b'],
    active: true,
    meta: null,
  },
]
const df = frameFromEntities(ir.fields, rows)

function ids(where: unknown): number[] {
  const expr = compileWhere(ctx, where)
  const out = expr ? df.lazy().filter(expr).collectSync() : df
  return out.getColumn('id').toArray() as number[]
}

describe('compileWhere', () => {
  it('equality and AND of several fields', () => {
    expect(ids({ name: 'Alice' })).toEqual([1])
    expect(ids({ role: 'MEMBER', active: true })).toEqual([3])
    expect(ids({ big: 9007199254740993n })).toEqual([1])
    expect(ids({ at: new Date('2024-06-01T00:00:00Z') })).toEqual([2])
    expect(ids({ at: new Date('2025-01-01T00:00:00.123Z') })).toEqual([3])
    expect(ids({ day: '2025-02-03' })).toEqual([3])
    expect(ids({})).toEqual([1, 2, 3])
    expect(ids(undefined)).toEqual([1, 2, 3])
  })

  it('operators', () => {
    expect(ids({ id: { in: [1, 3, 99] } })).toEqual([1, 3])
    expect(ids({ id: { notIn: [1] } })).toEqual([2, 3])
    expect(ids({ id: { in: [] } })).toEqual([])
    expect(ids({ score: { gt: 1.5 } })).toEqual([2, 3])
    expect(ids({ score: { gte: 1.5, lt: 3.5 } })).toEqual([1, 2])
    expect(ids({ age: { lte: 17 } })).toEqual([3])
    expect(ids({ at: { gte: new Date('2024-06-01T00:00:00Z') } })).toEqual([2, 3])
    expect(ids({ day: { lt: '2025-01-01' } })).toEqual([1])
    expect(ids({ name: { contains: 'li' } })).toEqual([1, 3])
    expect(ids({ name: { contains: '.' } })).toEqual([])
    expect(ids({ name: { startsWith: 'Ch' } })).toEqual([3])
    expect(ids({ name: { endsWith: 'b' } })).toEqual([2])
    expect(ids({ tags: { has: 'b' } })).toEqual([1, 3])
    expect(ids({ tags: { isEmpty: true } })).toEqual([2])
    expect(ids({ big: { lt: 0n } })).toEqual([3])
  })

  it('null semantics: { f: null } matches nulls, comparisons never match null, not/NOT include nulls', () => {
    expect(ids({ age: null })).toEqual([2])
    expect(ids({ age: { isNull: true } })).toEqual([2])
    expect(ids({ age: { not: null } })).toEqual([1, 3])
    expect(ids({ age: { gt: 0 } })).toEqual([1, 3])
    expect(ids({ age: { not: 30 } })).toEqual([2, 3])
    expect(ids({ NOT: { age: { gt: 18 } } })).toEqual([2, 3])
    expect(ids({ age: { in: [30, null] } })).toEqual([1, 2])
    expect(ids({ meta: null })).toEqual([1, 3])
  })

  it('AND / OR / NOT', () => {
    expect(ids({ OR: [{ name: 'Alice' }, { name: 'Bob' }] })).toEqual([1, 2])
    expect(ids({ AND: [{ active: true }, { score: { gt: 2 } }] })).toEqual([3])
    expect(ids({ NOT: [{ name: 'Alice' }, { name: 'Bob' }] })).toEqual([3])
    expect(ids({ OR: [] })).toEqual([])
    expect(ids({ OR: [{ id: 1 }, { AND: [{ role: 'MEMBER' }, { NOT: { id: 2 } }] }] })).toEqual([1, 3])
  })

  it('an unknown field is an error naming entity and field, never "match everything"', () => {
    expect(() => ids({ unknownField: 'x' })).toThrow(QueryError)
    expect(() => ids({ unknownField: 'x' })).toThrow(/User\.unknownField: unknown field in where/)
    expect(() => ids({ OR: [{ nme: 'x' }] })).toThrow(/User\.nme/)
    expect(() => ids({ name: { like: 'x' } })).toThrow(/User\.name: unknown operator 'like'/)
  })

  it('values of the wrong type are errors', () => {
    expect(() => ids({ id: '1' })).toThrow(/User\.id: 'equals' expects an integer number, got string "1"/)
    expect(() => ids({ id: 1.5 })).toThrow(/User\.id/)
    expect(() => ids({ name: 1 })).toThrow(/User\.name: 'equals' expects a string, got number 1/)
    expect(() => ids({ at: '2024-01-01' })).toThrow(/User\.at: 'equals' expects a valid Date/)
    expect(() => ids({ day: new Date() })).toThrow(/User\.day/)
    // A date is compared, never matched as text (the types refuse it for a DateOnly field too).
    expect(() => ids({ day: { contains: '2024' } })).toThrow(
      /User\.day: 'contains' applies to String fields, not /,
    )
    expect(() => ids({ day: { not: { startsWith: '2024' } } })).toThrow(/User\.day: 'startsWith'/)
    expect(() => ids({ role: 'OWNER' })).toThrow(/User\.role: 'equals' expects one of ADMIN, MEMBER/)
    expect(() => ids({ id: { in: 1 } })).toThrow(/'in' expects an array/)
    expect(() => ids({ id: { in: [1, 'x'] } })).toThrow(/User\.id/)
    expect(() => ids({ active: { gt: true } })).toThrow(/'gt' does not apply to Boolean/)
    expect(() => ids({ score: { contains: 'x' } })).toThrow(/'contains' applies to String fields/)
    expect(() => ids({ meta: { equals: 1 } })).toThrow(/Json fields can only be filtered by null/)
    expect(() => ids({ tags: 'a' })).toThrow(/list fields/)
  })

  it('Decimal compares numerically, exactly, at any precision (never as text: "10" > "9")', () => {
    const dec = entityIRFor('Price', { id: 'Int', amount: 'Decimal?' })
    const dctx: WhereContext = {
      entity: 'Price',
      fields: new Map(dec.fields.map((f): [string, FieldIR] => [f.name, f])),
      enums: new Map(),
    }
    const amounts = [
      '10',
      '9',
      '-3.5',
      '0.10',
      '-0',
      '123456789012345678901234567890.000000000001',
      null,
      '-10.25',
    ]
    const frame = frameFromEntities(
      dec.fields,
      amounts.map((amount, i) => ({ id: i, amount })),
    )
    const pick = (where: unknown) => {
      const expr = compileWhere(dctx, where)
      const out = expr ? frame.lazy().filter(expr).collectSync() : frame
      return out.getColumn('amount').toArray()
    }
    expect(pick({ amount: { gt: '9' } })).toEqual(['10', '123456789012345678901234567890.000000000001'])
    expect(pick({ amount: { gt: '123456789012345678901234567890' } })).toEqual([
      '123456789012345678901234567890.000000000001',
    ])
    expect(pick({ amount: { lt: '0' } })).toEqual(['-3.5', '-10.25'])
    expect(pick({ amount: { lte: '0.0' } })).toEqual(['-3.5', '-0', '-10.25'])
    expect(pick({ amount: { gte: '-3.50' } })).toEqual([
      '10',
      '9',
      '-3.5',
      '0.10',
      '-0',
      '123456789012345678901234567890.000000000001',
    ])
    expect(pick({ amount: { lt: '-3.5' } })).toEqual(['-10.25'])
    expect(pick({ amount: { gt: '-10.3', lt: '0.1' } })).toEqual(['-3.5', '-0', '-10.25'])
    expect(pick({ amount: { gt: '0.099999999999999999999', lte: '0.1' } })).toEqual(['0.10'])
    expect(pick({ amount: '0.1' })).toEqual(['0.10'])
    expect(pick({ amount: { equals: '0' } })).toEqual(['-0'])
    expect(pick({ amount: { in: ['09', '10.000', null] } })).toEqual(['10', '9', null])
    expect(pick({ amount: { not: '10.0' } })).toEqual(amounts.filter((a) => a !== '10'))
    expect(() => pick({ amount: { gt: 'ten' } })).toThrow(
      /Price\.amount: 'gt' expects a decimal number string/,
    )
    expect(() => pick({ amount: { gt: 9 } })).toThrow(/Price\.amount/)
  })

  it('is a real polars expression usable on a lazy scan', () => {
    const expr = compileWhere(ctx, { name: 'Bob' })
    expect(expr).toBeInstanceOf(Object)
    expect(
      df
        .lazy()
        .filter(expr as pl.Expr)
        .select('name')
        .collectSync()
        .getColumn('name')
        .toArray(),
    ).toEqual(['Bob'])
  })
})
