import type { EntityIR, SchemaIR } from '@parquetframe/runtime/schema'
import { describe, expect, it } from 'vitest'
import { renderDiagnostics } from '../diagnostics/diagnostic-renderer.js'
import { generate } from '../emit/generate.js'
import { parseClassSources } from './parse-classes.js'

const IMPORTS =
  "import { entity, enumOf, field, id, index, listOf, rel, unique } from '@parquetframe/runtime'\n"

function parse(body: string, options = {}) {
  return parseClassSources([{ file: 'models.ts', text: IMPORTS + body }], options)
}

/** `CODE line:col` for each diagnostic (lines count the import line as 1). */
function codes(body: string): string[] {
  return parse(body).diagnostics.map((d) => `${d.code} ${d.span.line}:${d.span.column}`)
}

function entityOf(ir: SchemaIR | undefined, name: string): EntityIR {
  const found = ir?.entities.find((e) => e.name === name)
  if (found === undefined) throw new Error(`no entity ${name}`)
  return found
}

const types = (entity: EntityIR) =>
  Object.fromEntries(entity.fields.map((f) => [f.name, `${JSON.stringify(f.type)}${f.optional ? '?' : ''}`]))

describe('TypeScript types → storage types', () => {
  it('maps scalars, Date, Uint8Array, arrays and optionality like the runtime', () => {
    const { ir, diagnostics } = parse(`
@entity()
class Sample {
  @id() id!: number
  @field() big!: bigint
  @field() text!: string
  @field() flag!: boolean
  @field() at!: Date
  @field() raw!: Uint8Array
  @field('float') score!: number
  @field() tags!: string[]
  @field() labels!: ReadonlyArray<string>
  @field() maybe?: string
  @field() nullable!: string | null
  @field('int') counted = 0
  @field(listOf('int')) ranks!: number[]
  @field('json') meta!: Record<string, unknown>
  @field() day!: DateOnly
  @field('date') born!: pf.DateOnly | null
  @field('date') text2!: string
  @field() days!: DateOnly[]
}`)
    expect(diagnostics).toEqual([])
    expect(types(entityOf(ir, 'Sample'))).toEqual({
      id: '{"kind":"scalar","name":"Int"}',
      big: '{"kind":"scalar","name":"BigInt"}',
      text: '{"kind":"scalar","name":"String"}',
      flag: '{"kind":"scalar","name":"Boolean"}',
      at: '{"kind":"scalar","name":"DateTime"}',
      raw: '{"kind":"scalar","name":"Bytes"}',
      score: '{"kind":"scalar","name":"Float"}',
      tags: '{"kind":"list","element":{"kind":"scalar","name":"String"}}',
      labels: '{"kind":"list","element":{"kind":"scalar","name":"String"}}',
      maybe: '{"kind":"scalar","name":"String"}?',
      nullable: '{"kind":"scalar","name":"String"}?',
      counted: '{"kind":"scalar","name":"Int"}',
      ranks: '{"kind":"list","element":{"kind":"scalar","name":"Int"}}',
      meta: '{"kind":"scalar","name":"Json"}',
      day: '{"kind":"scalar","name":"Date"}',
      born: '{"kind":"scalar","name":"Date"}?',
      text2: '{"kind":"scalar","name":"Date"}',
      days: '{"kind":"list","element":{"kind":"scalar","name":"Date"}}',
    })
  })

  it('turns string-literal unions, string enums and enumOf into enums', () => {
    const { ir, diagnostics } = parse(`
/** How urgent. */
type Priority = 'LOW' | 'HIGH'
enum Role { ADMIN = 'ADMIN', MEMBER = 'MEMBER' }
@entity()
class Ticket {
  @id() id!: string
  @field() status!: 'open' | 'closed'
  @field() priority!: Priority
  @field({ default: Role.MEMBER }) role!: Role
  @field(enumOf('Level', ['ONE', 'TWO'])) level!: 'ONE' | 'TWO'
  @field() flags?: ('A' | 'B')[] | null
}`)
    expect(diagnostics).toEqual([])
    expect(ir?.enums.map((e) => [e.name, e.values.join(' '), e.doc])).toEqual([
      ['TicketStatus', 'open closed', undefined],
      ['Priority', 'LOW HIGH', 'How urgent.'],
      ['Role', 'ADMIN MEMBER', undefined],
      ['Level', 'ONE TWO', undefined],
      ['TicketFlags', 'A B', undefined],
    ])
    const ticket = entityOf(ir, 'Ticket')
    expect(ticket.fields.find((f) => f.name === 'role')?.default).toEqual({
      kind: 'literal',
      value: 'MEMBER',
    })
    expect(types(ticket).flags).toBe('{"kind":"list","element":{"kind":"enum","name":"TicketFlags"}}?')
  })

  it('keeps the doc comments of enums declared with enumOf, through to the generated code', () => {
    const { ir, diagnostics } = parse(`
/** What a user may do. */
enum Role { ADMIN = 'ADMIN', MEMBER = 'MEMBER' }
/** How loud. */
const Volume = enumOf('Volume', ['LOW', 'HIGH'])
/** The sizes we sell. */
const SIZES = ['S', 'M', 'L']
/** How deep. */
type Level = 'ONE' | 'TWO'
@entity()
class Item {
  @id() id!: string
  @field(enumOf('Role', Role)) role!: Role
  @field(Volume) volume!: 'LOW' | 'HIGH'
  @field(listOf(Volume)) volumes!: ('LOW' | 'HIGH')[]
  @field(enumOf('Size', SIZES)) size!: string
  @field({ type: enumOf('Level', ['ONE', 'TWO']) }) level!: Level
  /** A field's own doc is not its enum's. */
  @field(enumOf('Plain', ['X'])) plain!: 'X'
}
@entity()
class Other {
  @id() id!: string
  @field(enumOf('Twice', ['A'])) first!: 'A'
  @field(enumOf('Twice', ['A'])) second!: Twice
}
/** Declared twice, documented once. */
type Twice = 'A'`)
    expect(diagnostics).toEqual([])
    expect(ir?.enums.map((e) => [e.name, e.doc])).toEqual([
      ['Role', 'What a user may do.'],
      ['Volume', 'How loud.'],
      ['Size', 'The sizes we sell.'],
      ['Level', 'How deep.'],
      ['Plain', undefined],
      ['Twice', 'Declared twice, documented once.'],
    ])
    const enums = generate(ir as SchemaIR).get('enums.ts') ?? ''
    expect(enums).toContain('/** How loud. */\nexport type Volume =')
    expect(enums).toContain('/** What a user may do. */\nexport type Role =')
  })

  it('refuses a number that could be Int or Float, pointing at its type', () => {
    const result = parse(`
@entity()
class Reading {
  @id() id!: number
  @field() value!: number
}`)
    expect(renderDiagnostics(result.diagnostics, result.sources)).toBe(
      [
        'models.ts:6:20: error PF6202: Reading.value: TypeScript type "number" could be Int or Float',
        '6 |   @field() value!: number',
        '  |                    ^^^^^^',
        "hint: give the storage type, e.g. @field('int') or @field('float')",
        '',
        '1 error',
      ].join('\n'),
    )
  })

  it('refuses types with no storage type, and specs that do not fit the property', () => {
    expect(
      codes(`
interface Address { street: string }
@entity()
class Person {
  @id() id!: string
  @field() address!: Address
  @field() anything!: unknown
  @field() mixed!: string | number
  @field() nested!: string[][]
  @field('int') name!: string
  @field('integer') age!: number
  @field() posts!: HasMany<Person>
  @field('string') when!: DateOnly
}`),
    ).toEqual([
      'PF6201 7:22',
      'PF6201 8:23',
      'PF6201 9:20',
      'PF6201 10:21',
      'PF6203 11:10',
      'PF6204 12:10',
      'PF6201 13:20',
      'PF6203 14:10',
    ])
  })
})

