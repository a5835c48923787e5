import { describe, expect, it } from 'vitest'
import type { DeltaMetaData } from '../delta/delta-actions.js'
import { entityIRFor } from '../entity/__fixtures__/test-ir.js'
import type { EntityIR } from '../schema/schema-ir.js'
import { planAdoption } from './adoption-plan.js'
import { toDeltaMetaData } from './delta-log-entry.js'
import { foreignTableMetadata } from './foreign-table-metadata.js'
import type { ProtocolAction } from './log-entry.js'
import type { TableState } from './table-state.js'

const column = (name: string, type: unknown, nullable: boolean, metadata: object = {}) => ({
  name,
  type,
  nullable,
  metadata,
})

/** Another writer's metaData and the state pf replays from it (no files: the plan reads none). */
function foreign(
  columns: readonly object[],
  configuration: Record<string, string> = {},
  protocol: ProtocolAction = { minReaderVersion: 1, minWriterVersion: 2 },
): { state: TableState; meta: DeltaMetaData } {
  const meta: DeltaMetaData = {
    id: 'a1b2c3d4-0000-4000-8000-000000000001',
    format: { provider: 'parquet', options: {} },
    schemaString: JSON.stringify({ type: 'struct', fields: columns }),
    partitionColumns: [],
    configuration,
    createdTime: 5,
  }
  const metadata = foreignTableMetadata(meta, { table: 'Note', file: '0.json', version: 0 })
  return { state: { version: 0, timestamp: 5, protocol, metadata, files: new Map(), rows: 0 }, meta }
}

const note: EntityIR = entityIRFor('Note', { id: 'Int', body: 'String?', tags: 'String[]?' })
const COLUMNS = [
  column('body', 'string', true, { comment: 'the text' }),
  column('id', 'long', false),
  column('tags', { type: 'array', elementType: 'string', containsNull: false }, true),
]

