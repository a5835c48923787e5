import { describe, expect, it } from 'vitest'
import { entityIRFor } from '../entity/__fixtures__/test-ir.js'
import type { EntityIR, FieldIR } from '../schema/schema-ir.js'
import {
  deltaDecimalOf,
  deltaSchemaFor,
  deltaTypeFor,
  keptColumnShapes,
  parseDeltaSchema,
  textStoredFields,
} from './delta-schema.js'
import { DeltaSchemaError } from './delta-schema-error.js'

const enums = [{ name: 'Role', values: ['ADMIN', 'MEMBER'] }]

function withField(entity: EntityIR, name: string, patch: Partial<FieldIR>): EntityIR {
  return { ...entity, fields: entity.fields.map((f) => (f.name === name ? { ...f, ...patch } : f)) }
}

describe('deltaSchemaFor', () => {
  const entity = entityIRFor('Order', {
    id: 'Int',
    big: 'BigInt?',
    ratio: 'Float',
    ok: 'Boolean?',
    note: 'String?',
    meta: 'Json?',
    day: 'Date?',
    at: 'DateTime',
    role: 'enum:Role',
    tags: 'String[]?',
  })

  it('maps every pf type to the Delta type of its stored column; required fields are not nullable', () => {
    const { schema, schemaString } = deltaSchemaFor(entity, enums)
    expect(schema.fields.map((f) => [f.name, f.type, f.nullable])).toEqual([
      ['id', 'long', false],
      ['big', 'long', true],
      ['ratio', 'double', false],
      ['ok', 'boolean', true],
      ['note', 'string', true],
      ['meta', 'string', true],
      ['day', 'date', true],
      ['at', 'timestamp', false],
      ['role', 'string', false],
      ['tags', { type: 'array', elementType: 'string', containsNull: false }, true],
    ])
    expect(JSON.parse(schemaString)).toEqual(schema)
    expect(schemaString).not.toContain('\n')
    expect(parseDeltaSchema(schemaString)).toEqual(schema)
  })

  it('names fields by storage column, carries doc comments and column mapping metadata', () => {
    const mapped = withField(entity, 'note', { column: 'note_text', doc: 'Free text' })
    const { schema } = deltaSchemaFor(mapped, enums, {
      columnMapping: new Map([['note', { physicalName: 'col-1', id: 5 }]]),
    })
    const note = schema.fields[4]
    expect(note).toEqual({
      name: 'note_text',
      type: 'string',
      nullable: true,
      metadata: {
        comment: 'Free text',
        'delta.columnMapping.id': 5,
        'delta.columnMapping.physicalName': 'col-1',
      },
    })
  })

  it('Decimal is decimal(p,s) and Bytes binary unless the table stores them as text', () => {
    const money = entityIRFor('Money', { id: 'Int', price: 'Decimal', blob: 'Bytes?', prices: 'Decimal[]?' })
    const declared = withField(money, 'price', {
      type: { kind: 'scalar', name: 'Decimal', precision: 10, scale: 2 },
    })
    const legacy = deltaSchemaFor(declared, [], { textStored: new Set(['price', 'blob', 'prices']) }).schema
    expect(legacy.fields.map((f) => f.type)).toEqual([
      'long',
      'string',
      'string',
      { type: 'array', elementType: 'string', containsNull: false },
    ])
    const typed = deltaSchemaFor(declared, [], { textStored: new Set() }).schema
    expect(typed.fields.map((f) => f.type)).toEqual([
      'long',
      'decimal(10,2)',
      'binary',
      { type: 'array', elementType: 'decimal(38,18)', containsNull: false },
    ])
    expect(deltaTypeFor({ kind: 'scalar', name: 'Decimal', precision: 5, scale: 0 }, false)).toBe(
      'decimal(5,0)',
    )
    // By default the schema says what the writer stores: decimal/binary in Parquet and Avro tables alike (Avro
    // files hold bytes with the decimal logical type, and bytes); text only for the `textStored` fields.
    expect(deltaSchemaFor(declared, []).schema.fields.map((f) => f.type)).toEqual(
      typed.fields.map((f) => f.type),
    )
    expect(deltaSchemaFor({ ...declared, format: 'avro' }, []).schema.fields.map((f) => f.type)).toEqual(
      typed.fields.map((f) => f.type),
    )
  })
})