describe('decorator options → IR', () => {
  it('reads entity options, field options and JSDoc, with consts and enum members', () => {
    const { ir, diagnostics } = parse(
      `
const TABLE = 'people/archive'
/** Ignored: the doc option wins. */
@entity({ storage: TABLE, name: 'Person', primaryKey: 'key', uniques: [['first', 'last']], indexes: [['last']], partitionBy: ['country'], doc: 'A person.' })
class PersonRecord {
  @field() key!: string
  /** Given name. */
  @field({ column: 'first_name' }) first!: string
  @unique() @field({ doc: 'Family name.' }) last!: string
  @index() country!: string
  @field('int?', { default: null }) age!: number | null
  @field({ default: '2024-01-01T00:00:00Z' }) seen!: Date
  @field('bigint', { default: 7 }) visits!: bigint
}`,
      { config: { format: 'avro' } },
    )
    expect(diagnostics).toEqual([])
    const person = entityOf(ir, 'Person')
    expect(person).toMatchObject({
      storage: 'people/archive',
      format: 'avro',
      primaryKey: ['key'],
      partitionBy: ['country'],
      uniques: [['last'], ['first', 'last']],
      indexes: [['country'], ['last']],
      doc: 'A person.',
    })
    expect(person.fields.map((f) => [f.id, f.name, f.column, f.isId, f.doc])).toEqual([
      [1, 'key', 'key', true, undefined],
      [2, 'first', 'first_name', false, 'Given name.'],
      [3, 'last', 'last', false, 'Family name.'],
      [4, 'country', 'country', false, undefined],
      [5, 'age', 'age', false, undefined],
      [6, 'seen', 'seen', false, undefined],
      [7, 'visits', 'visits', false, undefined],
    ])
    expect(person.fields.slice(4).map((f) => f.default)).toEqual([
      { kind: 'literal', value: null },
      { kind: 'literal', value: '2024-01-01T00:00:00Z' },
      { kind: 'literal', value: '7' },
    ])
  })

  it('defaults storage to the entity name and format to parquet, like the runtime', () => {
    const { ir } = parse(`@entity() class Plain { @id() id!: string }`)
    expect(entityOf(ir, 'Plain')).toMatchObject({
      storage: 'Plain',
      format: 'parquet',
      uniques: [],
      indexes: [],
    })
  })

  it('reads relations: class, thunk and name targets, reverse, through, references', () => {
    const { ir, diagnostics } = parse(`
@entity() class Article {
  @id() id!: number
  @field() slug!: string
  @rel('Label', { through: 'ArticleLabel', foreignKey: 'articleId', targetKey: 'labelId' }) labels!: unknown
  @rel(() => Note, { foreignKey: 'articleSlug', references: 'slug', reverse: true }) notes!: unknown
}
@entity() class Label { @id() id!: string }
@entity() class ArticleLabel {
  @id() id!: string
  @field('int') articleId!: number
  @field() labelId!: string
}
@entity() class Note {
  @id() id!: string
  @unique() articleSlug!: string
  @rel(Article, { foreignKey: 'articleSlug', references: 'slug' }) article!: unknown
}`)
    expect(diagnostics).toEqual([])
    expect(entityOf(ir, 'Article').relations.map(({ span: _, ...r }) => r)).toEqual([
      {
        name: 'labels',
        target: 'Label',
        kind: 'many',
        foreignKey: 'articleId',
        references: 'id',
        through: { entity: 'ArticleLabel', targetKey: 'labelId' },
      },
      { name: 'notes', target: 'Note', kind: 'many', foreignKey: 'articleSlug', references: 'slug' },
    ])
    expect(entityOf(ir, 'Note').relations[0]).toMatchObject({
      kind: 'one',
      target: 'Article',
      references: 'slug',
    })
  })

  it('recognises aliased and namespace imports, and ignores look-alike local decorators', () => {
    const { ir, diagnostics } = parseClassSources([
      {
        file: 'a.ts',
        text: `import { entity as model, id as key } from '@parquetframe/runtime'
import * as pf from '@parquetframe/runtime'
function field(): (a: unknown, b: unknown) => void { return () => {} }
@model() class A { @key() id!: string; @pf.field() name!: string; @field() local!: object }`,
      },
    ])
    expect(diagnostics).toEqual([])
    expect(entityOf(ir, 'A').fields.map((f) => f.name)).toEqual(['id', 'name'])
  })

  it('inherits decorated fields from base classes, ancestors first', () => {
    const { ir, diagnostics } = parse(`
abstract class Stamped { @field() createdAt!: Date }
@entity() class Event extends Stamped { @id() id!: string; @field() kind!: string }`)
    expect(diagnostics).toEqual([])
    expect(entityOf(ir, 'Event').fields.map((f) => `${f.id}:${f.name}`)).toEqual([
      '1:createdAt',
      '2:id',
      '3:kind',
    ])
  })

  it('follows imports between files', () => {
    const { ir, diagnostics } = parseClassSources([
      { file: 'types.ts', text: "export type Mood = 'HAPPY' | 'SAD'\nexport const TABLE = 'diary'" },
      {
        file: 'models/entry.ts',
        text: `${IMPORTS}import { type Mood, TABLE } from '../types.js'
@entity({ storage: TABLE }) export class Entry { @id() id!: string; @field() mood!: Mood }`,
      },
    ])
    expect(diagnostics).toEqual([])
    expect(ir?.enums.map((e) => e.name)).toEqual(['Mood'])
    expect(entityOf(ir, 'Entry').storage).toBe('diary')
    expect(ir?.sources).toEqual(['types.ts', 'models/entry.ts'])
  })
})

