import type { EntityIR, FieldIR } from '@parquetframe/runtime'
import { type CodeWriter, LINE_WIDTH } from './code-writer.js'
import type { EmitContext } from './emit-context.js'
import { entityIRLiteral } from './ir-literal.js'
import { flatLiteral, type LiteralValue, printLiteral } from './literal-printer.js'
import { entityNames } from './naming.js'

// The entity's IR in a generated module, compact: one `field(...)` call per field giving only what differs from
// the usual (stored under its own name, required, not a key, unique or indexed), expanded by a small local
// function to exactly the objects the front-end produced (same keys, same order).

/** The runtime types the compact IR needs (besides `EntityIR`). */
export const COMPACT_IR_TYPES = ['FieldIR', 'FieldType', 'ScalarTypeName'] as const

/** Writes `export const <entity>Entity: EntityIR = { ... }` and the `field` helper after it. */
export function emitCompactIR(w: CodeWriter, ctx: EmitContext, entity: EntityIR): void {
  const n = entityNames(entity)
  const helper = ctx.rt('field')
  const literal = entityIRLiteral(entity) as Record<string, LiteralValue | undefined>
  w.line(`export const ${n.ir}: ${ctx.rt('EntityIR')} = {`)
  for (const [key, value] of Object.entries(literal)) {
    if (value === undefined) continue
    if (key === 'fields') w.lines(fieldLines(entity.fields, helper))
    else w.lines(printLiteral(value, 1, `${key}: `, ',').map((l) => `  ${l}`))
  }
  w.line('}')
  w.blank()
  w.doc(`A field of ${n.ir}: its name as column, required and plain unless \`more\` says.`)
  const t = (name: string) => ctx.rt(name)
  w.lines([
    `function ${helper}(`,
    '  id: number,',
    '  name: string,',
    `  type: ${t('FieldType')} | ${t('ScalarTypeName')},`,
    `  more: Partial<${t('FieldIR')}> = {},`,
    `): ${t('FieldIR')} {`,
    `  const fieldType: ${t('FieldType')} = typeof type === 'string' ? { kind: 'scalar', name: type } : type`,
    '  return {',
    '    name,',
    '    id,',
    '    column: name,',
    '    type: fieldType,',
    '    optional: false,',
    '    isId: false,',
    '    unique: false,',
    '    index: false,',
    '    ...more,',
    '  }',
    '}',
  ])
}

/** `fields: [...]`: one call per line, or all on one line when that fits (as the formatter lays it out). */
function fieldLines(fields: readonly FieldIR[], helper: string): string[] {
  const calls = fields.map((f) => fieldCall(f, helper))
  const flat = `  fields: [${calls.map((c) => c.flat).join(', ')}],`
  if (flat.length <= LINE_WIDTH && calls.every((c) => c.flat.length > 0)) return [flat]
  return ['  fields: [', ...calls.flatMap((c) => c.lines('    ')), '  ],']
}

/** One field as `field(id, 'name', type, { ...what differs })`, laid out as the formatter would. */
function fieldCall(field: FieldIR, helper: string): { flat: string; lines: (pad: string) => string[] } {
  const type: LiteralValue =
    field.type.kind === 'scalar' && field.type.precision === undefined
      ? field.type.name
      : typeLiteral(field.type)
  const more: Record<string, LiteralValue> = {}
  if (field.column !== field.name) more.column = field.column
  if (field.optional) more.optional = true
  if (field.isId) more.isId = true
  if (field.unique) more.unique = true
  if (field.index) more.index = true
  if (field.default !== undefined)
    more.default =
      field.default.kind === 'literal'
        ? { kind: 'literal', value: field.default.value }
        : { kind: field.default.kind }
  const hasMore = Object.keys(more).length > 0
  const args: LiteralValue[] = [field.id, field.name, type, ...(hasMore ? [more] : [])]
  const head = args.slice(0, 3).map(flatLiteral)
  const flat = `${helper}(${args.map(flatLiteral).join(', ')})`
  return {
    flat,
    lines: (pad) => {
      if (pad.length + flat.length + 1 <= LINE_WIDTH) return [`${pad}${flat},`]
      // The last argument, an object, hugs the call when the others are plain values (as the formatter
      // does); otherwise every argument gets its own line.
      const open = `${pad}${helper}(${head.join(', ')}, {`
      if (hasMore && typeof type === 'string' && open.length <= LINE_WIDTH) {
        const inner = Object.entries(more).flatMap(([k, v]) =>
          printLiteral(v, pad.length / 2 + 1, `${k}: `, ',').map((l) => `${pad}  ${l}`),
        )
        return [open, ...inner, `${pad}}),`]
      }
      return [
        `${pad}${helper}(`,
        ...args.flatMap((a) => printLiteral(a, pad.length / 2 + 1, '', ',').map((l) => `${pad}  ${l}`)),
        `${pad}),`,
      ]
    },
  }
}

function typeLiteral(type: FieldIR['type']): LiteralValue {
  if (type.kind === 'list') return { kind: 'list', element: typeLiteral(type.element) }
  if (type.kind === 'scalar' && type.precision !== undefined)
    return { kind: type.kind, name: type.name, precision: type.precision, scale: type.scale ?? 0 }
  return { kind: type.kind, name: type.name }
}
