import type { EnumIR } from '@parquetframe/runtime'
import { CodeWriter, wrapList } from './code-writer.js'
import type { EmitContext } from './emit-context.js'
import { headerLine } from './header.js'
import { printLiteral } from './literal-printer.js'
import { propertyKey, quote } from './naming.js'
import { enumSchemaName } from './zod-types.js'

/** `enums.ts`: per enum a string-literal union, a const object of its values and a zod schema; and the IR list. */
export function emitEnums(ctx: EmitContext): string {
  const w = new CodeWriter()
  w.line(headerLine(ctx.sources))
  const enumIR = ctx.rt('EnumIR')
  w.line(
    `import type { ${enumIR === 'EnumIR' ? 'EnumIR' : `EnumIR as ${enumIR}`} } from ${quote(ctx.runtimeModule)}`,
  )
  if (ctx.ir.enums.length > 0) w.line(`import { z } from ${quote(ctx.zodModule)}`)
  for (const e of ctx.ir.enums) emitEnum(w, e)
  w.blank()
  w.doc('Every enum of the schema, as the runtime registers them.')
  const list = ctx.ir.enums.map((e) => ({ name: e.name, values: [...e.values] }))
  w.lines(printLiteral(list, 0, `export const enums: readonly ${enumIR}[] = `))
  return w.toString()
}

function emitEnum(w: CodeWriter, e: EnumIR): void {
  const literals = e.values.map(quote)
  w.blank()
  w.doc(e.doc)
  w.lines(wrapList(0, `export type ${e.name} = `, literals, '', 'union'))
  w.blank()
  w.doc(`The values of {@link ${e.name}} by name, in declaration order.`)
  const members = e.values.map((v) => `${propertyKey(v)}: ${quote(v)}`)
  w.lines(wrapList(0, `export const ${e.name} = { `, members, ' } as const', 'comma'))
  w.blank()
  w.doc(`Validates a {@link ${e.name}}.`)
  w.lines(wrapList(0, `export const ${enumSchemaName(e.name)} = z.enum([`, literals, '])', 'comma'))
}
