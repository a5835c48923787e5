import type { EntityIR, FieldIR, FieldType, SchemaIR } from '@parquetframe/runtime'

type FieldSpec = Partial<Omit<FieldIR, 'name' | 'type' | 'id'>> & { type: FieldType }

/** Builds fields with sequential ids and defaults, so fixtures stay short. */
export function fields(specs: Record<string, FieldSpec>): FieldIR[] {
  return Object.entries(specs).map(([name, spec], i) => ({
    name,
    id: i + 1,
    column: name,
    optional: false,
    isId: false,
    unique: false,
    index: false,
    ...spec,
  }))
}

export const scalar = (name: Extract<FieldType, { kind: 'scalar' }>['name']): FieldType => ({
  kind: 'scalar',
  name,
})
export const enumOf = (name: string): FieldType => ({ kind: 'enum', name })
export const listOf = (element: FieldType): FieldType => ({ kind: 'list', element })

export function entity(spec: Partial<EntityIR> & Pick<EntityIR, 'name' | 'fields'>): EntityIR {
  return {
    storage: spec.name.toLowerCase(),
    format: 'parquet',
    primaryKey: spec.fields.filter((f) => f.isId).map((f) => f.name),
    partitionBy: [],
    relations: [],
    indexes: [],
    uniques: [],
    ...spec,
  }
}

/** The blog schema of the design (ARCHITECTURE.md, "Codegen"). */
export const blogIR: SchemaIR = {
  config: { storage: './data', format: 'parquet', output: './src/generated' },
  sources: ['schema/blog.pfschema'],
  enums: [{ name: 'Role', values: ['ADMIN', 'MEMBER'], doc: 'What a user may do.' }],
  entities: [
    entity({
      name: 'User',
      storage: 'users',
      doc: 'A person who writes posts.',
      fields: fields({
        id: { type: scalar('Int'), isId: true },
        name: { type: scalar('String'), index: true, doc: 'Display name.' },
        email: { type: scalar('String'), unique: true },
        role: { type: enumOf('Role'), default: { kind: 'literal', value: 'MEMBER' } },
        age: { type: scalar('Int'), optional: true },
        tags: { type: listOf(scalar('String')) },
        createdAt: { type: scalar('DateTime'), default: { kind: 'now' } },
      }),
      relations: [
        {
          name: 'posts',
          target: 'Post',
          kind: 'many',
          foreignKey: 'authorId',
          references: 'id',
          doc: 'Posts written by this user.',
        },
      ],
      indexes: [['name']],
      uniques: [['email']],
    }),
    entity({
      name: 'Post',
      storage: 'posts',
      format: 'avro',
      fields: fields({
        id: { type: scalar('BigInt'), isId: true },
        authorId: { type: scalar('Int') },
        title: { type: scalar('String') },
        published: { type: scalar('Boolean'), default: { kind: 'literal', value: false } },
      }),
      relations: [{ name: 'author', target: 'User', kind: 'one', foreignKey: 'authorId', references: 'id' }],
    }),
  ],
}
