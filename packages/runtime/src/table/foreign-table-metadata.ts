import type { DeltaMetaData } from '../delta/delta-actions.js'
import type { CommitSource } from '../delta/delta-log-codec.js'
import {
  type DeltaDataType,
  type DeltaStructType,
  deltaDecimalOf,
  parseDeltaSchema,
} from '../delta/delta-schema.js'
import { DeltaSchemaError } from '../delta/delta-schema-error.js'
import type { EntityIR, FieldIR, FieldType } from '../schema/schema-ir.js'
import { columnMappingModeOf, fromDeltaColumnMapping } from './column-mapping.js'
import type { TableMetadata } from './log-entry.js'
import { TableCorruptError, TableProtocolError } from './table-errors.js'

/**
 * The metadata of a Delta table another writer created (Spark, delta-rs, the kernels: no `pf.*` configuration),
 * so that the one log replay (table-state.ts) reads it too. Its entity is derived from the Delta schema; the
 * schema itself is kept for readers that need Delta's types (`foreignSchemaOf`).
 */

/** Delta schemas of metadata built from other writers' tables (the metadata objects are immutable and shared). */
const foreignSchemas = new WeakMap<TableMetadata, DeltaStructType>()

/** The `metaData` actions of other writers' tables, as written (what adoption keeps). */
const foreignMetaData = new WeakMap<TableMetadata, DeltaMetaData>()

/** The `metaData` action of a table pf did not create, as its writer wrote it; undefined for a pf table. */
export function foreignMetaDataOf(metadata: TableMetadata): DeltaMetaData | undefined {
  return foreignMetaData.get(metadata)
}

/**
 * Whether another writer's table maps columns by id (`delta.columnMapping.mode` id: data file columns matched by
 * Parquet field id), not by physical name. Never true of a pf table (pf reads mode id only in `read()`).
 */
export function mapsColumnsById(metadata: TableMetadata): boolean {
  const meta = foreignMetaData.get(metadata)
  return meta !== undefined && columnMappingModeOf(meta.configuration ?? {}) === 'id'
}

/** The Delta schema of a table pf did not create, or undefined for a pf table (whose entity is the truth). */
export function foreignSchemaOf(metadata: TableMetadata): DeltaStructType | undefined {
  return foreignSchemas.get(metadata)
}

/**
 * pf's Table API (and so entities) opens only tables pf created or adopted (table-adoption.ts), and never writes
 * another writer's table otherwise: it would read files by an entity no one checked against the table and store
 * pf's types (a long into an integer column). `read()` reads such tables by their Delta schema. Checked where a
 * table's files get a store (ColumnMapping) and where every commit and checkpoint is encoded.
 */
export function refuseForeignTable(metadata: TableMetadata): void {
  if (foreignSchemas.has(metadata))
    throw new TableProtocolError(
      metadata.entity.name,
      'a Delta table another writer created (no pf.* configuration): read() reads it; pf opens it as a table and writes to it only once adopted (adoptTable, store.adopt(Entity), pf adopt)',
    )
}

/** The pf type of a Delta type, or undefined when pf has none (structs, maps, timestamp_ntz, variant). */
export function pfTypeOfDelta(type: DeltaDataType): FieldType | undefined {
  if (typeof type === 'object') {
    if (type.type !== 'array') return undefined
    const element = pfTypeOfDelta(type.elementType)
    return element && element.kind !== 'list' ? { kind: 'list', element } : undefined
  }
  const decimal = deltaDecimalOf(type)
  if (decimal) return { kind: 'scalar', name: 'Decimal', ...decimal }
  switch (type) {
    case 'long':
    case 'integer':
    case 'short':
    case 'byte':
      return { kind: 'scalar', name: 'Int' }
    case 'double':
    case 'float':
      return { kind: 'scalar', name: 'Float' }
    case 'string':
      return { kind: 'scalar', name: 'String' }
    case 'boolean':
      return { kind: 'scalar', name: 'Boolean' }
    case 'binary':
      return { kind: 'scalar', name: 'Bytes' }
    case 'date':
      return { kind: 'scalar', name: 'Date' }
    case 'timestamp':
      return { kind: 'scalar', name: 'DateTime' }
    default:
      return undefined
  }
}

/** An entity named after the table whose fields are the Delta schema's top-level columns (Json where pf has no type). */
function entityOf(table: string, schema: DeltaStructType, partitionBy: readonly string[]): EntityIR {
  const fields: FieldIR[] = schema.fields.map((f, i) => ({
    name: f.name,
    id: i + 1,
    column: f.name,
    type: pfTypeOfDelta(f.type) ?? { kind: 'scalar', name: 'Json' },
    optional: f.nullable,
    isId: false,
    unique: false,
    index: false,
  }))
  return {
    name: table,
    storage: table,
    format: 'parquet',
    primaryKey: [],
    partitionBy,
    fields,
    relations: [],
    indexes: [],
    uniques: [],
  }
}

/**
 * pf's view of another writer's `metaData`: TableProtocolError when its data files are not Parquet or its column
 * mapping mode is one pf does not read; TableCorruptError when the schema does not parse.
 */
export function foreignTableMetadata(meta: DeltaMetaData, source: CommitSource): TableMetadata {
  if (meta.format.provider !== 'parquet')
    throw new TableProtocolError(
      source.table,
      `${source.file}: data files in format "${meta.format.provider}" (pf reads Parquet Delta tables)`,
    )
  let schema: DeltaStructType
  try {
    schema = parseDeltaSchema(meta.schemaString, source.file)
  } catch (error) {
    if (!(error instanceof DeltaSchemaError)) throw error
    throw new TableCorruptError(source.table, source.file, source.version, error.message, { cause: error })
  }
  const config = meta.configuration ?? {}
  const mapping = fromDeltaColumnMapping(meta.schemaString, config, { idMode: true })
  if (!mapping.ok) {
    if (mapping.unsupported) throw new TableProtocolError(source.table, `${source.file}: ${mapping.problem}`)
    throw new TableCorruptError(source.table, source.file, source.version, mapping.problem)
  }
  const metadata: TableMetadata = {
    id: meta.id,
    entity: entityOf(source.table, schema, meta.partitionColumns),
    enums: [],
    format: 'parquet',
    primaryKey: [],
    partitionBy: [...meta.partitionColumns],
    updateMode: 'merge-on-read',
    checkpointInterval: 100,
    createdTime: meta.createdTime ?? 0,
    ...(mapping.value ? { columnMapping: mapping.value } : {}),
  }
  foreignSchemas.set(metadata, schema)
  foreignMetaData.set(metadata, meta)
  return metadata
}
