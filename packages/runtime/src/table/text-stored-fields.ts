import type { CommitSource } from '../delta/delta-log-codec.js'
import { textStoredFields } from '../delta/delta-schema.js'
import { committedSchema } from './committed-schema.js'
import { deltaFieldName } from './identity-columns.js'
import type { TableMetadata } from './log-entry.js'

/**
 * Avro tables written before bytes storage hold Decimal and Bytes as text (decimal strings, base64), and their
 * Delta schema says `string` for those fields. The format rule: a field of an Avro table whose Delta schema type
 * is `string` (or an array of it) keeps text in every file until a rewrite of every file (`pf migrate` rewriting
 * the table) stores it as Avro bytes; every other Decimal/Bytes field is `bytes` (decimal logical type) / `bytes`.
 * Parquet tables always store decimal/binary.
 */

/** The metadata with `textStoredFields` as a `metaData.schemaString` says (Avro tables only). */
export function withDeltaTextStored(
  metadata: TableMetadata,
  schemaString: string,
  source: CommitSource,
): TableMetadata {
  const { textStoredFields: _t, ...rest } = metadata
  const candidates = metadata.entity.fields.some((f) => isDecimalOrBytes(f.type))
  if (metadata.format !== 'avro' || !candidates) return rest
  const schema = committedSchema(schemaString, source)
  // The Delta schema names fields as toDeltaMetaData does.
  const named = {
    ...metadata.entity,
    fields: metadata.entity.fields.map((f) => ({ ...f, column: deltaFieldName(metadata, f.column) })),
  }
  const text = [...textStoredFields(named, schema)]
  return text.length > 0 ? { ...rest, textStoredFields: text } : rest
}

function isDecimalOrBytes(type: TableMetadata['entity']['fields'][number]['type']): boolean {
  if (type.kind === 'list') return isDecimalOrBytes(type.element)
  return type.kind === 'scalar' && (type.name === 'Decimal' || type.name === 'Bytes')
}
