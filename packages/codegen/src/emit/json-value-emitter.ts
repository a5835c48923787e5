import { CodeWriter } from './code-writer.js'
import type { EmitContext } from './emit-context.js'
import { headerLine } from './header.js'
import { usesType } from './ts-types.js'

/** Whether any entity of the schema has a `Json` field (then `json-value.ts` is generated). */
export function schemaUsesJson(ctx: EmitContext): boolean {
  return ctx.ir.entities.some((e) =>
    usesType(
      e.fields.map((f) => f.type),
      (t) => t.kind === 'scalar' && t.name === 'Json',
    ),
  )
}

/** `json-value.ts`: the type of `Json` fields. */
export function emitJsonValue(ctx: EmitContext): string {
  const w = new CodeWriter()
  w.line(headerLine(ctx.sources))
  w.blank()
  w.doc('A JSON value, as `Json` fields hold it.')
  w.line(
    'export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }',
  )
  return w.toString()
}
