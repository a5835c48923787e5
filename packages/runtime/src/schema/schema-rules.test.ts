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
