import type { SchemaIR } from '@parquetframe/runtime'
import { avroSchemaFileName, emitAvroSchema } from './avro-schema-emitter.js'
import { createEmitContext, type GenerateOptions } from './emit-context.js'
import { emitEntity } from './entity-emitter.js'
import { emitEnums } from './enums-emitter.js'
import { emitIndex } from './index-emitter.js'
import { emitJsonValue, schemaUsesJson } from './json-value-emitter.js'
import { entityNames } from './naming.js'

/** Generated files: path relative to the output directory (forward slashes) → contents. */
export type GeneratedFiles = ReadonlyMap<string, string>

/**
 * Turns a schema IR into source files: per entity `<entity>.ts` (and `<storage>.avsc` for Avro entities),
 * `enums.ts`, `json-value.ts` when a field is `Json`, and an `index.ts` barrel. Pure and deterministic: the same IR and options
 * give byte-identical files, in path order.
 */
export function generate(ir: SchemaIR, options: GenerateOptions = {}): GeneratedFiles {
  const ctx = createEmitContext(ir, options)
  const files = new Map<string, string>()
  files.set('enums.ts', emitEnums(ctx))
  if (schemaUsesJson(ctx)) files.set('json-value.ts', emitJsonValue(ctx))
  for (const entity of ir.entities) {
    files.set(`${entityNames(entity).module}.ts`, emitEntity(ctx, entity))
    if (entity.format === 'avro') files.set(avroSchemaFileName(entity), emitAvroSchema(ctx, entity))
  }
  files.set('index.ts', emitIndex(ctx))
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}