describe('diagnostics at the TypeScript location', () => {
  it('reports a missing primary key, an unknown target and missing foreign keys, all in one run', () => {
    const result = parse(`
@entity() class Post {
  @field() title!: string
  @rel('Usr', { foreignKey: 'authorId' }) author!: unknown
}
@entity() class User {
  @id() id!: number
  @rel(() => Post, { foreignKey: 'writerId', reverse: true }) posts!: unknown
}`)
    expect(result.ir).toBeUndefined()
    expect(renderDiagnostics(result.diagnostics, result.sources)).toBe(
      [
        'models.ts:3:17: error PF3001: entity "Post" has no primary key',
        '3 | @entity() class Post {',
        '  |                 ^^^^',
        'hint: mark one field as the primary key: `id Int @id` in a .pfschema, @id() in a class',
        '',
        'models.ts:5:8: error PF6401: relation Post.author points at "Usr", which is not an entity',
        "5 |   @rel('Usr', { foreignKey: 'authorId' }) author!: unknown",
        '  |        ^^^^^',
        'hint: did you mean "User"?',
        '',
        'models.ts:5:29: error PF4003: foreign key "authorId" of relation Post.author is not a field of entity "Post"',
        "5 |   @rel('Usr', { foreignKey: 'authorId' }) author!: unknown",
        '  |                             ^^^^^^^^^^',
        'hint: add the field authorId to Post',
        '',
        'models.ts:9:34: error PF4003: foreign key "writerId" of relation User.posts is not a field of entity "Post"',
        "9 |   @rel(() => Post, { foreignKey: 'writerId', reverse: true }) posts!: unknown",
        '  |                                  ^^^^^^^^^^',
        'hint: add the field writerId to Post',
        '',
        '4 errors',
      ].join('\n'),
    )
  })

  it('reports decorator arguments it cannot evaluate without running the code', () => {
    const result = parse(`
declare function tableName(): string
@entity({ storage: tableName() })
class Dynamic { @id() id!: string; @field({ default: Math.random() }) n!: number }`)
    expect(result.diagnostics.map((d) => [d.code, d.span.line, d.span.column, d.message])).toEqual([
      ['PF6101', 4, 20, 'cannot evaluate option "storage" of @entity() without running the code'],
      ['PF6202', 5, 75, 'Dynamic.n: TypeScript type "number" could be Int or Float'],
    ])
  })

  it('reports unknown and ill-typed options with suggestions', () => {
    const result = parse(`
@entity({ storag: 'x', format: 'csv' })
class Odd { @id() id!: string; @rel('Odd', { foreignKey: 'id', revers: true }) self!: unknown }`)
    expect(result.diagnostics.map((d) => `${d.code} ${d.message} | ${d.hint}`)).toEqual([
      'PF6102 unknown option "storag" of @entity() | did you mean "storage"?',
      'PF6103 option "format" of @entity() expects "parquet" or "avro" | undefined',
      'PF6102 unknown option "revers" of @rel() | did you mean "reverse"?',
    ])
  })

  it('checks keys, columns, field groups, defaults and storage paths', () => {
    expect(
      codes(`
@entity({ primaryKey: 'code', uniques: [['nme']] })
class Country {
  @id() id!: string
  @id() code!: string
  @field({ column: 'id' }) name!: string
  @field('int', { default: 'many' }) population!: number
  @field({ default: { kind: 'now' } }) founded!: string
}
@entity({ storage: '../outside' }) class Leak { @id() id?: string }
@entity({ storage: 'Leak' }) class Listed { @id() flag!: boolean }
@entity({ storage: 'leak' }) class Again { @id() id!: string }
@entity() class Empty {}`),
    ).toEqual(
      [
        'PF6303 3:23',
        'PF3010 3:42',
        'PF3002 6:3',
        'PF3012 7:28',
        'PF6306 8:28',
        'PF3007 9:40',
        'PF5002 11:20',
        'PF3003 11:60',
        'PF3004 12:58',
        'PF5003 13:20',
        'PF6308 14:17',
      ].sort(byPosition),
    )
  })

  it('refuses a Date default that is no calendar date (2024-02-30), as a .pfschema @default is (one rule)', () => {
    const body = `
@entity() class Trip {
  @id() id!: string
  @field('date', { default: '2024-02-30' }) leaves!: string
  @field('date', { default: '2024-02-29' }) back!: string
}`
    expect(codes(body)).toEqual(['PF6306 5:29'])
    expect(parse(body).diagnostics[0]?.message).toContain('"2024-02-30"')
  })

  it('refuses a Json default nested deeper than a schema value may be, as a .pfschema @default is (one rule)', () => {
    const deep = `${'['.repeat(65)}${']'.repeat(65)}`
    const body = (json: string) => `
@entity() class Doc {
  @id() id!: string
  @field('json', { default: '${json}' }) data!: unknown
}`
    expect(codes(body(deep))).toEqual(['PF1010 5:29'])
    expect(codes(body(`${'['.repeat(64)}${']'.repeat(64)}`))).toEqual([])
  })

  it('checks relations: key types, references, through, names', () => {
    expect(
      codes(`
@entity() class Owner {
  @id() id!: string
  @rel(() => Pet, { foreignKey: 'ownerId', reverse: true }) pets!: unknown
  @rel(() => Pet, { foreignKey: 'ownerId', reverse: true, references: 'nope' }) more!: unknown
  @rel('Pet', { through: 'Nowhere', foreignKey: 'a' }) viaJoin!: unknown
  @rel('Pet', {}) noKey!: unknown
  @field() @rel('Pet', { foreignKey: 'ownerId', reverse: true }) both!: string
}
@entity() class Pet { @id() id!: string; @field('int') ownerId!: number }
class NotAnEntity {}
@entity() class Vet { @id() id!: string; @rel(NotAnEntity, { foreignKey: 'id' }) x!: unknown }`),
    ).toEqual(
      [
        'PF4004 5:33',
        'PF4005 6:71',
        'PF6401 7:26',
        'PF6405 7:26',
        'PF6405 8:3',
        'PF6406 9:66',
        'PF6401 13:47',
      ].sort(byPosition),
    )
  })

  it('reports misplaced decorators, duplicate names, conflicting enums and stray decorated classes', () => {
    expect(
      codes(`
@entity() class Twin { @id() id!: string; @field(enumOf('Kind', ['A'])) kind!: string }
@entity({ name: 'Twin' }) class Other { @id() id!: string }
@entity() class Third { @id() id!: string; @field(enumOf('Kind', ['B'])) kind!: string }
@entity() class Statics { @id() id!: string; @field() static count: string; @field() method(): void {} }
@entity class Uncalled { @id() id!: string }
class Stray { @field() name!: string }`),
    ).toEqual(['PF6206 4:17', 'PF6205 5:58', 'PF6104 6:46', 'PF6104 6:77', 'PF6104 7:1', 'PF6105 8:7'])
  })

  it('says so when no class is an entity', () => {
    const result = parse('export class Nothing {}')
    expect(result.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['PF6002', 'no class decorated with @entity() in models.ts'],
    ])
  })
})

function byPosition(a: string, b: string): number {
  const pos = (s: string) => s.split(' ')[1]?.split(':').map(Number) ?? [0, 0]
  const [la = 0, ca = 0] = pos(a)
  const [lb = 0, cb = 0] = pos(b)
  return la - lb || ca - cb || (a < b ? -1 : 1)
}
