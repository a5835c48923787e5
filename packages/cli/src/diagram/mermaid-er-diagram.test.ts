import type { EntityIR, FieldIR, FieldType, SchemaIR } from '@parquetframe/runtime/schema'
import { describe, expect, it } from 'vitest'
import { renderMermaidErDiagram } from './mermaid-er-diagram.js'

let nextId = 1
function field(name: string, type: FieldType, extra: Partial<FieldIR> = {}): FieldIR {
  return {
    name,
    id: nextId++,
    column: name,
    type,
    optional: false,
    isId: false,
    unique: false,
    index: false,
    ...extra,
  }
}
const scalar = (name: 'Int' | 'BigInt' | 'String' | 'DateTime'): FieldType => ({ kind: 'scalar', name })

function entity(name: string, fields: FieldIR[], relations: EntityIR['relations'] = []): EntityIR {
  return {
    name,
    storage: name.toLowerCase(),
    format: 'parquet',
    primaryKey: fields.filter((f) => f.isId).map((f) => f.name),
    partitionBy: [],
    fields,
    relations,
    indexes: [],
    uniques: [],
  }
}

const schema: SchemaIR = {
  config: {},
  enums: [{ name: 'Role', values: ['ADMIN', 'MEMBER'] }],
  entities: [
    entity(
      'User',
      [
        field('id', scalar('Int'), { isId: true }),
        field('email', scalar('String'), { unique: true }),
        field('role', { kind: 'enum', name: 'Role' }),
        field('age', scalar('Int'), { optional: true }),
        field('tags', { kind: 'list', element: scalar('String') }),
      ],
      [
        { name: 'posts', target: 'Post', kind: 'many', foreignKey: 'authorId', references: 'id' },
        {
          name: 'groups',
          target: 'Group',
          kind: 'many',
          foreignKey: 'userId',
          references: 'id',
          through: { entity: 'Membership', targetKey: 'groupId' },
        },
      ],
    ),
    entity(
      'Post',
      [
        field('id', scalar('BigInt'), { isId: true }),
        field('authorId', scalar('Int')),
        field('editorId', scalar('Int'), { optional: true }),
      ],
      [
        { name: 'author', target: 'User', kind: 'one', foreignKey: 'authorId', references: 'id' },
        { name: 'editor', target: 'User', kind: 'one', foreignKey: 'editorId', references: 'id' },
      ],
    ),
    entity(
      'Group',
      [field('id', scalar('Int'), { isId: true })],
      [
        {
          name: 'members',
          target: 'User',
          kind: 'many',
          foreignKey: 'groupId',
          references: 'id',
          through: { entity: 'Membership', targetKey: 'userId' },
        },
      ],
    ),
    entity('Membership', [field('userId', scalar('Int'), { isId: true }), field('groupId', scalar('Int'))]),
  ],
}

describe('renderMermaidErDiagram', () => {
  const text = renderMermaidErDiagram(schema)

  it('lists entities with field types and key markers', () => {
    expect(text.startsWith('erDiagram\n  User {\n')).toBe(true)
    expect(text).toContain('    Int id PK\n')
    expect(text).toContain('    String email UK\n')
    expect(text).toContain('    Role role\n')
    expect(text).toContain('    Int age "optional"\n')
    expect(text).toContain('    String[] tags\n')
    expect(text).toContain('    BigInt id PK\n    Int authorId FK\n    Int editorId FK "optional"\n')
    expect(text).toContain('    Int userId PK, FK\n    Int groupId FK\n')
  })

  it('draws each relation once with its cardinality, labelled with both sides', () => {
    expect(text).toContain('  User ||--o{ Post : "posts / author"\n')
    expect(text).toContain('  User |o--o{ Post : "editor"\n')
    expect(text).toContain('  User }o..o{ Group : "groups (through Membership)"\n')
    expect(text).not.toContain('Group }o..o{ User')
  })

  it('draws a one-to-one when the foreign key is unique', () => {
    const oneToOne: SchemaIR = {
      config: {},
      enums: [],
      entities: [
        entity('User', [field('id', scalar('Int'), { isId: true })]),
        entity(
          'Profile',
          [field('id', scalar('Int'), { isId: true }), field('userId', scalar('Int'), { unique: true })],
          [{ name: 'user', target: 'User', kind: 'one', foreignKey: 'userId', references: 'id' }],
        ),
      ],
    }
    expect(renderMermaidErDiagram(oneToOne)).toContain('  User ||--o| Profile : "user"\n')
  })
})
