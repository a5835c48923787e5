import type { CommitSource } from '../delta/delta-log-codec.js'
import { type DeltaStructType, parseDeltaSchema } from '../delta/delta-schema.js'
import { DeltaSchemaError } from '../delta/delta-schema-error.js'
import { TableCorruptError } from './table-errors.js'

/** The last schema parsed: one metaData's schemaString is read by several rules (identity, text-stored, shapes). */
let last: { readonly text: string; readonly schema: DeltaStructType } | undefined

/**
 * The Delta schema of a committed `metaData.schemaString`; a schema that does not parse is TableCorruptError naming
 * the commit. Parsed once for the rules that read the same metaData in turn.
 */
export function committedSchema(schemaString: string, source: CommitSource): DeltaStructType {
  if (last?.text === schemaString) return last.schema
  try {
    const schema = parseDeltaSchema(schemaString, source.file)
    last = { text: schemaString, schema }
    return schema
  } catch (error) {
    if (!(error instanceof DeltaSchemaError)) throw error
    throw new TableCorruptError(source.table, source.file, source.version, error.message, { cause: error })
  }
}
