import fc from 'fast-check'
import pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
import { FormatError } from '../errors/pf-error.js'
import { columnWriters } from './avro-column-writers.js'
import { readContainerBlocks, readContainerHeader } from './avro-container.js'
import { encodeAvroFrame } from './avro-frame-writer.js'
import { collectNamedTypes } from './avro-named-types.js'
import type { AvroRecordSchema } from './avro-schema-types.js'
import { compileAvroType } from './avro-types.js'

/** Every record of a container file, decoded by avsc (longs beyond 2^53 as bigints): independent of the writer. */
function avscRecords(bytes: Buffer): Record<string, unknown>[] {
  const { header, offset } = readContainerHeader(bytes)
  // Logical types change nothing in the binary encoding; plain longs let avsc use the exact (bigint) long type.
  const plain = JSON.parse(header.schemaJson, (_key, value) =>
    value && typeof value === 'object' && 'logicalType' in value ? value.type : value,
  )
  const type = compileAvroType(plain, true)
  const out: Record<string, unknown>[] = []
  for (const block of readContainerBlocks(bytes, header, offset)) {
    const data = Buffer.from(block.data)
    let pos = 0
    for (let i = 0; i < block.count; i++) {
      const { value, offset: next } = type.decode(data, pos)
      out.push(value as Record<string, unknown>)
      pos = next
    }
    expect(pos).toBe(data.length)
  }
  return out
}

const ROLE = { type: 'enum', name: 'Role', symbols: ['ADMIN', 'MEMBER', 'GUEST'] } as const
const schema: AvroRecordSchema = {
  type: 'record',
  name: 'Row',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'big', type: ['null', 'long'], default: null },
    { name: 'small', type: ['int', 'null'] },
    { name: 'ratio', type: ['null', 'float'], default: null },
    { name: 'x', type: ['null', 'double'], default: null },
    { name: 'ok', type: ['null', 'boolean'], default: null },
    { name: 'name', type: ['null', 'string'], default: null },
    { name: 'tag', type: 'string' },
    { name: 'role', type: ['null', ROLE], default: null },
    { name: 'at', type: ['null', { type: 'long', logicalType: 'timestamp-micros' }], default: null },
    { name: 'atMs', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'day', type: ['null', { type: 'int', logicalType: 'date' }], default: null },
  ],
}

const I64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n }
const row = fc.record({
  id: fc.bigInt({ min: -(2n ** 53n), max: 2n ** 53n }),
  big: fc.option(fc.oneof(fc.bigInt(I64), fc.bigInt({ min: -300n, max: 300n }))),
  small: fc.option(fc.integer()),
  ratio: fc.option(fc.float({ noNaN: true })),
  x: fc.option(fc.double({ noNaN: true })),
  ok: fc.option(fc.boolean()),
  name: fc.option(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ maxLength: 300 }))),
  tag: fc.constantFrom('a', 'bb', 'ünïcødé', '日本語のタグ', ''),
  role: fc.option(fc.constantFrom('ADMIN', 'MEMBER', 'GUEST')),
  at: fc.option(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 16n })),
  atMs: fc.integer({ min: -(10 ** 9), max: 10 ** 9 }),
  day: fc.option(fc.integer({ min: -100_000, max: 100_000 })),
})
type Row = typeof row extends fc.Arbitrary<infer R> ? R : never

function frameOf(rows: readonly Row[], repeat: number): pl.DataFrame {
  const all = Array.from({ length: repeat }, () => rows).flat()
  const col = <K extends keyof Row>(k: K) => all.map((r) => r[k])
  const text = (k: 'id' | 'big' | 'at') => col(k).map((v) => (v === null ? null : String(v)))
  return pl.DataFrame([
    pl.Series('id', text('id'), pl.Utf8).cast(pl.Int64),
    pl.Series('big', text('big'), pl.Utf8).cast(pl.Int64),
    pl.Series('small', col('small'), pl.Int32),
    pl.Series('ratio', col('ratio'), pl.Float32),
    pl.Series('x', col('x'), pl.Float64),
    pl.Series('ok', col('ok'), pl.Bool),
    pl.Series('name', col('name'), pl.Utf8),
    pl.Series('tag', col('tag'), pl.Utf8),
    pl.Series('role', col('role'), pl.Utf8),
    pl.Series('at', text('at'), pl.Utf8).cast(pl.Int64).cast(pl.Datetime('us', 'UTC')),
    pl.Series('atMs', col('atMs'), pl.Float64).cast(pl.Int64).cast(pl.Datetime('ms')),
    pl.Series('day', col('day'), pl.Int32).cast(pl.Date),
  ])
}

/** What avsc should decode for a row (its long type gives safe values as numbers, others as bigints). */
function expected(r: Row): Record<string, unknown> {
  const long = (v: bigint | null) =>
    v === null ? null : v >= -(2n ** 53n) + 1n && v <= 2n ** 53n - 1n ? Number(v) : v
  return {
    ...r,
    id: long(r.id),
    big: long(r.big),
    ratio: r.ratio === null ? null : Math.fround(r.ratio),
    at: long(r.at),
  }
}

