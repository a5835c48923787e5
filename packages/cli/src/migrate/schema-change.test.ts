import { parseSchema } from '@parquetframe/codegen'
import type { SchemaIR } from '@parquetframe/runtime/schema'
import { describe, expect, it } from 'vitest'
import { diffEntity } from './schema-change.js'

function ir(text: string): SchemaIR {
  const result = parseSchema(text)
  if (!result.ir)
    throw new Error(`test schema has errors: ${result.diagnostics.map((d) => d.message).join('; ')}`)
  return result.ir
}

function diff(before: string, after: string) {
  const a = ir(before)
  const b = ir(after)
  return diffEntity(a.entities[0]!, a.enums, b.entities[0]!, b.enums).map((c) => [
    c.kind,
    c.cost,
    c.subject,
    c.message,
  ])
}

const base =
  'enum Role { ADMIN MEMBER }\nentity User {\n  id Int @id\n  name String\n  age Int?\n  role Role\n}\n'

describe('diffEntity', () => {
  it('finds nothing when nothing changed', () => {
    expect(diff(base, base)).toEqual([])
  })

  it('adds optional fields as metadata, defaulted ones by a rewrite, refuses a required field without default', () => {
    const after = base.replace(
      '  role Role\n',
      '  role Role\n  nick String?\n  score Float @default(0)\n  email String\n',
    )
    expect(diff(base, after)).toEqual([
      ['add-field', 'metadata', 'User.nick', 'add nick String?; existing rows read null'],
      [
        'add-field',
        'rewrite',
        'User.score',
        'add score Float; existing rows read its default (written into their files: Delta readers know no defaults for existing rows)',
      ],
      [
        'add-field',
        'incompatible',
        'User.email',
        'add required email String without a default: existing rows would have no value; make it optional or give it @default(...)',
      ],
    ])
  })

  it('renames through @map without a rewrite, and hints at @map for a drop plus add', () => {
    expect(diff(base, base.replace('  name String', '  fullName String @map("name")'))).toEqual([
      ['rename-field', 'metadata', 'User.fullName', 'rename name to fullName (column "name" keeps its data)'],
    ])
    const plain = diff(base, base.replace('  name String', '  fullName String'))
    expect(plain[0]?.[3]).toContain('(if this renames name, keep its data with @map("name"))')
    expect(plain[1]).toEqual([
      'drop-field',
      'metadata',
      'User.name',
      'drop name String; its data stays in old files until they are rewritten',
    ])
  })

  it('classifies type changes: same storage, rewrite, refused', () => {
    expect(diff(base, base.replace('age Int?', 'age BigInt?'))[0]?.slice(0, 2)).toEqual([
      'change-type',
      'metadata',
    ])
    expect(diff(base, base.replace('age Int?', 'age Float?'))[0]?.slice(0, 2)).toEqual([
      'change-type',
      'rewrite',
    ])
    const refused = diff(base, base.replace('name String', 'name Int'))[0]
    expect(refused?.slice(0, 3)).toEqual(['change-type', 'incompatible', 'User.name'])
    expect(refused?.[3]).toContain('String → Int is not a widening')
  })

  it('refuses removed enum values and optional → required; accepts the reverse', () => {
    expect(diff(base, base.replace('{ ADMIN MEMBER }', '{ ADMIN MEMBER GUEST }'))).toEqual([
      ['change-enum', 'metadata', 'User.role', 'enum gains GUEST'],
    ])
    expect(diff(base, base.replace('{ ADMIN MEMBER }', '{ ADMIN }'))[0]?.slice(0, 2)).toEqual([
      'change-enum',
      'incompatible',
    ])
    expect(diff(base, base.replace('age Int?', 'age Int'))[0]?.slice(0, 2)).toEqual([
      'change-optional',
      'incompatible',
    ])
    expect(diff(base, base.replace('name String', 'name String?'))[0]?.slice(0, 2)).toEqual([
      'change-optional',
      'metadata',
    ])
  })

  it('refuses a primary-key change and points a format change at pf migrate format', () => {
    const key = diff(base, base.replace('id Int @id', 'id Int').replace('name String', 'name String @id'))
    expect(key[0]?.slice(0, 2)).toEqual(['change-key', 'incompatible'])
    const format = diff(base, base.replace('entity User {', 'entity User @format(avro) {'))
    expect(format).toEqual([
      [
        'change-format',
        'rewrite',
        'User',
        'storage format changes from parquet to avro (rewrites the data, as "pf migrate format --entity User --to avro")',
      ],
    ])
  })
})
