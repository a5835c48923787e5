import { CodeWriter } from './code-writer.js'
import type { EmitContext } from './emit-context.js'
import { headerLine } from './header.js'
import { naturalCompare } from './imports.js'
import { schemaUsesJson } from './json-value-emitter.js'
import { entityNames, quote } from './naming.js'

/** `index.ts`: re-exports every generated module, entities in name order. */
export function emitIndex(ctx: EmitContext): string {
  const w = new CodeWriter()
  w.line(headerLine(ctx.sources))
  const modules = [ctx.local('enums')]
  if (schemaUsesJson(ctx)) modules.push(ctx.local('json-value'))
  const entities = [...ctx.ir.entities].map((e) => entityNames(e).module).sort(naturalCompare)
  for (const m of entities) modules.push(ctx.local(m))
  for (const m of modules.sort(naturalCompare)) w.line(`export * from ${quote(m)}`)
  return w.toString()
}
