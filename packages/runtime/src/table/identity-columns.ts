import { identityHighWaterMark, isIdentityField } from '../delta/delta-identity.js'
import type { CommitSource } from '../delta/delta-log-codec.js'
import { committedSchema } from './committed-schema.js'
import type { TableMetadata } from './log-entry.js'
import { TableCorruptError } from './table-errors.js'

/**
 * A table's identity high-water marks (`TableMetadata.identityHighWaterMarks`) as its Delta schema holds them:
 * `delta.identity.highWaterMark` of each autoincrement field, which other writers (Spark) raise too.
 */

/** The name of a field in the table's Delta schema: its column under column mapping, else its stored column. */
export function deltaFieldName(metadata: TableMetadata, column: string): string {
  return metadata.columnMapping ? column : (metadata.physicalColumns?.[column] ?? column)
}

/** The recorded high-water mark of a field column; undefined when none is. */
export function identityMarkOf(metadata: TableMetadata, column: string): bigint | undefined {
  const digits = metadata.identityHighWaterMarks?.[column]
  return digits === undefined ? undefined : BigInt(digits)
}

/** Field name → recorded high-water mark, for the autoincrement fields that have one. */
export function identityMarksByField(metadata: TableMetadata): Map<string, bigint> {
  const out = new Map<string, bigint>()
  for (const field of metadata.entity.fields) {
    const mark = isIdentityField(field) ? identityMarkOf(metadata, field.column) : undefined
    if (mark !== undefined) out.set(field.name, mark)
  }
  return out
}

/**
 * The metadata with the high-water marks a `metaData.schemaString` holds for its autoincrement fields (a Spark
 * insert raises them). TableCorruptError when the schema or a mark is malformed.
 */
export function withDeltaIdentityMarks(
  metadata: TableMetadata,
  schemaString: string,
  source: CommitSource,
): TableMetadata {
  const { identityHighWaterMarks: _m, ...rest } = metadata
  const identity = metadata.entity.fields.filter(isIdentityField)
  if (identity.length === 0) return rest
  const schema = committedSchema(schemaString, source)
  const byName = new Map(schema.fields.map((f) => [f.name, f]))
  const marks: Record<string, string> = {}
  for (const field of identity) {
    const name = deltaFieldName(metadata, field.column)
    const mark = identityHighWaterMark(byName.get(name)?.metadata ?? {})
    if (mark === 'invalid')
      throw new TableCorruptError(
        source.table,
        source.file,
        source.version,
        `field ${name}: delta.identity.highWaterMark is not a long`,
      )
    if (mark !== undefined) marks[field.column] = String(mark)
  }
  return Object.keys(marks).length > 0 ? { ...rest, identityHighWaterMarks: marks } : rest
}
