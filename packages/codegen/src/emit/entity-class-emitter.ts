import type { EntityIR, RelationIR } from '@parquetframe/runtime'
import type { CodeWriter } from './code-writer.js'
import type { EmitContext } from './emit-context.js'
import { entityNames, propertyKey, quote } from './naming.js'
import { tsFieldType } from './ts-types.js'

/**
 * The entity class. It extends the runtime's `Entity`, whose statics (`find`, `findBy`, `findMany`, `create`,
 * `count`, `deleteAll`, …) and instance methods (`save`, `delete`) are typed through the class itself; the class
 * adds the stored fields, the create input and primary-key type hooks, and one method per relation.
 */
export function emitEntityClass(w: CodeWriter, ctx: EmitContext, entity: EntityIR): void {
  const n = entityNames(entity)
  w.blank()
  w.doc(entity.doc)
  w.block(`export class ${n.cls} extends ${ctx.rt('Entity')} {`, () => {
    for (const f of entity.fields) {
      w.doc(f.doc)
      w.line(`declare ${propertyKey(f.name)}: ${tsFieldType(f, ctx.rt)}`)
    }
    w.blank()
    w.doc(`What \`${n.cls}.create\` takes.`)
    w.line(`declare readonly [${ctx.rt('CREATE_INPUT')}]?: ${n.createInput}`)
    const pk = primaryKeyType(entity, ctx)
    if (pk !== undefined) {
      w.doc(`The primary key: \`${entity.primaryKey.join(', ')}\`.`)
      w.line(`declare readonly [${ctx.rt('PRIMARY_KEY')}]?: ${pk}`)
    }
    for (const r of entity.relations) emitRelationMethod(w, ctx, r)
  })
}

/** The type of the primary key when it is not a field named `id` (the runtime's default); else undefined. */
export function primaryKeyType(entity: EntityIR, ctx: Pick<EmitContext, 'rt'>): string | undefined {
  if (entity.primaryKey.length === 1 && entity.primaryKey[0] === 'id') return undefined
  const types = entity.primaryKey.map((k) => {
    const field = entity.fields.find((f) => f.name === k)
    return field === undefined ? 'unknown' : tsFieldType(field, ctx.rt)
  })
  return types.length === 1 ? types[0] : `[${types.join(', ')}]`
}

function emitRelationMethod(w: CodeWriter, ctx: EmitContext, r: RelationIR): void {
  const target = entityNames({ name: ctx.entities.get(r.target)?.name ?? r.target }).cls
  const rq = ctx.rt('RelationQuery')
  const [query, result] =
    r.kind === 'many'
      ? [`${rq}<${target}>`, `${target}[]`]
      : [`Pick<${rq}<${target}>, 'where'>`, `${target} | null`]
  w.blank()
  w.doc(r.doc ?? defaultRelationDoc(r, target))
  w.block(`${propertyKey(r.name)}(query?: ${query}): Promise<${result}> {`, () => {
    w.line(`return this.related(${quote(r.name)}, query)`)
  })
}

function defaultRelationDoc(r: RelationIR, target: string): string {
  if (r.through) return `The ${target} entities linked through ${r.through.entity}.`
  return r.kind === 'many'
    ? `The ${target} entities whose \`${r.foreignKey}\` is this one's \`${r.references}\`.`
    : `The ${target} whose \`${r.references}\` is this one's \`${r.foreignKey}\`, or null.`
}
