import type { EntityIR } from '@parquetframe/runtime'
import type { CodeWriter } from './code-writer.js'
import type { EmitContext } from './emit-context.js'
import { relationResultType } from './entity-types-emitter.js'
import { entityNames, propertyKey } from './naming.js'
import { tsFieldType } from './ts-types.js'

/** The entity class: stored fields, relation accessors and typed statics, all backed by the runtime. */
export function emitEntityClass(w: CodeWriter, ctx: EmitContext, entity: EntityIR): void {
  const n = entityNames(entity)
  w.blank()
  w.doc(entity.doc)
  w.block(`export class ${n.cls} {`, () => {
    for (const f of entity.fields) {
      w.doc(f.doc)
      w.line(`declare ${propertyKey(f.name)}: ${tsFieldType(f)}`)
    }
    for (const r of entity.relations) {
      w.blank()
      w.doc(r.doc)
      w.line(`declare ${propertyKey(r.name)}: () => Promise<${relationResultType(ctx, r.target, r.kind)}>`)
    }
  })
}
