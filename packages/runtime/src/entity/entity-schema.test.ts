import { describe, expect, it } from 'vitest'
import { entityIRFor, ROLE } from './__fixtures__/test-ir.js'
import { validateRecord, zodSchemaForEntity } from './entity-schema.js'

const ir = entityIRFor('User', {
  id: 'Int',
  email: 'String',
  age: 'Int?',
  big: 'BigInt',
  at: 'DateTime',
  day: 'Date?',
  role: 'enum:Role',
  tags: 'String[]',
  meta: 'Json?',
  blob: 'Bytes?',
  price: 'Decimal?',
})
const schema = zodSchemaForEntity(ir, [ROLE])
const valid = {
  id: 1,
  email: 'a@example.com',
  age: null,
  big: 1n,
  at: new Date(),
  day: '2024-02-29',
  role: 'ADMIN',
  tags: ['x'],
  meta: { a: [1] },
  blob: new Uint8Array([1]),
  price: '1.50',
}

describe('zod schema from the IR', () => {
  it('accepts valid values, null and missing optional fields', () => {
    expect(validateRecord(ir, schema, valid)).toEqual([])
    const { age: _a, day: _d, meta: _m, blob: _b, price: _p, ...required } = valid
    expect(validateRecord(ir, schema, required)).toEqual([])
  })

  it('names Entity.field and the problem', () => {
    const issues = validateRecord(ir, schema, {
      ...valid,
      id: 1.5,
      email: 42,
      big: 1,
      at: new Date('nope'),
      day: '2023-02-29',
      role: 'OWNER',
      tags: ['ok', 3],
      price: 'abc',
    })
    const text = issues.map((i) => `${i.path}: ${i.message}`)
    expect(text).toContain('User.id: expected int, got number 1.5')
    expect(text).toContain('User.email: expected string, got number 42')
    expect(text).toContain('User.big: expected bigint, got number 1')
    expect(text.some((t) => t.startsWith('User.at: '))).toBe(true)
    expect(text.some((t) => t.startsWith('User.day: '))).toBe(true)
    expect(text.some((t) => t.startsWith('User.role: ') && t.includes('"OWNER"'))).toBe(true)
    expect(text).toContain('User.tags[1]: expected string, got number 3')
    expect(text.some((t) => t.startsWith('User.price: '))).toBe(true)
  })

  it('reports a missing required field', () => {
    const { email: _e, ...rest } = valid
    expect(validateRecord(ir, schema, rest)).toEqual([
      { path: 'User.email', message: 'required, got undefined' },
    ])
  })

  it('rejects integers beyond the safe range for Int and beyond int64 for BigInt', () => {
    expect(validateRecord(ir, schema, { ...valid, id: 2 ** 60 }).map((i) => i.path)).toEqual(['User.id'])
    expect(validateRecord(ir, schema, { ...valid, big: 2n ** 63n }).map((i) => i.path)).toEqual(['User.big'])
  })
})
