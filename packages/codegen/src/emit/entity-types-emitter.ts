import type { EntityIR, FieldIR } from '@parquetframe/runtime'
import type { CodeWriter } from './code-writer.js'
import type { EmitContext } from './emit-context.js'
import { entityNames, propertyKey, withArticle } from './naming.js'
import { tsFieldType } from './ts-types.js'

/** Whether `create` may leave a field out: it has a default, or it is optional (stored as null). */
export function isCreateOptional(field: FieldIR): boolean {
  return field.optional || field.default !== undefined
}

/**
 * The input and query types of one entity under their own names. The create input is spelled out (it knows
 * the defaults); the query types are the runtime's, derived from the class, so they always match what the
 * statics accept.
 */
export function emitEntityTypes(w: CodeWriter, ctx: EmitContext, entity: EntityIR): void {
  const n = entityNames(entity)
  w.blank()
  w.doc(
    `What \`${n.cls}.create\` takes: fields with a default and optional fields may be left out (or undefined).`,
  )
  w.block(`export interface ${n.createInput} {`, () => {
    for (const f of entity.fields) {
      w.doc(f.doc)
      // `| undefined`: what the create schema's parse outputs (zod's partial) fits, under exactOptionalPropertyTypes.
      const type = tsFieldType(f, ctx.rt)
      w.line(
        isCreateOptional(f)
          ? `${propertyKey(f.name)}?: ${type} | undefined`
          : `${propertyKey(f.name)}: ${type}`,
      )
    }
  })
  const aliases: [string, string, string][] = [
    [n.fields, 'EntityData', `The stored fields of ${withArticle(n.cls)}, as plain data.`],
    [
      n.where,
      'WhereInput',
      'A filter: a value means equality; operators per field type (gt/gte/lt/lte, in/notIn, contains, …); AND/OR/NOT.',
    ],
    [
      n.orderBy,
      'OrderByInput',
      'Sort order: fields in key order, each ascending or descending (nulls last).',
    ],
    [n.select, 'SelectInput', 'The fields to load (the primary key is always loaded).'],
    [
      n.include,
      'IncludeInput',
      'The relations to load with the result, each with one batched query; the result has them as properties.',
    ],
    [n.findManyArgs, 'FindManyQuery', `What \`${n.cls}.findMany\` takes.`],
  ]
  for (const [name, generic, doc] of aliases) {
    w.blank()
    w.doc(doc)
    w.line(`export type ${name} = ${ctx.rt(generic)}<${n.cls}>`)
  }
  if (entity.relations.length > 0) {
    w.blank()
    w.doc(`${n.cls} as \`findMany({ include })\` returns it: included relations hold the loaded values.`)
    w.line(`export type ${n.withIncludes}<I extends ${n.include}> = ${ctx.rt('WithIncludes')}<${n.cls}, I>`)
  }
}

/** The runtime type names the aliases of `emitEntityTypes` use. */
export const ENTITY_TYPE_IMPORTS = [
  'EntityData',
  'FindManyQuery',
  'IncludeInput',
  'OrderByInput',
  'SelectInput',
  'WhereInput',
] as const
