import { avroSchemaForEntity } from '@parquetframe/runtime/avro-schema'
import type { EntityIR } from '@parquetframe/runtime/schema'
import type { EmitContext } from './emit-context.js'

/** The `.avsc` file name of an Avro entity: its storage directory with path separators as dashes. */
export function avroSchemaFileName(entity: EntityIR): string {
  return `${entity.storage.replace(/^[./]+/, '').replace(/[^A-Za-z0-9_.-]+/g, '-')}.avsc`
}

/** The Avro schema of an entity's data files, exactly as the runtime writes them, as formatted JSON. */
export function emitAvroSchema(ctx: EmitContext, entity: EntityIR): string {
  return `${JSON.stringify(avroSchemaForEntity(entity, ctx.ir.enums), null, 2)}\n`
}