describe('planAdoption', () => {
  it("keeps the table's column order and comments; copy-on-write without deletion vectors", () => {
    const { state, meta } = foreign(COLUMNS, { 'delta.enableDeletionVectors': 'true', 'x.y': 'z' })
    const plan = planAdoption(state, meta, note, [])
    if (!plan.ok) throw new Error(plan.problems.join('\n'))
    expect(plan.metadata.entity.fields.map((f) => [f.name, f.doc])).toEqual([
      ['body', 'the text'],
      ['id', undefined],
      ['tags', undefined],
    ])
    // The protocol (1, 2) has no deletion vectors, whatever the configuration says.
    expect(plan.metadata.updateMode).toBe('copy-on-write')
    expect(plan.protocol).toBeUndefined()
    const written = toDeltaMetaData(plan.metadata)
    expect(JSON.parse(written.schemaString)).toEqual(JSON.parse(meta.schemaString))
    expect(written.configuration).toMatchObject({ 'delta.enableDeletionVectors': 'true', 'x.y': 'z' })
    expect(written.configuration?.['delta.checkpointInterval']).toBe('10')
    expect(written.createdTime).toBe(5)
  })

  it('merge-on-read when the protocol has deletion vectors, unless the configuration turns them off', () => {
    const dv = {
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ['deletionVectors'],
      writerFeatures: ['deletionVectors', 'invariants'],
    }
    const on = foreign(COLUMNS, {}, dv)
    const off = foreign(COLUMNS, { 'delta.enableDeletionVectors': 'false' }, dv)
    const planOn = planAdoption(on.state, on.meta, note, [])
    const planOff = planAdoption(off.state, off.meta, note, [])
    expect(planOn.ok && planOn.metadata.updateMode).toBe('merge-on-read')
    expect(planOff.ok && planOff.metadata.updateMode).toBe('copy-on-write')
  })

  it('refuses what pf would not keep or honour, one line each', () => {
    const columns = [
      column('body', 'string', true, { 'delta.generationExpression': "upper('a')" }),
      column('id', 'long', false, { 'delta.identity.start': 1, 'delta.identity.step': 1 }),
      column('tags', { type: 'array', elementType: 'string', containsNull: true }, true),
    ]
    const { state, meta } = foreign(columns, {
      'delta.enableChangeDataFeed': 'true',
      'delta.appendOnly': 'true',
    })
    const plan = planAdoption(state, meta, note, [])
    expect(plan.ok ? [] : plan.problems).toEqual([
      'Note.id: column id is an identity column, the field is not @default(autoincrement())',
      'Note.body: column body has metadata delta.generationExpression, which pf does not honour',
      'Note: delta.enableChangeDataFeed is true; pf writes no change data files',
      "Note: delta.appendOnly is true; pf's entities update and delete rows",
    ])
  })

  it("keeps Spark's arrays: array<integer>/<short>/<float> of Int[]/BigInt[]/Float[] fields, containsNull true", () => {
    const array = (elementType: string) => ({ type: 'array', elementType, containsNull: true })
    const columns = [
      column('id', 'long', false),
      column('counts', array('integer'), true),
      column('shorts', array('short'), true),
      column('ratios', array('float'), false),
      column('tags', array('string'), true),
    ]
    const { state, meta } = foreign(columns)
    const entity = entityIRFor('Note', {
      id: 'Int',
      counts: 'Int[]',
      shorts: 'BigInt[]?',
      ratios: 'Float[]',
      tags: 'String[]?',
    })
    const plan = planAdoption(state, meta, entity, [])
    if (!plan.ok) throw new Error(plan.problems.join('\n'))
    expect(plan.metadata.narrowStoredFields).toEqual({ counts: 'integer', shorts: 'short', ratios: 'float' })
    expect(plan.metadata.nullElementsStoredFields).toEqual(['counts', 'shorts', 'ratios', 'tags'])
    expect(plan.metadata.nullableStoredFields).toEqual(['counts'])
    // The schema pf writes is the table's, byte for byte (pf writes no null element: stricter than the arrays).
    expect(toDeltaMetaData(plan.metadata).schemaString).toBe(meta.schemaString)
    // A scalar field over an array column, a list over a scalar one, an array of another type: refused, with hints.
    const misfit = planAdoption(
      state,
      meta,
      entityIRFor('Note', {
        id: 'Int',
        counts: 'Int',
        shorts: 'String[]?',
        ratios: 'Int[]',
        tags: 'String[]?',
      }),
      [],
    )
    expect(misfit.ok ? [] : misfit.problems).toEqual([
      'Note.counts: column counts is array<integer> in the Delta table, the field is stored as long (an Int[] or BigInt[] field keeps array<integer>)',
      'Note.shorts: column shorts is array<short> in the Delta table, the field is stored as array<string> (an Int[] or BigInt[] field keeps array<short>)',
      'Note.ratios: column ratios is array<float> in the Delta table, the field is stored as array<long> (a Float[] field keeps array<float>)',
    ])
  })

  it("keeps Spark's defaults: integer/short/float columns of Int/Float fields, nullable columns of required fields", () => {
    const columns = [
      column('id', 'integer', true),
      column('qty', 'short', true),
      column('ratio', 'float', true),
      column('body', 'string', true),
    ]
    const { state, meta } = foreign(columns)
    const entity = entityIRFor('Note', { id: 'Int', qty: 'Int', ratio: 'Float', body: 'String' })
    const plan = planAdoption(state, meta, entity, [])
    if (!plan.ok) throw new Error(plan.problems.join('\n'))
    expect(plan.metadata.narrowStoredFields).toEqual({ id: 'integer', qty: 'short', ratio: 'float' })
    expect(plan.metadata.nullableStoredFields).toEqual(['id', 'qty', 'ratio', 'body'])
    // The schema pf writes is the table's, byte for byte.
    expect(toDeltaMetaData(plan.metadata).schemaString).toBe(meta.schemaString)
  })

  it('refuses a narrow column of a field that is not Int/BigInt/Float, saying which field type keeps it', () => {
    const { state, meta } = foreign([column('id', 'integer', false), column('ratio', 'float', true)])
    // A BigInt key keeps the integer column (range-checked as an Int's); a Decimal over float does not fit.
    const entity = entityIRFor('Note', { id: 'BigInt', ratio: 'Decimal(10,2)?' })
    const plan = planAdoption(state, meta, entity, [])
    expect(plan.ok ? [] : plan.problems).toEqual([
      'Note.ratio: column ratio is float in the Delta table, the field is stored as decimal(10,2) (a Float field keeps float)',
    ])
    // An optional field over a NOT NULL column stays refused: pf would write nulls the table forbids.
    const strict = foreign([column('id', 'integer', false), column('ratio', 'float', false)])
    const optional = planAdoption(
      strict.state,
      strict.meta,
      entityIRFor('Note', { id: 'Int', ratio: 'Float?' }),
      [],
    )
    expect(optional.ok ? [] : optional.problems).toEqual([
      'Note.ratio: column ratio is not nullable, the field is optional',
    ])
  })

  it('an enum field adds its CHECK constraint and the protocol it needs', () => {
    const { state, meta } = foreign([column('id', 'long', false), column('kind', 'string', true)])
    const entity = entityIRFor('Note', { id: 'Int', kind: 'enum:Kind?' })
    const plan = planAdoption(state, meta, entity, [{ name: 'Kind', values: ['A', 'B'] }])
    if (!plan.ok) throw new Error(plan.problems.join('\n'))
    expect(plan.protocol).toEqual({ minReaderVersion: 1, minWriterVersion: 3 })
    expect(toDeltaMetaData(plan.metadata).configuration?.['delta.constraints.pf_enum_kind']).toBe(
      "kind IS NULL OR kind IN ('A', 'B')",
    )
  })
})
