import { collectSchemaSymbols } from '@parquetframe/codegen/internal'
import { describe, expect, it } from 'vitest'
import { completionContext } from './completion-context.js'
import { completionItems } from './schema-completion.js'

const OTHER = `enum Role { ADMIN MEMBER }

entity User {
  id    Int    @id
  email String
  role  Role
  posts Post[] @relation(foreignKey: authorId)
}
`

/** Completion labels at the `|` in `text`, with OTHER as a second file of the schema. */
function labelsAt(marked: string): string[] {
  const offset = marked.indexOf('|')
  const text = marked.slice(0, offset) + marked.slice(offset + 1)
  const symbols = collectSchemaSymbols([
    { file: 'other.pfschema', text: OTHER },
    { file: 'this.pfschema', text },
  ])
  return completionItems(text, offset, symbols).map((i) => i.label)
}

describe('completion', () => {
  it('offers declarations at the top level, and entity attributes after an entity name', () => {
    expect(labelsAt('|')).toEqual(['entity', 'enum', 'config'])
    expect(labelsAt('entity Post @storage("posts") @|')).toEqual(['@storage', '@format', '@partitionBy'])
  })

  it('offers scalar, entity and enum types for a field, from every file', () => {
    const types = labelsAt('entity Post {\n  id Int @id\n  author |\n}')
    expect(types).toEqual([
      'Int',
      'BigInt',
      'Float',
      'Decimal',
      'String',
      'Boolean',
      'DateTime',
      'Date',
      'Json',
      'Bytes',
      'Role',
      'User',
      'Post',
    ])
  })

  it('offers field attributes after the type, @@ attributes on their own line', () => {
    expect(labelsAt('entity Post {\n  id Int @|\n}')).toEqual([
      '@id',
      '@unique',
      '@index',
      '@default',
      '@map',
      '@relation',
    ])
    expect(labelsAt('entity Post {\n  id Int @id\n  @@|\n}')).toEqual(['@@index', '@@unique'])
  })

  it('offers the fields of the entity holding a relation key: this one for a single relation, the target for a list', () => {
    const post = 'entity Post {\n  id Int @id\n  authorId Int\n  author User @relation(foreignKey: |)\n}'
    expect(labelsAt(post)).toEqual(['id', 'authorId', 'author'])
    const references =
      'entity Post {\n  id Int @id\n  authorId Int\n  author User @relation(foreignKey: authorId, references: |)\n}'
    expect(labelsAt(references)).toEqual(['id', 'email', 'role', 'posts'])
    const many = 'entity Team {\n  id Int @id\n  members User[] @relation(foreignKey: |)\n}'
    expect(labelsAt(many)).toEqual(['id', 'email', 'role', 'posts'])
    expect(labelsAt('entity Post {\n  author User @relation(|)\n}')).toEqual(['foreignKey', 'references'])
  })

  it('offers field names in @@index, @@unique and @partitionBy, also over several lines', () => {
    expect(labelsAt('entity Post {\n  id Int @id\n  day Date\n  @@index([day, |])\n}')).toEqual(['id', 'day'])
    expect(labelsAt('entity Post @partitionBy(|) {\n  id Int @id\n  day Date\n}')).toEqual(['id', 'day'])
    expect(labelsAt('entity Post {\n  id Int @id\n  day Date\n  @@unique([\n    |\n  ])\n}')).toEqual([
      'id',
      'day',
    ])
  })

  it('offers defaults that fit the field type', () => {
    expect(labelsAt('entity Post {\n  role Role @default(|)\n}')).toEqual(['ADMIN', 'MEMBER'])
    expect(labelsAt('entity Post {\n  at DateTime? @default(|)\n}')).toEqual(['now()', 'null'])
    expect(labelsAt('entity Post {\n  id BigInt @id @default(|)\n}')).toEqual(['autoincrement()'])
    expect(labelsAt('entity Post {\n  key String @default(|)\n}')).toEqual(['uuid()'])
    expect(labelsAt('entity Post {\n  tags String[] @default(|)\n}')).toEqual([])
  })

  it('offers the config keys not given yet, and formats', () => {
    expect(labelsAt('config {\n  output = "./gen"\n  |\n}')).toEqual(['storage', 'format'])
    expect(labelsAt('config {\n  format = |\n}')).toEqual(['parquet', 'avro'])
    expect(labelsAt('entity Post @format(|) {\n}')).toEqual(['parquet', 'avro'])
  })

  it('offers nothing in comments and strings, and reads past braces in them', () => {
    expect(labelsAt('// entity Post {\n  id |')).toEqual([])
    expect(labelsAt('entity Post @storage("a { |") {\n}')).toEqual([])
    expect(completionContext('entity Post @storage("{") { // {\n  id Int @\n}', 43)).toEqual({
      kind: 'fieldAttribute',
      entity: 'Post',
    })
  })
})
