import type { EntityIR, SchemaIR } from '@parquetframe/runtime/schema'
import { describe, expect, it } from 'vitest'
import { parseSchema, parseSchemaSources } from './parse-schema.js'

const SKETCH = `config {
  storage = "./data"
  format  = parquet
  output  = "./src/generated"
}

/// Who may do what.
enum Role { ADMIN MEMBER }

/// A person with an account.
/// Second line.
entity User @storage("users") {
  id        Int       @id
  /// Shown in the UI.
  name      String    @index
  email     String    @unique
  role      Role      @default(MEMBER)
  age       Int?
  tags      String[]
  createdAt DateTime  @default(now())
  /// Everything this user wrote.
  posts     Post[]    @relation(foreignKey: authorId)
}

entity Post @storage("posts") @format(avro) {
  id        BigInt    @id
  authorId  Int
  author    User      @relation(foreignKey: authorId)
  title     String    @map("post_title")
  published Boolean   @default(false)
}
`

function ir(text: string): SchemaIR {
  const result = parseSchema(text, 'test.pfschema')
  expect(result.diagnostics).toEqual([])
  if (result.ir === undefined) throw new Error('no IR')
  return result.ir
}

function entity(schema: SchemaIR, name: string): EntityIR {
  const found = schema.entities.find((e) => e.name === name)
  if (found === undefined) throw new Error(`no entity ${name}`)
  return found
}

describe('parseSchema → IR', () => {
  const schema = ir(SKETCH)
  const user = entity(schema, 'User')
  const post = entity(schema, 'Post')

  it('reads the config block and enums with their docs', () => {
    expect(schema.config).toEqual({ storage: './data', format: 'parquet', output: './src/generated' })
    expect(schema.enums).toMatchObject([
      { name: 'Role', values: ['ADMIN', 'MEMBER'], doc: 'Who may do what.' },
    ])
    expect(schema.sources).toEqual(['test.pfschema'])
  })

  it('numbers stored fields 1..n in declaration order, skipping relations', () => {
    expect(user.fields.map((f) => [f.name, f.id])).toEqual([
      ['id', 1],
      ['name', 2],
      ['email', 3],
      ['role', 4],
      ['age', 5],
      ['tags', 6],
      ['createdAt', 7],
    ])
    expect(post.fields.map((f) => f.id)).toEqual([1, 2, 3, 4])
  })

  it('maps types, optionality, keys, indexes, defaults and columns', () => {
    const byName = Object.fromEntries(user.fields.map((f) => [f.name, f]))
    expect(byName.id).toMatchObject({ type: { kind: 'scalar', name: 'Int' }, isId: true, optional: false })
    expect(byName.name).toMatchObject({ index: true, unique: false, doc: 'Shown in the UI.' })
    expect(byName.email).toMatchObject({ unique: true })
    expect(byName.role).toMatchObject({
      type: { kind: 'enum', name: 'Role' },
      default: { kind: 'literal', value: 'MEMBER' },
    })
    expect(byName.age).toMatchObject({ optional: true })
    expect(byName.tags?.type).toEqual({ kind: 'list', element: { kind: 'scalar', name: 'String' } })
    expect(byName.createdAt?.default).toEqual({ kind: 'now' })
    expect(post.fields.find((f) => f.name === 'title')?.column).toBe('post_title')
    expect(post.fields.find((f) => f.name === 'published')?.default).toEqual({
      kind: 'literal',
      value: false,
    })
    expect(user.primaryKey).toEqual(['id'])
  })

  it('lists field-level @unique/@index as one-field groups, as the runtime enforces uniques from them', () => {
    expect(user.uniques).toEqual([['email']])
    expect(user.indexes).toEqual([['name']])
    expect(post.uniques).toEqual([])
  })

  it('resolves relations: one holds the key, many finds it on the target', () => {
    expect(user.relations).toEqual([
      expect.objectContaining({
        name: 'posts',
        target: 'Post',
        kind: 'many',
        foreignKey: 'authorId',
        references: 'id',
        doc: 'Everything this user wrote.',
      }),
    ])
    expect(post.relations).toEqual([
      expect.objectContaining({
        name: 'author',
        target: 'User',
        kind: 'one',
        foreignKey: 'authorId',
        references: 'id',
      }),
    ])
  })

  it('keeps storage, format and multi-line entity docs', () => {
    expect(user).toMatchObject({
      storage: 'users',
      format: 'parquet',
      doc: 'A person with an account.\nSecond line.',
    })
    expect(post).toMatchObject({ storage: 'posts', format: 'avro' })
  })

  it('records spans pointing at names', () => {
    expect(user.span).toEqual({ file: 'test.pfschema', line: 12, column: 8, length: 4 })
    expect(user.fields[0]?.span).toEqual({ file: 'test.pfschema', line: 13, column: 3, length: 2 })
  })
})

