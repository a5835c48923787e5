import type { CommitSource } from '../delta/delta-log-codec.js'
import { type DeltaStructType, keptColumnShapes } from '../delta/delta-schema.js'
import { committedSchema } from './committed-schema.js'
import { deltaFieldName } from './identity-columns.js'
import type { TableMetadata } from './log-entry.js'

/**
 * A table pf adopted keeps its columns as their writer declared them (Spark's `INT` is `integer`, its columns are
 * nullable unless `NOT NULL`): the table's Delta schema is the one record of it, read back on every replay. pf
 * writes such a column in its narrow type and checks each value fits (narrow-columns.ts), and holds a required
 * field to non-null on its own writes while the schema keeps `nullable: true` (stricter than the table allows).
 */

/** The metadata with `narrowStoredFields`, `nullableStoredFields` and `nullElementsStoredFields` as a `metaData.schemaString` says. */
export function withKeptColumnShapes(
  metadata: TableMetadata,
  schemaString: string,
  source: CommitSource,
): TableMetadata {
  const schema = committedSchema(schemaString, source)
  return withShapesOf(metadata, schema)
}

/** The metadata with the kept shapes of `schema`'s columns (the Delta schema names fields as toDeltaMetaData does). */
export function withShapesOf(metadata: TableMetadata, schema: DeltaStructType): TableMetadata {
  const { narrowStoredFields: _n, nullableStoredFields: _o, nullElementsStoredFields: _e, ...rest } = metadata
  const named = {
    ...metadata.entity,
    fields: metadata.entity.fields.map((f) => ({ ...f, column: deltaFieldName(metadata, f.column) })),
  }
  const { narrowStored, nullableStored, nullElementsStored } = keptColumnShapes(named, schema)
  return {
    ...rest,
    ...(Object.keys(narrowStored).length > 0 ? { narrowStoredFields: narrowStored } : {}),
    ...(nullableStored.size > 0 ? { nullableStoredFields: [...nullableStored] } : {}),
    ...(nullElementsStored.size > 0 ? { nullElementsStoredFields: [...nullElementsStored] } : {}),
  }
}