describe('textStoredFields', () => {
  it('names the Decimal/Bytes fields a table schema holds as string, so new files keep that type', () => {
    const entity = entityIRFor('Money', {
      id: 'Int',
      price: 'Decimal',
      blob: 'Bytes?',
      prices: 'Decimal[]?',
      note: 'String',
    })
    const legacy = deltaSchemaFor(entity, [], { textStored: new Set(['price', 'prices']) }).schema
    expect([...textStoredFields(entity, legacy)]).toEqual(['price', 'prices'])
    expect([...textStoredFields(entity, deltaSchemaFor(entity, []).schema)]).toEqual([])
    // Round trip: the schema built with them is the one read.
    const again = deltaSchemaFor(entity, [], { textStored: textStoredFields(entity, legacy) })
    expect(again.schema).toEqual(legacy)
  })
})

describe('keptColumnShapes', () => {
  const entity = entityIRFor('Reading', {
    id: 'Int',
    qty: 'Int',
    level: 'Int?',
    ratio: 'Float',
    big: 'BigInt',
    note: 'String',
  })
  /** Spark's `CREATE TABLE` of these columns: every column nullable, INT/SMALLINT/TINYINT/FLOAT kept. */
  const spark = parseDeltaSchema(
    JSON.stringify({
      type: 'struct',
      fields: [
        { name: 'id', type: 'integer', nullable: true, metadata: {} },
        { name: 'qty', type: 'short', nullable: true, metadata: {} },
        { name: 'level', type: 'byte', nullable: true, metadata: {} },
        { name: 'ratio', type: 'float', nullable: true, metadata: {} },
        { name: 'big', type: 'integer', nullable: false, metadata: {} },
        { name: 'note', type: 'string', nullable: true, metadata: {} },
      ],
    }),
  )

  it("names the Int/BigInt/Float fields over narrow columns and the required fields over nullable ones; the schema built with them is the table's", () => {
    const kept = keptColumnShapes(entity, spark)
    // A BigInt field keeps an integer column too (an Int field migrated to BigInt keeps its files' type).
    expect(kept.narrowStored).toEqual({
      id: 'integer',
      qty: 'short',
      level: 'byte',
      ratio: 'float',
      big: 'integer',
    })
    expect([...kept.nullableStored]).toEqual(['id', 'qty', 'ratio', 'note'])
    expect(deltaSchemaFor(entity, [], kept).schema).toEqual(spark)
  })

  it("is empty for the schema pf writes itself: pf's own tables change in nothing", () => {
    const kept = keptColumnShapes(entity, deltaSchemaFor(entity, []).schema)
    expect(kept).toEqual({ narrowStored: {}, nullableStored: new Set(), nullElementsStored: new Set() })
    const lists = entityIRFor('Sample', { id: 'Int', counts: 'Int[]', ratios: 'Float[]?', tags: 'String[]' })
    expect(keptColumnShapes(lists, deltaSchemaFor(lists, []).schema)).toEqual({
      narrowStored: {},
      nullableStored: new Set(),
      nullElementsStored: new Set(),
    })
  })

  it("names the list fields over arrays of narrow types or with null elements allowed; the schema built with them is the table's", () => {
    const lists = entityIRFor('Sample', {
      id: 'Int',
      counts: 'Int[]',
      shorts: 'BigInt[]?',
      ratios: 'Float[]',
      longs: 'Int[]',
      tags: 'String[]?',
      single: 'Int',
    })
    const array = (elementType: unknown, containsNull: boolean) => ({
      type: 'array',
      elementType,
      containsNull,
    })
    /** Spark's `CREATE TABLE` of ARRAY<INT>, ARRAY<SMALLINT>, ARRAY<FLOAT>, ARRAY<BIGINT>, ARRAY<STRING> columns. */
    const sparkArrays = parseDeltaSchema(
      JSON.stringify({
        type: 'struct',
        fields: [
          { name: 'id', type: 'long', nullable: false, metadata: {} },
          { name: 'counts', type: array('integer', true), nullable: false, metadata: {} },
          { name: 'shorts', type: array('short', true), nullable: true, metadata: {} },
          { name: 'ratios', type: array('float', false), nullable: true, metadata: {} },
          { name: 'longs', type: array('long', true), nullable: false, metadata: {} },
          { name: 'tags', type: array('string', true), nullable: true, metadata: {} },
          // An Int field over an array<integer> column keeps nothing: the type does not fit (foreign-table-check.ts).
          { name: 'single', type: array('integer', false), nullable: false, metadata: {} },
        ],
      }),
    )
    const kept = keptColumnShapes(lists, sparkArrays)
    expect(kept.narrowStored).toEqual({ counts: 'integer', shorts: 'short', ratios: 'float' })
    expect([...kept.nullableStored]).toEqual(['ratios'])
    expect([...kept.nullElementsStored]).toEqual(['counts', 'shorts', 'longs', 'tags'])
    expect(deltaSchemaFor(lists, [], kept).schema.fields.slice(0, 6)).toEqual(sparkArrays.fields.slice(0, 6))
    expect(deltaSchemaFor(lists, [], kept).schema.fields[6]?.type).toBe('long')
  })

  it('a narrow type given for a field whose type cannot keep it is ignored (the field type rules)', () => {
    const schema = deltaSchemaFor(entity, [], {
      narrowStored: { note: 'integer', big: 'float', ratio: 'byte' },
    })
    expect(schema.schema.fields.map((f) => f.type)).toEqual([
      'long',
      'long',
      'long',
      'double',
      'long',
      'string',
    ])
  })
})

