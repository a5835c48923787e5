import { deltaCheckConstraints } from '../delta/delta-constraints.js'
import {
  type DeltaTableFeature,
  FEATURE_RULES,
  PF_AVRO_FEATURE,
  protocolFor,
  supportedFeatures,
  tableFeaturesFor,
} from '../delta/protocol-features.js'
import { foreignSchemaOf } from './foreign-table-metadata.js'
import type { ProtocolAction, TableMetadata } from './log-entry.js'

/**
 * Which Delta protocols pf reads and writes, and the protocol a pf table declares. Reader version 1 needs
 * nothing; 2 means column mapping (pf reads name mode); 3 lists reader features, each of which pf must support.
 */

/**
 * Reader features pf implements (timestampNtz: `read()` of other writers' tables reads it as a zone-less datetime;
 * typeWidening: older files are read as the current, wider type; v2Checkpoint: UUID-named JSON/Parquet checkpoints
 * and their sidecars, see checkpoint-v2.ts; vacuumProtocolCheck asks nothing of readers. pf writes none of these:
 * they are no writer features here).
 */
const READER_FEATURES: ReadonlySet<string> = new Set([
  PF_AVRO_FEATURE,
  'columnMapping',
  'deletionVectors',
  'timestampNtz',
  'typeWidening',
  'typeWidening-preview',
  'v2Checkpoint',
  'vacuumProtocolCheck',
])
/**
 * Writer features pf honours when it writes (NOT NULL, its own enum CHECK constraints, deletion vectors, identity
 * columns: every commit keeps the high-water mark at or above the values it writes, see identity-marks.ts).
 */
const WRITER_FEATURES: ReadonlySet<string> = new Set([
  PF_AVRO_FEATURE,
  'columnMapping',
  'deletionVectors',
  'invariants',
  'checkConstraints',
  'appendOnly',
  'identityColumns',
])

/**
 * Reader features pf reads only in tables other writers created (`read()` by their Delta schema): a pf table reads
 * through its entity, whose types a widening by another writer leaves stale (a Date field over timestamp files).
 */
const FOREIGN_ONLY_READER_FEATURES: ReadonlySet<string> = new Set(['typeWidening', 'typeWidening-preview'])

/**
 * Why pf cannot read a table of this protocol, or undefined when it can. Given the table's `metadata`, a pf table
 * (not another writer's) is also refused the features pf reads only in other writers' tables.
 */
export function readerProblem(protocol: ProtocolAction, metadata?: TableMetadata): string | undefined {
  const reader = protocol.minReaderVersion
  if (reader > 3) return `needs Delta reader version ${reader}; pf reads versions 1 and 3`
  if (reader === 3) {
    const pfTable = metadata !== undefined && foreignSchemaOf(metadata) === undefined
    const missing = (protocol.readerFeatures ?? []).filter(
      (f) => !READER_FEATURES.has(f) || (pfTable && FOREIGN_ONLY_READER_FEATURES.has(f)),
    )
    if (missing.length > 0)
      return `needs the Delta reader feature${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which pf does not support${pfTable && missing.some((f) => FOREIGN_ONLY_READER_FEATURES.has(f)) ? ' in a table pf created (its entity keeps the types before the change)' : ''}`
  }
  return undefined
}

/**
 * Why pf cannot write a table of this protocol, or undefined when it can. Writer version 7 lists its features,
 * each of which pf must honour; legacy writer versions (2-6) only imply features a table may not use.
 */
export function writerProblem(protocol: ProtocolAction): string | undefined {
  const read = readerProblem(protocol)
  if (read !== undefined) return read
  const writer = protocol.minWriterVersion
  if (writer > 7) return `needs Delta writer version ${writer}; pf writes up to 7`
  const missing = writer === 7 ? (protocol.writerFeatures ?? []).filter((f) => !WRITER_FEATURES.has(f)) : []
  return missing.length > 0
    ? `needs the Delta writer feature${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which pf does not support`
    : undefined
}

function isKnownFeature(name: string): name is DeltaTableFeature {
  return Object.hasOwn(FEATURE_RULES, name)
}

function protocolFeatures(metadata: TableMetadata): DeltaTableFeature[] {
  return tableFeaturesFor(metadata.entity, deltaCheckConstraints(metadata.entity, metadata.enums), {
    format: metadata.format,
    columnMapping: metadata.columnMapping !== undefined,
    deletionVectors: metadata.updateMode === 'merge-on-read',
  })
}

/**
 * The protocol a pf table with this metadata declares: the lowest for the features it uses (NOT NULL,
 * enum CHECK constraints, autoincrement identity columns, Avro data files, deletion vectors for merge-on-read),
 * never lower than `current`
 * (protocols never go down).
 */
export function protocolOf(metadata: TableMetadata, current?: ProtocolAction): ProtocolAction {
  const needed = protocolFeatures(metadata)
  if (!current) return protocolFor(needed)
  const have = supportedFeatures(current)
  if (needed.every((f) => have.writers.has(f) || have.readers.has(f))) return current
  return protocolFor([...new Set([...have.writers, ...have.readers, ...needed])].filter(isKnownFeature))
}

/**
 * The protocol after DROP FEATURE of `feature`: the lowest one listing `current`'s other features and those the
 * metadata needs. Undefined while the metadata still needs `feature` (it cannot be dropped yet).
 */
export function protocolWithout(
  feature: DeltaTableFeature,
  metadata: TableMetadata,
  current: ProtocolAction,
): ProtocolAction | undefined {
  const needed = protocolFeatures(metadata)
  if (needed.includes(feature)) return undefined
  const have = supportedFeatures(current)
  const kept = [...have.writers, ...have.readers].filter((f) => f !== feature).filter(isKnownFeature)
  return protocolFor(new Set([...kept, ...needed]))
}
