import { describe, expect, it } from 'vitest'
import { parseDeltaSchema } from './delta-schema.js'
import { isSupportedWidening, typeChangesProblem } from './type-widening.js'

describe('isSupportedWidening (PROTOCOL.md "Type Widening")', () => {
  it.each([
    ['byte', 'short'],
    ['short', 'long'],
    ['integer', 'long'],
    ['float', 'double'],
    ['integer', 'double'],
    ['date', 'timestamp_ntz'],
    ['decimal(5,1)', 'decimal(12,2)'],
    ['decimal(6, 2)', 'decimal(10, 4)'],
    ['integer', 'decimal(10,0)'],
    ['byte', 'decimal(12,2)'],
    ['long', 'decimal(20,0)'],
    ['byte', 'decimal(4,1)'],
    ['short', 'decimal(5,0)'],
  ])('%s → %s is allowed', (from, to) => {
    expect(isSupportedWidening(from, to)).toBe(true)
  })

  it.each([
    ['long', 'integer'],
    ['long', 'double'],
    ['double', 'float'],
    ['string', 'long'],
    ['date', 'timestamp'],
    ['decimal(10,2)', 'decimal(10,3)'],
    ['decimal(10,4)', 'decimal(12,2)'],
    ['integer', 'decimal(10,1)'],
    ['byte', 'decimal(3,1)'],
    ['short', 'decimal(4,0)'],
    ['long', 'decimal(19,1)'],
  ])('%s → %s is refused', (from, to) => {
    expect(isSupportedWidening(from, to)).toBe(false)
  })
})

/** A schema of one column `c` of `type` with `changes` as its delta.typeChanges. */
function schemaWith(type: unknown, changes: unknown) {
  const field = { name: 'c', type, nullable: true, metadata: { 'delta.typeChanges': changes } }
  return parseDeltaSchema(JSON.stringify({ type: 'struct', fields: [field] }))
}

describe('typeChangesProblem', () => {
  it('accepts a history of supported changes ending at the current type, nested paths too', () => {
    const history = [
      { fromType: 'short', toType: 'integer' },
      { fromType: 'integer', toType: 'long' },
    ]
    expect(typeChangesProblem(schemaWith('long', history))).toBeUndefined()
    const map = { type: 'map', keyType: 'double', valueType: 'integer', valueContainsNull: true }
    expect(
      typeChangesProblem(schemaWith(map, [{ fromType: 'float', toType: 'double', fieldPath: 'key' }])),
    ).toBeUndefined()
  })

  it('names the column of an unsupported change, a path the type lacks and a history not ending at the type', () => {
    expect(typeChangesProblem(schemaWith('long', [{ fromType: 'string', toType: 'long' }]))).toBe(
      'column c: type change string → long is not a widening pf reads',
    )
    expect(
      typeChangesProblem(schemaWith('long', [{ fromType: 'integer', toType: 'long', fieldPath: 'key' }])),
    ).toContain('column c: delta.typeChanges names the path "key"')
    expect(typeChangesProblem(schemaWith('double', [{ fromType: 'integer', toType: 'long' }]))).toContain(
      'ends at long, but the schema says double',
    )
  })

  it('checks fields nested in structs under arrays', () => {
    const inner = {
      type: 'struct',
      fields: [
        {
          name: 'x',
          type: 'long',
          nullable: true,
          metadata: { 'delta.typeChanges': [{ fromType: 'double', toType: 'long' }] },
        },
      ],
    }
    const type = { type: 'array', elementType: inner, containsNull: true }
    expect(typeChangesProblem(schemaWith(type, []))).toBe(
      'column c.element.x: type change double → long is not a widening pf reads',
    )
  })
})
