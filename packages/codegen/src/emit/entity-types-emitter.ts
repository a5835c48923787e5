import type { EntityIR, FieldIR } from '@parquetframe/runtime'
import { type CodeWriter, LINE_WIDTH } from './code-writer.js'
import type { EmitContext } from './emit-context.js'
import { entityNames, propertyKey } from './naming.js'
import { tsFieldType } from './ts-types.js'
import { type FilterTypeName, isSortable, whereFieldType } from './where-types.js'

/** Whether `create` may leave a field out: it has a default, or it is optional (stored as null). */
export function isCreateOptional(field: FieldIR): boolean {
  return field.optional || field.default !== undefined
}

/** The filter types (from `filters.ts`) an entity's `…Where` uses, sorted. */
export function filtersUsed(entity: EntityIR): FilterTypeName[] {
  const names = new Set<FilterTypeName>()
  for (const f of entity.fields) for (const n of whereFieldType(f)?.uses ?? []) names.add(n)
  return [...names].sort()
}

/** The query and input types of one entity: create/update inputs, where, orderBy, select, include, payload. */
export function emitEntityTypes(w: CodeWriter, ctx: EmitContext, entity: EntityIR): void {
  const n = entityNames(entity)
  const pk = entity.primaryKey

  w.blank()
  w.doc(`The stored fields of a {@link ${n.cls}}, as plain data.`)
  w.block(`export interface ${n.fields} {`, () => {
    for (const f of entity.fields) {
      w.doc(f.doc)
      w.line(`${propertyKey(f.name)}: ${tsFieldType(f)}`)
    }
  })

  w.blank()
  w.doc(`What \`${n.cls}.create\` takes: fields with a default and optional fields may be left out.`)
  w.block(`export interface ${n.createInput} {`, () => {
    for (const f of entity.fields) {
      w.doc(f.doc)
      w.line(`${propertyKey(f.name)}${isCreateOptional(f) ? '?' : ''}: ${tsFieldType(f)}`)
    }
  })

  w.blank()
  w.doc(`What \`${n.cls}.update\` takes: any stored field but the primary key.`)
  w.line(`export type ${n.updateInput} = Partial<Omit<${n.fields}, ${pk.map((k) => `'${k}'`).join(' | ')}>>`)

  w.blank()
  w.doc(`A filter on ${n.cls} entities: a value means equality, conditions on several fields all apply.`)
  w.block(`export interface ${n.where} {`, () => {
    for (const f of entity.fields) {
      const t = whereFieldType(f)
      if (t !== undefined) w.line(`${propertyKey(f.name)}?: ${t.type}`)
    }
    w.line(`AND?: ${n.where} | readonly ${n.where}[]`)
    w.line(`OR?: readonly ${n.where}[]`)
    w.line(`NOT?: ${n.where} | readonly ${n.where}[]`)
  })

  w.blank()
  w.doc('Sort order: fields in key order, each ascending or descending (nulls last).')
  w.block(`export interface ${n.orderBy} {`, () => {
    for (const f of entity.fields) if (isSortable(f)) w.line(`${propertyKey(f.name)}?: SortOrder`)
  })

  w.blank()
  w.doc(`The fields to load (the primary key is always loaded).`)
  w.block(`export interface ${n.select} {`, () => {
    for (const f of entity.fields) w.line(`${propertyKey(f.name)}?: boolean`)
  })

  w.blank()
  w.doc(`The relations of a {@link ${n.cls}}, as \`include\` loads them.`)
  if (entity.relations.length === 0) {
    w.line(`export type ${n.relations} = Record<never, never>`)
  } else {
    w.block(`export interface ${n.relations} {`, () => {
      for (const r of entity.relations) {
        w.doc(r.doc)
        w.line(`${propertyKey(r.name)}: ${relationResultType(ctx, r.target, r.kind)}`)
      }
    })
  }

  w.blank()
  w.doc('The relations to load with the result, each with one batched query.')
  if (entity.relations.length === 0) {
    w.line(`export type ${n.include} = Record<never, never>`)
  } else {
    w.block(`export interface ${n.include} {`, () => {
      for (const r of entity.relations) w.line(`${propertyKey(r.name)}?: boolean`)
    })
  }

  w.blank()
  w.doc(`What \`${n.cls}.findMany\` takes.`)
  w.block(`export interface ${n.findManyArgs} {`, () => {
    w.line(`where?: ${n.where}`)
    w.line(`orderBy?: ${n.orderBy} | readonly ${n.orderBy}[]`)
    w.doc('Default: no limit.')
    w.line('limit?: number')
    w.doc('Default 0.')
    w.line('offset?: number')
    w.line(`select?: ${n.select}`)
    w.line(`include?: ${n.include}`)
  })

  w.blank()
  w.doc(
    `A ${n.cls} as a query with these arguments returns it: narrowed by \`select\`, with \`include\`d relations.`,
  )
  const pkUnion = pk.map((k) => `'${k}'`).join(' | ')
  const head = `export type ${n.payload}<A extends ${n.findManyArgs}> = Selected<${n.cls}, ${pkUnion}, A> &`
  const tail = `Included<${n.relations}, A>`
  if (head.length + 1 + tail.length <= LINE_WIDTH) w.line(`${head} ${tail}`)
  else w.lines([head, `  ${tail}`])
}

/** The type a relation resolves to: `Post[]` for many, `User | null` for one. */
export function relationResultType(ctx: EmitContext, target: string, kind: 'one' | 'many'): string {
  const cls = entityNames({ name: ctx.entities.get(target)?.name ?? target }).cls
  return kind === 'many' ? `${cls}[]` : `${cls} | null`
}
