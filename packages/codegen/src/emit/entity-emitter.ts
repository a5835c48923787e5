import type { EntityIR } from '@parquetframe/runtime'
import { CodeWriter } from './code-writer.js'
import { COMPACT_IR_TYPES, emitCompactIR } from './compact-ir-emitter.js'
import type { EmitContext } from './emit-context.js'
import { emitEntityClass, primaryKeyType } from './entity-class-emitter.js'
import { ENTITY_TYPE_IMPORTS, emitEntityTypes } from './entity-types-emitter.js'
import { headerLine } from './header.js'
import { type ImportSpec, renderImports } from './imports.js'
import { entityNames, quote, withArticle } from './naming.js'
import { enumsUsed, usesType } from './ts-types.js'
import { enumSchemaName, zodFieldType } from './zod-types.js'

/**
 * `<entity>.ts`: the entity class with typed statics and relation accessors, its input and query types, its
 * zod schemas and its registration with the runtime.
 */
export function emitEntity(ctx: EmitContext, entity: EntityIR): string {
  const n = entityNames(entity)
  const w = new CodeWriter()
  w.line(headerLine(ctx.sourcesOf(entity)))
  w.lines(renderImports(entityImports(ctx, entity)))
  emitEntityClass(w, ctx, entity)
  emitEntityTypes(w, ctx, entity)
  emitZodSchemas(w, entity)
  w.blank()
  w.doc(`How ${n.cls} is stored: the schema IR the runtime reads.`)
  emitCompactIR(w, ctx, entity)
  w.blank()
  if (ctx.storageUrl !== undefined) {
    w.doc("Where the schema's config puts the tables, found from this file so any working directory works.")
    w.line(`${ctx.rt('declareEntityBasePath')}(${storageLocation(ctx.storageUrl)})`)
  }
  if (ctx.projectConfigUrl !== undefined) {
    w.doc("The project's pf.config.json: the app applies its runtime settings (updateMode …) as pf does.")
    w.line(`${ctx.rt('declareProjectConfig')}(${storageLocation(ctx.projectConfigUrl)})`)
  }
  w.line(registration(ctx, entity))
  return w.toString()
}

/** A relative URL resolves against this module; an absolute path is used as is. */
function storageLocation(url: string): string {
  return url.startsWith('.') ? `new URL(${quote(url)}, import.meta.url)` : quote(url)
}

function registration(ctx: EmitContext, entity: EntityIR): string {
  const n = entityNames(entity)
  const registerEntity = ctx.rt('registerEntity')
  if (entity.relations.length === 0) return `${registerEntity}(${n.cls}, ${n.ir}, enums)`
  const targets = entity.relations.map((r) => `${r.name}: () => ${entityNames({ name: r.target }).cls}`)
  const flat = `${registerEntity}(${n.cls}, ${n.ir}, enums, { relationTargets: { ${targets.join(', ')} } })`
  if (flat.length <= 110) return flat
  const inner = `  relationTargets: { ${targets.join(', ')} },`
  if (inner.length <= 110) return [`${registerEntity}(${n.cls}, ${n.ir}, enums, {`, inner, '})'].join('\n')
  return [
    `${registerEntity}(${n.cls}, ${n.ir}, enums, {`,
    '  relationTargets: {',
    ...targets.map((t) => `    ${t},`),
    '  },',
    '})',
  ].join('\n')
}

function emitZodSchemas(w: CodeWriter, entity: EntityIR): void {
  const n = entityNames(entity)
  w.blank()
  w.doc(`Validates the stored fields of ${withArticle(n.cls)}.`)
  w.block(
    `export const ${n.schema} = z.object({`,
    () => {
      for (const f of entity.fields) w.line(`${f.name}: ${zodFieldType(f)},`)
    },
    '})',
  )
  const optional = entity.fields.filter((f) => f.optional || f.default !== undefined)
  w.blank()
  w.doc(`Validates what \`${n.cls}.create\` takes.`)
  if (optional.length === 0) {
    w.line(`export const ${n.createSchema} = ${n.schema}`)
  } else {
    const keys = optional.map((f) => `${f.name}: true`)
    const flat = `export const ${n.createSchema} = ${n.schema}.partial({ ${keys.join(', ')} })`
    if (flat.length <= 110) w.line(flat)
    else
      w.block(
        `export const ${n.createSchema} = ${n.schema}.partial({`,
        () => w.lines(keys.map((k) => `${k},`)),
        '})',
      )
  }
}

function entityImports(ctx: EmitContext, entity: EntityIR): ImportSpec[] {
  const local = (name: string) => (ctx.rt(name) === name ? name : `${name} as ${ctx.rt(name)}`)
  const runtimeValues = ['CREATE_INPUT', 'Entity', 'registerEntity']
  if (ctx.storageUrl !== undefined) runtimeValues.push('declareEntityBasePath')
  if (ctx.projectConfigUrl !== undefined) runtimeValues.push('declareProjectConfig')
  if (primaryKeyType(entity, ctx) !== undefined) runtimeValues.push('PRIMARY_KEY')
  const runtimeTypes: string[] = ['EntityIR', ...COMPACT_IR_TYPES, ...ENTITY_TYPE_IMPORTS]
  if (entity.relations.length > 0) runtimeTypes.push('RelationQuery', 'WithIncludes')
  const fieldTypes = entity.fields.map((f) => f.type)
  if (usesType(fieldTypes, (t) => t.kind === 'scalar' && t.name === 'Date')) runtimeTypes.push('DateOnly')
  const specs: ImportSpec[] = [
    { from: ctx.runtimeModule, names: runtimeValues.map(local), types: runtimeTypes.map(local) },
    { from: ctx.zodModule, names: usesType(fieldTypes, (t) => t.kind === 'scalar') ? ['pfz', 'z'] : ['z'] },
  ]
  const enumNames = enumsUsed(entity.fields.map((f) => f.type))
  specs.push({
    from: ctx.local('enums'),
    names: ['enums', ...enumNames.map(enumSchemaName)],
    types: enumNames,
  })
  const json = usesType(
    entity.fields.map((f) => f.type),
    (t) => t.kind === 'scalar' && t.name === 'Json',
  )
  if (json) specs.push({ from: ctx.local('json-value'), names: [], types: ['JsonValue'] })
  const targets = [...new Set(entity.relations.map((r) => r.target))].filter((t) => t !== entity.name).sort()
  for (const t of targets) {
    const tn = entityNames({ name: t })
    specs.push({ from: ctx.local(tn.module), names: [tn.cls], types: [] })
  }
  return specs
}
