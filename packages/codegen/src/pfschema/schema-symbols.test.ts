import { describe, expect, it } from 'vitest'
import { collectSchemaSymbols } from './schema-symbols.js'

const users = `config {
  storage = "./data"
}

enum Role { ADMIN MEMBER }

/// Someone with an account.
entity User @partitionBy(role) {
  id    Int    @id
  role  Role   @default(MEMBER)
  email String @map("mail")
  posts Post[] @relation(foreignKey: authorId, references: id)
  @@unique([email, role])
}
`
const posts = `entity Post {
  id       Int  @id
  authorId Int
  author   User @relation(foreignKey: authorId)
}
`

const at = (text: string, span: { offset: number; end: number }) => text.slice(span.offset, span.end)

describe('collectSchemaSymbols', () => {
  const symbols = collectSchemaSymbols([
    { file: 'users.pfschema', text: users },
    { file: 'posts.pfschema', text: posts },
  ])

  it('lists entities and enums of every file with their name spans, docs and fields', () => {
    expect(symbols.declarations.map((d) => [d.kind, d.name, d.span.file, d.span.line])).toEqual([
      ['enum', 'Role', 'users.pfschema', 5],
      ['entity', 'User', 'users.pfschema', 8],
      ['entity', 'Post', 'posts.pfschema', 1],
    ])
    const user = symbols.declarations[1]
    expect(user?.kind === 'entity' && user.doc).toBe('Someone with an account.')
    const email = user?.kind === 'entity' ? user.fields.find((f) => f.name === 'email') : undefined
    expect(email).toMatchObject({ entity: 'User', column: 'mail', type: { name: 'String', listDepth: 0 } })
    const postsField = user?.kind === 'entity' ? user.fields.find((f) => f.name === 'posts') : undefined
    expect(postsField?.type && at(users, postsField.type.span)).toBe('Post')
  })

  it('attributes relation keys to the entity that holds them, and lists type, index and default uses', () => {
    const uses = symbols.references.map((r) => {
      const text = r.span.file === 'users.pfschema' ? users : posts
      return [r.target, at(text, r.span), r.span.file]
    })
    expect(uses).toContainEqual([{ kind: 'field', entity: 'User', field: 'role' }, 'role', 'users.pfschema'])
    expect(uses).toContainEqual([{ kind: 'type', name: 'Post' }, 'Post', 'users.pfschema'])
    expect(uses).toContainEqual([{ kind: 'type', name: 'User' }, 'User', 'posts.pfschema'])
    // posts Post[] @relation(foreignKey: authorId, references: id): the key is Post.authorId, pointing at User.id.
    expect(uses).toContainEqual([
      { kind: 'field', entity: 'Post', field: 'authorId' },
      'authorId',
      'users.pfschema',
    ])
    expect(uses).toContainEqual([{ kind: 'field', entity: 'User', field: 'id' }, 'id', 'users.pfschema'])
    // author User @relation(foreignKey: authorId): the key is on Post itself.
    expect(uses).toContainEqual([
      { kind: 'field', entity: 'Post', field: 'authorId' },
      'authorId',
      'posts.pfschema',
    ])
    expect(uses).toContainEqual([
      { kind: 'field', entity: 'User', field: 'email' },
      'email',
      'users.pfschema',
    ])
    expect(uses).toContainEqual([
      { kind: 'enumValue', enum: 'Role', value: 'MEMBER' },
      'MEMBER',
      'users.pfschema',
    ])
  })

  it('lists config entries with their value text', () => {
    expect(symbols.config.map((c) => [c.key, c.value?.text])).toEqual([['storage', '"./data"']])
  })

  it('keeps what parsed in a file with syntax errors', () => {
    const broken = collectSchemaSymbols([
      { file: 'b.pfschema', text: 'entity A {\n  id Int @id\n  b Strin\n  c @\n' },
    ])
    expect(broken.declarations.map((d) => d.name)).toEqual(['A'])
  })
})
