import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import avsc from 'avsc'
import pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
import type { EntityIR, EnumIR, FieldIR, FieldType } from '../schema/schema-ir.js'
import { avroSchemaForEntity } from './avro-entity-schema.js'
import { avroFormat } from './avro-format.js'

const field = (name: string, type: FieldType, optional = false, column = name): FieldIR => ({
  name,
  id: 0,
  column,
  type,
  optional,
  isId: name === 'id',
  unique: false,
  index: false,
})
const scalar = (
  name:
    | 'Int'
    | 'BigInt'
    | 'Float'
    | 'Decimal'
    | 'String'
    | 'Boolean'
    | 'DateTime'
    | 'Date'
    | 'Json'
    | 'Bytes',
) => ({ kind: 'scalar', name }) as const

const roleEnum: EnumIR = { name: 'Role', values: ['ADMIN', 'MEMBER'] }
const user: EntityIR = {
  name: 'User',
  storage: 'users',
  format: 'avro',
  primaryKey: ['id'],
  partitionBy: [],
  relations: [],
  indexes: [],
  uniques: [],
  fields: [
    field('id', scalar('Int')),
    field('big', scalar('BigInt')),
    field('score', scalar('Float'), true),
    field('price', scalar('Decimal')),
    field('name', scalar('String'), false, 'user_name'),
    field('active', scalar('Boolean')),
    field('createdAt', scalar('DateTime')),
    field('birthday', scalar('Date'), true),
    field('meta', scalar('Json'), true),
    field('avatar', scalar('Bytes'), true),
    field('role', { kind: 'enum', name: 'Role' }),
    field('pastRoles', { kind: 'list', element: { kind: 'enum', name: 'Role' } }),
    field('tags', { kind: 'list', element: scalar('String') }, true),
  ],
}

describe('avroSchemaForEntity', () => {
  it('builds the exact schema from the IR', () => {
    expect(avroSchemaForEntity(user, [roleEnum])).toEqual({
      type: 'record',
      name: 'User',
      fields: [
        { name: 'id', type: 'long' },
        { name: 'big', type: 'long' },
        { name: 'score', type: ['null', 'double'], default: null },
        { name: 'price', type: { type: 'bytes', logicalType: 'decimal', precision: 38, scale: 18 } },
        { name: 'user_name', type: 'string' },
        { name: 'active', type: 'boolean' },
        { name: 'createdAt', type: { type: 'long', logicalType: 'timestamp-micros' } },
        { name: 'birthday', type: ['null', { type: 'int', logicalType: 'date' }], default: null },
        { name: 'meta', type: ['null', 'string'], default: null },
        { name: 'avatar', type: ['null', 'bytes'], default: null },
        { name: 'role', type: { type: 'enum', name: 'Role', symbols: ['ADMIN', 'MEMBER'] } },
        { name: 'pastRoles', type: { type: 'array', items: 'Role' } },
        { name: 'tags', type: ['null', { type: 'array', items: 'string' }], default: null },
      ],
    })
  })

  it('keeps text for the fields of a table written before bytes storage (textStored)', () => {
    const fields = avroSchemaForEntity(user, [roleEnum], { textStored: new Set(['price', 'avatar']) }).fields
    expect(fields.find((f) => f.name === 'price')?.type).toBe('string')
    expect(fields.find((f) => f.name === 'avatar')?.type).toEqual(['null', 'string'])
  })

  it('is a schema avsc accepts', () => {
    expect(() => avsc.Type.forSchema(avroSchemaForEntity(user, [roleEnum]) as avsc.Schema)).not.toThrow()
  })

  it('names an undeclared enum', () => {
    expect(() => avroSchemaForEntity(user, [])).toThrow(/User\.role: enum "Role"/)
  })

  it('writes and reads entity rows', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pf-avro-entity-'))
    try {
      const df = pl.DataFrame([
        pl.Series('id', [1, 2], pl.Int64),
        pl.Series('big', [1, 2], pl.Int64),
        pl.Series('score', [0.5, null], pl.Float64),
        pl.Series('price', ['1.10', '2.00'], pl.Utf8),
        pl.Series('user_name', ['Ann', 'Bo'], pl.Utf8),
        pl.Series('active', [true, false], pl.Bool),
        pl.Series('createdAt', [1_700_000_000_000_001, 0], pl.Int64).cast(pl.Datetime('us', 'UTC')),
        pl.Series('birthday', [19_723, null], pl.Int32).cast(pl.Date),
        pl.Series('meta', ['{"a":1}', null], pl.Utf8),
        pl.Series('avatar', [Buffer.from([1, 2, 255]).toString('base64'), null], pl.Utf8),
        pl.Series('role', ['ADMIN', 'MEMBER'], pl.Utf8),
        pl.Series('pastRoles', [['MEMBER'], []], pl.List(pl.Utf8)),
        pl.Series('tags', [['x'], null], pl.List(pl.Utf8)),
      ])
      const path = join(dir, 'users.avro')
      await avroFormat.write(df, path, {
        avroSchema: avroSchemaForEntity(user, [roleEnum]),
        avroBase64Columns: ['avatar'],
      })
      // Decimal text is stored as its unscaled value (scale 18, two's complement), base64 text as its bytes.
      const records: Record<string, unknown>[] = []
      await new Promise<void>((resolve, reject) => {
        avsc
          .createFileDecoder(path)
          .on('data', (r: Record<string, unknown>) => records.push(r))
          .on('end', resolve)
          .on('error', reject)
      })
      expect(records.map((r) => BigInt(`0x${(r.price as Buffer).toString('hex')}`))).toEqual([
        1_100_000_000_000_000_000n,
        2_000_000_000_000_000_000n,
      ])
      expect(records.map((r) => r.avatar)).toEqual([Buffer.from([1, 2, 255]), null])
      const others = df.columns.filter((c) => c !== 'price' && c !== 'avatar')
      const back = await avroFormat.read(path, { columns: others })
      expect(back.frameEqual(df.select(...others), true)).toBe(true)
      expect(back.schema).toEqual(df.select(...others).schema)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
