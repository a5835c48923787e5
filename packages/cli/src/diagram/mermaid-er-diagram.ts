import type { EntityIR, FieldIR, FieldType, RelationIR, SchemaIR } from '@parquetframe/runtime/schema'

/**
 * The schema as a Mermaid `erDiagram` (pure): each entity with its fields (type, name, PK/FK/UK markers,
 * "optional" for `T?`), and one line per relation with its cardinality. A relation declared on both sides
 * (`post.author` and `user.posts`) is drawn once, labelled with both names.
 */
export function renderMermaidErDiagram(schema: SchemaIR): string {
  const lines = ['erDiagram']
  for (const entity of schema.entities) lines.push(...entityBlock(entity, schema))
  lines.push(...relationLines(schema))
  return `${lines.join('\n')}\n`
}

function entityBlock(entity: EntityIR, schema: SchemaIR): string[] {
  const foreignKeys = foreignKeyFields(entity, schema)
  const lines = [`  ${entity.name} {`]
  for (const field of entity.fields) {
    const keys: string[] = []
    if (field.isId || entity.primaryKey.includes(field.name)) keys.push('PK')
    if (foreignKeys.has(field.name)) keys.push('FK')
    if (field.unique || entity.uniques.some((u) => u.length === 1 && u[0] === field.name)) keys.push('UK')
    const parts = [`    ${typeLabel(field.type)}`, field.name]
    if (keys.length > 0) parts.push(keys.join(', '))
    if (field.optional) parts.push('"optional"')
    lines.push(parts.join(' '))
  }
  lines.push('  }')
  return lines
}

function typeLabel(type: FieldType): string {
  return type.kind === 'list' ? `${typeLabel(type.element)}[]` : type.name
}

/** Fields of `entity` that hold a foreign key, from relations declared on either side. */
function foreignKeyFields(entity: EntityIR, schema: SchemaIR): Set<string> {
  const out = new Set<string>()
  for (const r of entity.relations) if (r.kind === 'one') out.add(r.foreignKey)
  for (const other of schema.entities) {
    for (const r of other.relations) {
      if (r.through) {
        if (r.through.entity === entity.name) out.add(r.foreignKey).add(r.through.targetKey)
      } else if (r.kind === 'many' && r.target === entity.name) {
        out.add(r.foreignKey)
      }
    }
  }
  return out
}

interface Edge {
  /** The referenced side (holds the key the foreign key points at). */
  readonly parent: string
  /** The side holding the foreign key. */
  readonly child: string
  readonly foreignKey: string
  readonly names: string[]
  childOptional: boolean
  childUnique: boolean
}

function relationLines(schema: SchemaIR): string[] {
  const byName = new Map(schema.entities.map((e) => [e.name, e]))
  const edges = new Map<string, Edge>()
  const manyToMany: string[] = []
  const seenThrough = new Set<string>()
  const edgeFor = (parent: string, child: string, foreignKey: string): Edge => {
    const key = `${parent}\u0000${child}\u0000${foreignKey}`
    let edge = edges.get(key)
    if (!edge) {
      const field = byName.get(child)?.fields.find((f) => f.name === foreignKey)
      edge = {
        parent,
        child,
        foreignKey,
        names: [],
        childOptional: field?.optional ?? false,
        childUnique: field ? isUnique(field, byName.get(child) as EntityIR) : false,
      }
      edges.set(key, edge)
    }
    return edge
  }
  for (const entity of schema.entities) {
    for (const relation of entity.relations) {
      if (relation.through) {
        // Declared on both sides, a many-to-many is still one line.
        const key = [[entity.name, relation.target].sort().join('\u0000'), relation.through.entity].join(
          '\u0000',
        )
        if (!seenThrough.has(key)) {
          seenThrough.add(key)
          manyToMany.push(
            `  ${entity.name} }o..o{ ${relation.target} : "${label(relation)} (through ${relation.through.entity})"`,
          )
        }
        continue
      }
      const edge =
        relation.kind === 'one'
          ? edgeFor(relation.target, entity.name, relation.foreignKey)
          : edgeFor(entity.name, relation.target, relation.foreignKey)
      edge.names.push(label(relation))
    }
  }
  const drawn = [...edges.values()].map((edge) => {
    const parentEnd = edge.childOptional ? '|o' : '||'
    const childEnd = edge.childUnique ? 'o|' : 'o{'
    return `  ${edge.parent} ${parentEnd}--${childEnd} ${edge.child} : "${edge.names.join(' / ')}"`
  })
  return [...drawn, ...manyToMany]
}

function isUnique(field: FieldIR, entity: EntityIR): boolean {
  return (
    field.unique ||
    (entity.primaryKey.length === 1 && entity.primaryKey[0] === field.name) ||
    entity.uniques.some((u) => u.length === 1 && u[0] === field.name)
  )
}

function label(relation: RelationIR): string {
  return relation.name.replace(/"/g, "'")
}