describe('defaults and inference', () => {
  it('defaults storage to the snake_case name and format to the config format, else parquet', () => {
    const withConfig = ir('config { format = avro }\nentity PostTag { id Int @id }')
    expect(entity(withConfig, 'PostTag')).toMatchObject({ storage: 'post_tag', format: 'avro' })
    const without = ir('entity HTTPLog { id Int @id }')
    expect(entity(without, 'HTTPLog')).toMatchObject({ storage: 'http_log', format: 'parquet' })
    expect(without.config).toEqual({})
  })

  it('infers foreign keys from <relation>Id and from the back relation, and references from @id', () => {
    const schema = ir(`
entity Team { code String @id
  members Member[] }
entity Member { id Int @id
  teamId String
  team Team }`)
    expect(entity(schema, 'Team').relations[0]).toMatchObject({
      kind: 'many',
      foreignKey: 'teamId',
      references: 'code',
    })
    expect(entity(schema, 'Member').relations[0]).toMatchObject({
      kind: 'one',
      foreignKey: 'teamId',
      references: 'code',
    })
  })

  it('keeps exact literal defaults: BigInt and Decimal as digit strings, Float as number', () => {
    const schema = ir(`entity A { id BigInt @id @default(9007199254740993)
  d Decimal @default(0.10)
  f Float @default(2.5)
  j Json @default("[1]") }`)
    expect(entity(schema, 'A').fields.map((f) => f.default)).toEqual([
      { kind: 'literal', value: '9007199254740993' },
      { kind: 'literal', value: '0.10' },
      { kind: 'literal', value: 2.5 },
      { kind: 'literal', value: '[1]' },
    ])
  })

  it('accepts partitioning, composite indexes and uniques', () => {
    const schema = ir(`entity Event @partitionBy(day, kind) { id Int @id
  day Date
  kind String @index
  code String @unique
  @@index([kind, day])
  @@unique([id, day]) }`)
    expect(entity(schema, 'Event')).toMatchObject({
      partitionBy: ['day', 'kind'],
      indexes: [['kind'], ['kind', 'day']],
      uniques: [['code'], ['id', 'day']],
    })
  })
})

describe('multi-file schemas', () => {
  it('merges files and keeps each span in its file', () => {
    const result = parseSchemaSources([
      { file: 'a.pfschema', text: 'entity User { id Int @id\n  posts Post[] }' },
      { file: 'b.pfschema', text: 'entity Post { id Int @id\n  userId Int\n  user User }' },
    ])
    expect(result.diagnostics).toEqual([])
    expect(result.ir?.entities.map((e) => e.span?.file)).toEqual(['a.pfschema', 'b.pfschema'])
    expect(result.ir?.sources).toEqual(['a.pfschema', 'b.pfschema'])
  })

  it('reports a duplicate across files at the second declaration, naming the first', () => {
    const result = parseSchemaSources([
      { file: 'a.pfschema', text: 'entity User { id Int @id }' },
      { file: 'b.pfschema', text: '\nentity User { id Int @id }' },
    ])
    expect(result.ir).toBeUndefined()
    expect(result.diagnostics).toMatchObject([
      {
        code: 'PF2001',
        span: { file: 'b.pfschema', line: 2, column: 8 },
        message: '"User" is already declared at a.pfschema:1:8',
      },
    ])
  })
})