describe('avro column writers', () => {
  it('take the typed-array path for primitives, enums, logical types and nullable unions', () => {
    const df = frameOf([], 1)
    expect(columnWriters(df, schema, collectNamedTypes(schema))).toBeDefined()
    const list: AvroRecordSchema = {
      ...schema,
      fields: [{ name: 'tags', type: { type: 'array', items: 'string' } }],
    }
    const tags = pl.DataFrame([pl.Series('tags', [['a']], pl.List(pl.Utf8))])
    expect(columnWriters(tags, list, collectNamedTypes(list))).toBeUndefined()
    // UInt64 may not fit a long: the general path checks each value.
    const ids: AvroRecordSchema = { type: 'record', name: 'R', fields: [{ name: 'id', type: 'long' }] }
    const huge = pl.DataFrame([pl.Series('id', [1], pl.Int64).cast(pl.UInt64)])
    expect(columnWriters(huge, ids, collectNamedTypes(ids))).toBeUndefined()
  })

  it('write exactly what avsc reads back, for random rows, short and long strings, dictionaries, every codec', () => {
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 1, maxLength: 40 }),
        // Repeated to 20,000+ rows, text columns take the dictionary path (>= 16,384 rows, few distinct values).
        fc.boolean(),
        fc.constantFrom('null' as const, 'deflate' as const, 'snappy' as const),
        (rows, many, codec) => {
          const repeat = many ? Math.ceil(20_000 / rows.length) : 1
          const bytes = encodeAvroFrame(frameOf(rows, repeat), schema, codec)
          const back = avscRecords(bytes)
          expect(back.length).toBe(rows.length * repeat)
          const want = rows.map(expected)
          for (let i = 0; i < back.length; i += Math.max(1, Math.floor(back.length / 97))) {
            expect({ ...back[i] }).toEqual(want[i % rows.length])
          }
          expect({ ...back[back.length - 1] }).toEqual(want[rows.length - 1])
        },
      ),
      { numRuns: 40 },
    )
  })

  it('write files that polars reads too', () => {
    const rows = fc.sample(row, { numRuns: 50, seed: 7 })
    // Not the nullable enum: polars 0.24's reader panics on those, whoever wrote the file (our reader knows).
    const df = frameOf(rows, 400).drop('role')
    const noRole = { ...schema, fields: schema.fields.filter((f) => f.name !== 'role') }
    for (const codec of ['null', 'deflate', 'snappy'] as const) {
      const back = pl.readAvro(encodeAvroFrame(df, noRole, codec))
      expect(back.height).toBe(df.height)
      expect(back.getColumn('x').toArray()).toEqual(df.getColumn('x').toArray())
      expect(back.getColumn('name').toArray()).toEqual(df.getColumn('name').toArray())
      expect(back.getColumn('at').toArray()).toEqual(df.getColumn('at').toArray())
    }
  })

  it('spread rows over blocks of about 1 MiB, a row larger than a block too', () => {
    const long = 'x'.repeat(3 << 20)
    const names = Array.from({ length: 60_000 }, (_, i) => (i === 30_000 ? long : `name number ${i}`))
    const s: AvroRecordSchema = { type: 'record', name: 'R', fields: [{ name: 'name', type: 'string' }] }
    const bytes = encodeAvroFrame(pl.DataFrame([pl.Series('name', names, pl.Utf8)]), s, 'null')
    const { header, offset } = readContainerHeader(bytes)
    expect([...readContainerBlocks(bytes, header, offset)].length).toBeGreaterThan(2)
    expect(avscRecords(bytes).map((r) => r.name)).toEqual(names)
  })

  it('leave frames with a list column to avsc, which splits blocks the same way', () => {
    const long = 'y'.repeat(3 << 20)
    const names = Array.from({ length: 60_000 }, (_, i) => (i === 100 ? long : `name number ${i}`))
    const s: AvroRecordSchema = {
      type: 'record',
      name: 'R',
      fields: [
        { name: 'name', type: 'string' },
        { name: 'tags', type: { type: 'array', items: 'string' } },
      ],
    }
    const df = pl.DataFrame([
      pl.Series('name', names, pl.Utf8),
      pl.Series(
        'tags',
        names.map((_, i) => [`t${i % 3}`]),
        pl.List(pl.Utf8),
      ),
    ])
    expect(columnWriters(df, s, collectNamedTypes(s))).toBeUndefined()
    const bytes = encodeAvroFrame(df, s, 'deflate')
    const { header, offset } = readContainerHeader(bytes)
    expect([...readContainerBlocks(bytes, header, offset)].length).toBeGreaterThan(2)
    const back = avscRecords(bytes)
    expect(back.map((r) => r.name)).toEqual(names)
    expect(back[59_999]?.tags).toEqual(['t2'])
  })

  it('name the column and row of a null in a field that is not nullable, and of a value not in the enum', () => {
    const df = pl.DataFrame([
      pl.Series('id', [1, 2, null], pl.Int64),
      pl.Series('role', ['ADMIN', 'X', null]),
    ])
    const ids: AvroRecordSchema = { type: 'record', name: 'R', fields: [{ name: 'id', type: 'long' }] }
    expect(() => encodeAvroFrame(df.select('id'), ids, 'null')).toThrow(FormatError)
    expect(() => encodeAvroFrame(df.select('id'), ids, 'null')).toThrow(/column "id", row 2: value null/)
    const roles: AvroRecordSchema = {
      type: 'record',
      name: 'R',
      fields: [{ name: 'role', type: ['null', ROLE] }],
    }
    expect(() => encodeAvroFrame(df.select('role'), roles, 'null')).toThrow(/column "role", row 1: value "X"/)
  })
})