describe('parseDeltaSchema', () => {
  it("reads the spec's example schema", () => {
    const example = `{"type":"struct","fields":[{"name":"a","type":"integer","nullable":false,"metadata":{}},
      {"name":"b","type":{"type":"struct","fields":[{"name":"d","type":"integer","nullable":false,"metadata":{}}]},"nullable":true,"metadata":{}},
      {"name":"c","type":{"type":"array","elementType":"integer","containsNull":false},"nullable":true,"metadata":{}},
      {"name":"f","type":{"type":"map","keyType":"string","valueType":"string","valueContainsNull":true},"nullable":true,"metadata":{}},
      {"name":"v","type":{"type":"array","elementType":{"type":"variant"},"containsNull":false},"nullable":false,"metadata":{}},
      {"name":"p","type":"decimal(38, 18)","nullable":true,"metadata":{"delta.identity.start":1}}]}`
    const schema = parseDeltaSchema(example)
    expect(schema.fields.map((f) => f.name)).toEqual(['a', 'b', 'c', 'f', 'v', 'p'])
    expect(schema.fields[1]?.type).toEqual({
      type: 'struct',
      fields: [{ name: 'd', type: 'integer', nullable: false, metadata: {} }],
    })
    expect(schema.fields[3]?.type).toEqual({
      type: 'map',
      keyType: 'string',
      valueType: 'string',
      valueContainsNull: true,
    })
    expect(schema.fields[4]?.type).toEqual({ type: 'array', elementType: 'variant', containsNull: false })
    const p = schema.fields[5]
    expect(p?.type).toBe('decimal(38,18)')
    expect(p && deltaDecimalOf(p.type)).toEqual({ precision: 38, scale: 18 })
    // Identity longs are read exactly, as bigints (a high-water mark may exceed 2^53).
    expect(p?.metadata).toEqual({ 'delta.identity.start': 1n })
  })

  it.each([
    ['not json', '{', '(root)', /not JSON/],
    ['not a struct', '{"type":"array"}', '(root)', /must be a struct/],
    [
      'unknown type',
      '{"type":"struct","fields":[{"name":"x","type":"uuid","nullable":true}]}',
      'fields[0] (x).type',
      /unknown type "uuid"/,
    ],
    [
      'precision too large',
      '{"type":"struct","fields":[{"name":"x","type":"decimal(39,2)","nullable":true}]}',
      'fields[0] (x).type',
      /precision 39/,
    ],
    [
      'scale above precision',
      '{"type":"struct","fields":[{"name":"x","type":"decimal(4,5)","nullable":true}]}',
      'fields[0] (x).type',
      /scale 5/,
    ],
    [
      'missing nullable',
      '{"type":"struct","fields":[{"name":"x","type":"long"}]}',
      'fields[0] (x)',
      /nullable must be a boolean/,
    ],
    [
      'duplicate names',
      '{"type":"struct","fields":[{"name":"x","type":"long","nullable":true},{"name":"X","type":"long","nullable":true}]}',
      'fields[1] (X)',
      /duplicate column name X/,
    ],
    [
      'array without containsNull',
      '{"type":"struct","fields":[{"name":"x","type":{"type":"array","elementType":"long"},"nullable":true}]}',
      'fields[0] (x).type',
      /containsNull must be a boolean/,
    ],
  ])('refuses %s with a typed error naming the place', (_, text, path, message) => {
    let error: unknown
    try {
      parseDeltaSchema(text, 'data/orders')
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(DeltaSchemaError)
    expect(error).toMatchObject({ code: 'PF_DELTA_SCHEMA', path, source: 'data/orders' })
    expect((error as Error).message).toMatch(message)
    expect((error as Error).message).toContain('data/orders')
  })
})

describe('identity columns', () => {
  const entity = withField(entityIRFor('Ticket', { id: 'BigInt', note: 'String?' }), 'id', {
    default: { kind: 'autoincrement' },
  })

  it('declares an autoincrement field as an identity column: start 1, step 1, explicit values allowed', () => {
    const { schema, schemaString } = deltaSchemaFor(entity)
    expect(schema.fields[0]?.metadata).toEqual({
      'delta.identity.start': 1n,
      'delta.identity.step': 1n,
      'delta.identity.allowExplicitInsert': true,
    })
    expect(schema.fields[1]?.metadata).toEqual({})
    expect(JSON.parse(schemaString).fields[0].metadata).toEqual({
      'delta.identity.start': 1,
      'delta.identity.step': 1,
      'delta.identity.allowExplicitInsert': true,
    })
  })

  it('writes and reads a high-water mark beyond 2^53 with every digit', () => {
    const mark = 9_007_199_254_740_993n
    const { schema, schemaString } = deltaSchemaFor(entity, [], {
      identityHighWaterMarks: new Map([['id', mark]]),
    })
    expect(schemaString).toContain('"delta.identity.highWaterMark":9007199254740993')
    expect(parseDeltaSchema(schemaString)).toEqual(schema)
    expect(parseDeltaSchema(schemaString).fields[0]?.metadata['delta.identity.highWaterMark']).toBe(mark)
  })

  it('reads the identity keys of spaced JSON exactly and never rewrites a string value that spells a key', () => {
    const comment = '"delta.identity.highWaterMark":12'
    const text = `{"type":"struct","fields":[{"name":"id","type":"long","nullable":false,"metadata":{ "delta.identity.highWaterMark" : 18446744073709551615 , "comment":${JSON.stringify(comment)}}}]}`
    const metadata = parseDeltaSchema(text).fields[0]?.metadata
    expect(metadata?.['delta.identity.highWaterMark']).toBe(18_446_744_073_709_551_615n)
    expect(metadata?.comment).toBe(comment)
  })
})