describe('error reporting', () => {
  it('reports every error of a file in one run and returns no IR', () => {
    const result = parseSchema(
      `entity User {
  id Int @id
  posts Pots[]
  role Rol
  x Int @defualt(3)
}
entity Post @storage("../x") {
  id Int @id
  author User @relation(foreignKey: authorID)
}`,
      'bad.pfschema',
    )
    expect(result.ir).toBeUndefined()
    expect(
      result.diagnostics.map((d) => `${d.span.line}:${d.span.column} ${d.code} ${d.hint ?? ''}`),
    ).toEqual([
      '3:9 PF2005 did you mean "Post"?',
      '4:8 PF2005 use a scalar type (Int, String, ...), an enum or an entity declared in the schema',
      '5:10 PF1101 did you mean "default"?',
      '7:22 PF5002 remove the ".." segments',
      '9:37 PF4003 add the field, e.g. authorID Int, to Post',
    ])
  })

  it('keeps going after syntax errors and still runs the semantic checks', () => {
    const result = parseSchema(
      'entity A {\n  id Int @id\n  x Int @default(\n  y Strng\n}\nentity B { id Int @id }\nentity B { id Int @id }',
    )
    expect(result.diagnostics.map((d) => d.code)).toEqual(['PF1009', 'PF2005', 'PF2001'])
  })

  it('gives warnings without withholding the IR', () => {
    const result = parseSchema('entity A @partitionBy(id) { id Int @id }')
    expect(result.diagnostics.map((d) => [d.code, d.severity])).toEqual([['PF3016', 'warning']])
    expect(result.ir?.entities[0]?.partitionBy).toEqual(['id'])
  })
})

describe('Decimal(precision, scale)', () => {
  const typeOf = (text: string) => {
    const result = parseSchema(`entity Order {\n  id Int @id\n  price ${text}\n}`, 'order.pfschema')
    return {
      type: result.ir?.entities[0]?.fields[1]?.type,
      diagnostics: result.diagnostics.map((d) => `${d.span.line}:${d.span.column} ${d.code} ${d.message}`),
    }
  }

  it('carries the declared precision and scale into the IR, the default (38, 18) when none is given', () => {
    expect(typeOf('Decimal(10, 2)').type).toEqual({
      kind: 'scalar',
      name: 'Decimal',
      precision: 10,
      scale: 2,
    })
    expect(typeOf('Decimal(12)?').type).toEqual({ kind: 'scalar', name: 'Decimal', precision: 12, scale: 0 })
    expect(typeOf('Decimal').type).toEqual({ kind: 'scalar', name: 'Decimal', precision: 38, scale: 18 })
    expect(typeOf('Decimal(5, 1)[]').type).toEqual({
      kind: 'list',
      element: { kind: 'scalar', name: 'Decimal', precision: 5, scale: 1 },
    })
  })

  it.each([
    ['Decimal(39, 2)', '3:9 PF2014 Order.price: Decimal(39, 2) has precision 39, not 1..38'],
    ['Decimal(4, 5)', '3:9 PF2014 Order.price: Decimal(4, 5) has scale 5, not 0..4 (its precision)'],
    ['Decimal(10, 2.5)', '3:9 PF2015 "Decimal" expects (precision) or (precision, scale)'],
    ['Decimal(1, 2, 3)', '3:9 PF2015 "Decimal" expects (precision) or (precision, scale)'],
    ['Decimal()', '3:9 PF2015 "Decimal" expects (precision) or (precision, scale)'],
    ['Decimal(p: 3)', '3:9 PF2015 "Decimal" expects (precision) or (precision, scale)'],
    ['Int(3)', '3:9 PF2015 "Int" takes no arguments'],
    [
      'Decimal(4, 2) @default(123.45)',
      '3:32 PF3019 default of Order.price does not fit: 123.45 has 3 digits before the point; Decimal(4, 2) keeps 2',
    ],
  ])('%s is refused at its place', (text, diagnostic) => {
    const { type, diagnostics } = typeOf(text)
    expect(diagnostics).toEqual([diagnostic])
    expect(type).toBeUndefined()
  })
})
