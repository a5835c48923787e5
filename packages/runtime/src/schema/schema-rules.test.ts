import { describe, expect, it } from 'vitest'
import { entityIRFor, relationIR } from '../entity/__fixtures__/test-ir.js'
import { checkSchemaRules } from './schema-rules.js'
import { storageContains, storagePathProblem } from './storage-path.js'

// The shared rule set as a pure function of the IR (the cross-front-end agreement is tested in codegen's
// entity-rules-agree.test.ts).

const codes = (...entities: Parameters<typeof entityIRFor>[]) =>
  checkSchemaRules({ enums: [], entities: entities.map((e) => entityIRFor(...e)) }).map(
    (i) => `${i.code} ${i.at.entity}${i.at.field === undefined ? '' : `.${i.at.field}`}`,
  )

describe('storagePathProblem', () => {
  it.each([
    ['users', undefined],
    ['archive/2024/users_v2.0', undefined],
    ['a-b/c_d', undefined],
    ['', 'empty'],
    ['.', 'empty'],
    ['/abs', 'absolute'],
    ['\\\\server\\share', 'absolute'],
    ['C:relative', 'absolute'],
    ['..', 'escapes'],
    ['a/../b', 'escapes'],
    ['a/..', 'escapes'],
    ['a\\b', 'invalid'],
    ['a//b', 'invalid'],
    ['a/./b', 'invalid'],
    ['a/', 'invalid'],
    ['.hidden', 'invalid'],
    ['-dash', 'invalid'],
    ['trailing.', 'invalid'],
    ['sp ace', 'invalid'],
    ['tab\t', 'invalid'],
    ['café', 'invalid'],
    ['a:b', 'absolute'],
    ['ab:c', 'invalid'],
    ['COM1', 'invalid'],
    ['data/nul.txt', 'invalid'],
    ['x'.repeat(101), 'invalid'],
    [`${'x'.repeat(100)}/`.repeat(2) + 'y', 'invalid'],
  ])('%j: %s', (path, kind) => {
    expect(storagePathProblem(path)?.kind).toBe(kind)
  })

  it('compares folders for nesting ignoring case, by whole segments', () => {
    expect(storageContains('users', 'Users/archive')).toBe(true)
    expect(storageContains('users', 'users')).toBe(true)
    expect(storageContains('users', 'users2')).toBe(false)
    expect(storageContains('users/archive', 'users')).toBe(false)
  })
})

describe('checkSchemaRules across entities', () => {
  it('checks relation targets, keys and key types', () => {
    expect(
      codes(
        ['User', { id: 'Int', name: 'String' }, { storage: 'users' }],
        [
          'Post',
          { id: 'Int', authorId: 'String', editorId: 'Int' },
          {
            storage: 'posts',
            relations: [
              relationIR('author', 'User', 'one', 'authorId'),
              relationIR('ghost', 'Ghost', 'one', 'editorId'),
              { ...relationIR('editor', 'User', 'one', 'editorId'), references: 'nope' },
              relationIR('likes', 'User', 'many', 'postId'),
            ],
          },
        ],
      ),
    ).toEqual(['PF4004 Post.author', 'PF6401 Post.ghost', 'PF4005 Post.editor', 'PF4003 Post.likes'])
  })

  it('refuses nested and shared folders, but not the same entity declared twice', () => {
    expect(
      codes(
        ['A', { id: 'Int' }, { storage: 'data' }],
        ['B', { id: 'Int' }, { storage: 'data/b' }],
        ['C', { id: 'Int' }, { storage: 'DATA' }],
        ['A', { id: 'Int' }, { storage: 'data' }],
        ['D', { id: 'Int' }, { storage: 'data2' }],
      ),
      // The second A is the same table as the first (no PF5003 between them), which still contains B's folder.
    ).toEqual(['PF5004 B', 'PF5003 C', 'PF5004 A'])
  })

  it('passes a well-formed schema', () => {
    expect(
      codes(
        ['User', { id: 'Int' }, { storage: 'users' }],
        [
          'Post',
          { id: 'Int', authorId: 'Int' },
          { storage: 'posts', relations: [relationIR('author', 'User', 'one', 'authorId')] },
        ],
      ),
    ).toEqual([])
  })
})

describe('Decimal precision and scale', () => {
  const messages = (
    fields: Record<string, string>,
    patch: (ir: ReturnType<typeof entityIRFor>) => unknown = (i) => i,
  ) =>
    checkSchemaRules({
      enums: [],
      entities: [patch(entityIRFor('Order', fields)) as ReturnType<typeof entityIRFor>],
    }).map((i) => `${i.code} ${i.message}`)

  it('accepts 1..38 digits and a scale up to the precision, also in lists', () => {
    expect(
      messages({ id: 'Int', a: 'Decimal(1,0)', b: 'Decimal(38,38)', c: 'Decimal(10,2)[]', d: 'Decimal' }),
    ).toEqual([])
  })

  it.each([
    ['Decimal(0,0)', 'PF2014 Order.price: Decimal(0, 0) has precision 0, not 1..38'],
    ['Decimal(39,2)', 'PF2014 Order.price: Decimal(39, 2) has precision 39, not 1..38'],
    ['Decimal(5,6)', 'PF2014 Order.price: Decimal(5, 6) has scale 6, not 0..5 (its precision)'],
    ['Decimal(5,6)[]', 'PF2014 Order.price: Decimal(5, 6) has scale 6, not 0..5 (its precision)'],
  ])('%s is refused', (type, message) => {
    expect(messages({ id: 'Int', price: type })).toEqual([message])
  })

  it('refuses precision on other types and a literal default that does not fit', () => {
    expect(
      messages({ id: 'Int', n: 'Int' }, (ir) => ({
        ...ir,
        fields: ir.fields.map((f) => (f.name === 'n' ? { ...f, type: { ...f.type, precision: 3 } } : f)),
      })),
    ).toEqual(['PF2014 Order.n: Int takes no precision or scale'])
    expect(
      messages({ id: 'Int', price: 'Decimal(4,2)' }, (ir) => ({
        ...ir,
        fields: ir.fields.map((f) =>
          f.name === 'price' ? { ...f, default: { kind: 'literal', value: '123.5' } } : f,
        ),
      })),
    ).toEqual([
      'PF3019 default of Order.price does not fit: 123.5 has 3 digits before the point; Decimal(4, 2) keeps 2',
    ])
  })
})
