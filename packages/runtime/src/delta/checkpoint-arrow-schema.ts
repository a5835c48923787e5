// The Arrow schema of a Delta checkpoint (PROTOCOL.md "Checkpoint Schema"), laid out as Spark writes it: one nullable
// struct column per action kind, every field nullable, maps as MAP<string,string> with `key_value` entries and lists
// with `element` items (the Parquet names Spark and delta-rs write). `partitionValues_parsed` and `stats_parsed` are
// left out: the spec makes them optional (`delta.checkpoint.writeStatsAsStruct` defaults to false).
import type {
  DataType as ArrowDataType,
  Field as ArrowField,
  Schema as ArrowSchema,
  Utf8 as ArrowUtf8,
} from 'apache-arrow'
import { Bool, Field, Int32, Int64, List, Map_, Schema, Struct, Utf8 } from '../vendor/apache-arrow.js'

/** A Delta field type as the checkpoint stores it: spec `long`/`int` are Parquet INT64/INT32. */
export type CheckpointFieldKind =
  | 'string'
  | 'long'
  | 'int'
  | 'boolean'
  | 'map'
  | 'array'
  | CheckpointStructSpec

/** A struct's fields in column order. */
export interface CheckpointStructSpec {
  readonly [field: string]: CheckpointFieldKind
}

const deletionVector: CheckpointStructSpec = {
  storageType: 'string',
  pathOrInlineDv: 'string',
  offset: 'int',
  sizeInBytes: 'int',
  cardinality: 'long',
  maxRowIndex: 'long',
}

/** Every action column a checkpoint written here holds, its fields and their kinds, in Spark's column order. */
export const CHECKPOINT_COLUMNS = {
  txn: { appId: 'string', version: 'long', lastUpdated: 'long' },
  add: {
    path: 'string',
    partitionValues: 'map',
    size: 'long',
    modificationTime: 'long',
    dataChange: 'boolean',
    tags: 'map',
    deletionVector,
    baseRowId: 'long',
    defaultRowCommitVersion: 'long',
    stats: 'string',
    clusteringProvider: 'string',
  },
  // Tombstones for VACUUM: the spec leaves `stats` and `tags` out of a checkpoint's `remove`.
  remove: {
    path: 'string',
    deletionTimestamp: 'long',
    dataChange: 'boolean',
    extendedFileMetadata: 'boolean',
    partitionValues: 'map',
    size: 'long',
    deletionVector,
    baseRowId: 'long',
    defaultRowCommitVersion: 'long',
  },
  metaData: {
    id: 'string',
    name: 'string',
    description: 'string',
    format: { provider: 'string', options: 'map' },
    schemaString: 'string',
    partitionColumns: 'array',
    configuration: 'map',
    createdTime: 'long',
  },
  protocol: {
    minReaderVersion: 'int',
    minWriterVersion: 'int',
    readerFeatures: 'array',
    writerFeatures: 'array',
  },
  domainMetadata: { domain: 'string', configuration: 'string', removed: 'boolean' },
} as const satisfies Record<string, CheckpointStructSpec>

/** Fields the spec requires, per struct path; a row missing one is refused, read or written. */
export const CHECKPOINT_REQUIRED: { readonly [path: string]: readonly string[] } = {
  add: ['path', 'partitionValues', 'size', 'modificationTime', 'dataChange'],
  remove: ['path', 'dataChange'],
  metaData: ['id', 'format', 'schemaString', 'partitionColumns', 'configuration'],
  protocol: ['minReaderVersion', 'minWriterVersion'],
  txn: ['appId', 'version'],
  domainMetadata: ['domain', 'configuration', 'removed'],
  checkpointMetadata: ['version'],
  sidecar: ['path', 'sizeInBytes', 'modificationTime'],
  'add.deletionVector': ['storageType', 'pathOrInlineDv', 'sizeInBytes', 'cardinality'],
  'remove.deletionVector': ['storageType', 'pathOrInlineDv', 'sizeInBytes', 'cardinality'],
  'metaData.format': ['provider'],
}

/** The V2-spec columns a reader also meets (a V2 checkpoint's own rows); never written here. */
export const CHECKPOINT_V2_COLUMNS = {
  checkpointMetadata: { version: 'long', tags: 'map' },
  sidecar: { path: 'string', sizeInBytes: 'long', modificationTime: 'long', tags: 'map' },
} as const satisfies Record<string, CheckpointStructSpec>

/** The name of a column written here: one per action kind. */
export type CheckpointColumn = keyof typeof CHECKPOINT_COLUMNS

function arrowType(kind: CheckpointFieldKind): ArrowDataType {
  switch (kind) {
    case 'string':
      return new Utf8()
    case 'long':
      return new Int64()
    case 'int':
      return new Int32()
    case 'boolean':
      return new Bool()
    case 'map': {
      // Keys are required, values nullable (`valueContainsNull: true`), as Spark declares them.
      const entries = new Struct<{ key: ArrowUtf8; value: ArrowUtf8 }>([
        new Field('key', new Utf8(), false),
        new Field('value', new Utf8(), true),
      ])
      const map = new Map_(new Field('entries', entries, false), false)
      // apache-arrow names the entries `entries` whatever it is given (ARROW-8716); Parquet's MAP layout and
      // Spark's checkpoints name the repeated group `key_value`, which arrow-rs writes from this name.
      ;(map.children as ArrowField[])[0] = new Field('key_value', entries, false)
      return map
    }
    case 'array':
      return new List(new Field('element', new Utf8(), true))
    default:
      return structType(kind)
  }
}

function structType(spec: CheckpointStructSpec): ArrowDataType {
  return new Struct(
    Object.entries(spec).map(([name, kind]): ArrowField => new Field(name, arrowType(kind), true)),
  )
}

/** The Arrow type of one action column. */
export function checkpointColumnType(column: CheckpointColumn): ArrowDataType {
  return structType(CHECKPOINT_COLUMNS[column])
}

/** The Arrow schema of a checkpoint: every action column, nullable. */
export function checkpointArrowSchema(): ArrowSchema {
  return new Schema(
    (Object.keys(CHECKPOINT_COLUMNS) as CheckpointColumn[]).map(
      (column) => new Field(column, checkpointColumnType(column), true),
    ),
  )
}
