import { describe, expect, it } from 'vitest'
import { deltaSchemaFor } from '../delta/delta-schema.js'
import type { EntityIR, FieldIR } from '../schema/schema-ir.js'
import { testTableMetadata } from './__fixtures__/table-metadata.js'
import {
  ColumnMapping,
  fromDeltaColumnMapping,
  storedColumnOf,
  toDeltaColumnMapping,
} from './column-mapping.js'
import type { TableMetadata } from './log-entry.js'
import { evolveMetadata } from './schema-evolution.js'

const int = { kind: 'scalar', name: 'Int' } as const
const field = (name: string, extra: Partial<FieldIR> = {}): FieldIR => ({
  id: 0,
  name,
  column: name,
  type: int,
  optional: true,
  isId: false,
  unique: false,
  index: false,
  ...extra,
})
const entity = (fields: FieldIR[]): EntityIR => ({
  name: 'Item',
  storage: 'items',
  format: 'parquet',
  primaryKey: ['id'],
  partitionBy: [],
  fields,
  relations: [],
  indexes: [],
  uniques: [],
})
const metadata = (fields: FieldIR[], extra: Partial<TableMetadata> = {}): TableMetadata =>
  testTableMetadata(entity(fields), [], extra)
const now = new Date(0)
const id = field('id', { optional: false })

describe('evolveMetadata and column mapping', () => {
  it('adding a field or an @map rename needs no column mapping', () => {
    const start = metadata([id, field('qty')])
    const added = evolveMetadata(start, entity([id, field('qty'), field('note')]), [], {}, now)
    expect(added.columnMapping).toBeUndefined()
    const mapped = evolveMetadata(start, entity([id, field('amount', { column: 'qty' })]), [], {}, now)
    expect(mapped.columnMapping).toBeUndefined()
  })

  it('a rename turns it on: existing fields get ids in order and keep their stored names', () => {
    const start = metadata([id, field('qty')])
    const next = evolveMetadata(start, entity([id, field('amount')]), [], { renames: { qty: 'amount' } }, now)
    expect(next.columnMapping).toEqual({
      maxColumnId: 2,
      columns: { id: { id: 1, physicalName: 'id' }, amount: { id: 2, physicalName: 'qty' } },
    })
    expect(new ColumnMapping(next).stored('amount')).toBe('qty')
    // Data files carry each stored column's id as its Parquet field id.
    expect(new ColumnMapping(next).fieldIds()).toEqual(
      new Map([
        ['id', 1],
        ['qty', 2],
      ]),
    )
    expect(new ColumnMapping(start).fieldIds()).toBeUndefined()
    expect(storedColumnOf(next, 'amount')).toBe('qty')
    // A second rename changes only the display name; the id and physical name stay.
    const again = evolveMetadata(
      next,
      entity([id, field('total')]),
      [],
      { renames: { amount: 'total' } },
      now,
    )
    expect(again.columnMapping?.columns.total).toEqual({ id: 2, physicalName: 'qty' })
    expect(again.columnMapping?.maxColumnId).toBe(2)
  })

  it('tables from before column mapping keep their stored names (physicalColumns) as physical names', () => {
    const start = metadata([id, field('amount')], {
      physicalColumns: { amount: 'qty' },
      retiredColumns: ['old'],
    })
    const next = evolveMetadata(start, entity([id, field('amount'), field('old')]), [], {}, now)
    expect(next.physicalColumns).toBeUndefined()
    expect(next.retiredColumns).toBeUndefined()
    expect(next.columnMapping?.columns.amount).toEqual({ id: 2, physicalName: 'qty' })
    expect(next.columnMapping?.columns.old?.id).toBe(3)
    expect(next.columnMapping?.columns.old?.physicalName).not.toBe('old')
  })

  it('ids only grow: a dropped field frees neither its id nor its physical name', () => {
    const start = metadata([id, field('a'), field('b')])
    const dropped = evolveMetadata(start, entity([id, field('a')]), [], {}, now)
    expect(dropped.columnMapping?.maxColumnId).toBe(3)
    const readded = evolveMetadata(dropped, entity([id, field('a'), field('b')]), [], {}, now)
    expect(readded.columnMapping?.columns.b?.id).toBe(4)
    expect(readded.columnMapping?.columns.b?.physicalName).toMatch(/^col_[0-9a-f]{32}$/)
  })
})

describe('the Delta form of column mapping', () => {
  it('round-trips through the schema string and table properties', () => {
    const start = metadata([id, field('qty')])
    const next = evolveMetadata(start, entity([id, field('amount')]), [], { renames: { qty: 'amount' } }, now)
    const delta = toDeltaColumnMapping(next)
    expect(delta?.configuration).toEqual({
      'delta.columnMapping.mode': 'name',
      'delta.columnMapping.maxColumnId': '2',
    })
    const schema = deltaSchemaFor(next.entity, [], { columnMapping: delta?.fields ?? new Map() })
    expect(fromDeltaColumnMapping(schema.schemaString, delta?.configuration ?? {})).toEqual({
      ok: true,
      value: next.columnMapping,
    })
    expect(toDeltaColumnMapping(start)).toBeUndefined()
  })

  it('refuses id mode (unsupported) and fields without their entries (damaged)', () => {
    const plain = deltaSchemaFor(entity([id])).schemaString
    expect(fromDeltaColumnMapping(plain, {})).toEqual({ ok: true, value: undefined })
    expect(fromDeltaColumnMapping(plain, { 'delta.columnMapping.mode': 'id' })).toMatchObject({
      ok: false,
      unsupported: true,
    })
    const named = { 'delta.columnMapping.mode': 'name', 'delta.columnMapping.maxColumnId': '1' }
    expect(fromDeltaColumnMapping(plain, named)).toMatchObject({
      ok: false,
      unsupported: false,
      problem: 'schema field id lacks delta.columnMapping.id or physicalName',
    })
    const tooHigh = deltaSchemaFor(entity([id]), [], {
      columnMapping: new Map([['id', { id: 5, physicalName: 'id' }]]),
    }).schemaString
    expect(fromDeltaColumnMapping(tooHigh, named)).toMatchObject({ ok: false, unsupported: false })
  })
})
