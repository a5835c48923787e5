import type { FieldIR } from '../schema/schema-ir.js'
import { isIdentityField } from './delta-identity.js'

/**
 * The lowest Delta protocol for the features a table uses (PROTOCOL.md "Protocol Evolution", "Table Features",
 * "Writer/Reader Version Requirements", "Valid Feature Names in Table Features"): legacy versions where every
 * feature has one, table features (reader 3 / writer 7) only when a feature has no legacy version.
 */

/** Table features pf knows by name; `pfAvroDataFiles` is pf's own (data files are Avro), unknown to other engines. */
export type DeltaTableFeature =
  | 'appendOnly'
  | 'invariants'
  | 'checkConstraints'
  | 'generatedColumns'
  | 'allowColumnDefaults'
  | 'changeDataFeed'
  | 'columnMapping'
  | 'identityColumns'
  | 'deletionVectors'
  | 'rowTracking'
  | 'timestampNtz'
  | 'domainMetadata'
  | 'v2Checkpoint'
  | 'catalogManaged'
  | 'icebergCompatV1'
  | 'icebergCompatV2'
  | 'clustering'
  | 'vacuumProtocolCheck'
  | 'inCommitTimestamp'
  | 'typeWidening'
  | 'variantType'
  | 'variantShredding'
  | 'pfAvroDataFiles'

/** pf's reader feature for Avro tables: engines that do not know it refuse the table instead of reading Avro as Parquet. */
export const PF_AVRO_FEATURE = 'pfAvroDataFiles' satisfies DeltaTableFeature

interface FeatureRule {
  /** Readers must know it (listed in readerFeatures and writerFeatures), or writers only. */
  readonly readers: boolean
  /** The legacy (reader, writer) versions that imply it, if any. */
  readonly legacy?: readonly [reader: number, writer: number]
  /** Features it needs listed too (e.g. rowTracking needs domainMetadata). */
  readonly requires?: readonly DeltaTableFeature[]
}

/** The spec's feature table, with the legacy versions of "Writer/Reader Version Requirements". */
export const FEATURE_RULES: { readonly [F in DeltaTableFeature]: FeatureRule } = {
  appendOnly: { readers: false, legacy: [1, 2] },
  invariants: { readers: false, legacy: [1, 2] },
  checkConstraints: { readers: false, legacy: [1, 3] },
  changeDataFeed: { readers: false, legacy: [1, 4] },
  generatedColumns: { readers: false, legacy: [1, 4] },
  columnMapping: { readers: true, legacy: [2, 5] },
  identityColumns: { readers: false, legacy: [1, 6] },
  allowColumnDefaults: { readers: false },
  deletionVectors: { readers: true },
  rowTracking: { readers: false, requires: ['domainMetadata'] },
  timestampNtz: { readers: true },
  domainMetadata: { readers: false },
  v2Checkpoint: { readers: true },
  catalogManaged: { readers: true },
  icebergCompatV1: { readers: false, requires: ['columnMapping'] },
  icebergCompatV2: { readers: false, requires: ['columnMapping'] },
  clustering: { readers: false, requires: ['domainMetadata'] },
  vacuumProtocolCheck: { readers: true },
  inCommitTimestamp: { readers: false },
  typeWidening: { readers: true },
  variantType: { readers: true },
  variantShredding: { readers: true, requires: ['variantType'] },
  pfAvroDataFiles: { readers: true },
}

/** The `protocol` action (field names as the spec's). */
export interface DeltaProtocol {
  readonly minReaderVersion: number
  readonly minWriterVersion: number
  /** Present only when minReaderVersion is 3. */
  readonly readerFeatures?: readonly string[]
  /** Present only when minWriterVersion is 7. */
  readonly writerFeatures?: readonly string[]
}

/** The features and everything they require, in a stable (sorted) order. */
function withRequirements(features: Iterable<DeltaTableFeature>): DeltaTableFeature[] {
  const all = new Set<DeltaTableFeature>()
  const visit = (feature: DeltaTableFeature): void => {
    if (all.has(feature)) return
    all.add(feature)
    for (const required of FEATURE_RULES[feature].requires ?? []) visit(required)
  }
  for (const feature of features) visit(feature)
  return [...all].sort()
}

/**
 * The lowest protocol supporting `features`. No features: (1, 1). Every feature with legacy versions: the highest
 * of them, no feature lists (e.g. checkConstraints → (1, 3), columnMapping → (2, 5)). Otherwise writer 7 listing
 * every feature; reader 3 listing the reader features when one of them has no legacy version, else the legacy
 * reader version (columnMapping → 2).
 */
export function protocolFor(features: Iterable<DeltaTableFeature>): DeltaProtocol {
  const used = withRequirements(features)
  let reader = 1
  let writer = 1
  let needsTableFeatures = false
  let readersNeedTableFeatures = false
  for (const feature of used) {
    const rule = FEATURE_RULES[feature]
    if (rule.legacy) {
      reader = Math.max(reader, rule.legacy[0])
      writer = Math.max(writer, rule.legacy[1])
    } else {
      needsTableFeatures = true
      if (rule.readers) readersNeedTableFeatures = true
    }
  }
  if (!needsTableFeatures) return { minReaderVersion: reader, minWriterVersion: writer }
  if (!readersNeedTableFeatures)
    return { minReaderVersion: reader, minWriterVersion: 7, writerFeatures: used }
  return {
    minReaderVersion: 3,
    minWriterVersion: 7,
    readerFeatures: used.filter((feature) => FEATURE_RULES[feature].readers),
    writerFeatures: used,
  }
}

/**
 * The features a protocol supports, legacy versions expanded: (1, 3) supports appendOnly, invariants and
 * checkConstraints. Feature names pf does not know are returned as they are.
 */
export function supportedFeatures(protocol: DeltaProtocol): { readers: Set<string>; writers: Set<string> } {
  const readers = new Set<string>(protocol.minReaderVersion >= 3 ? (protocol.readerFeatures ?? []) : [])
  const writers = new Set<string>(protocol.minWriterVersion >= 7 ? (protocol.writerFeatures ?? []) : [])
  for (const [name, rule] of Object.entries(FEATURE_RULES) as [DeltaTableFeature, FeatureRule][]) {
    if (!rule.legacy) continue
    const [legacyReader, legacyWriter] = rule.legacy
    if (protocol.minWriterVersion < 7 && protocol.minWriterVersion >= legacyWriter) writers.add(name)
    if (rule.readers && protocol.minReaderVersion < 3 && protocol.minReaderVersion >= legacyReader)
      readers.add(name)
  }
  return { readers, writers }
}

/** What a table uses beyond its entity: its storage format, deletion vectors, column mapping. */
export interface TableFeatureOptions {
  readonly format: 'parquet' | 'avro'
  /** Merge-on-read deletes as deletion vectors. Default false. */
  readonly deletionVectors?: boolean
  /** Column mapping (name mode). Default false. */
  readonly columnMapping?: boolean
}

/**
 * The features an entity's table uses: `invariants` when a field is required (delta-spark enforces NOT NULL as a
 * column invariant, writer version 2), `checkConstraints` when `constraints` (deltaCheckConstraints) is not empty,
 * `identityColumns` when a field is autoincrement (an identity column, writer version 6; see delta-identity.ts),
 * pf's Avro feature for Avro tables, and the options' deletion vectors and column mapping.
 */
export function tableFeaturesFor(
  entity: { readonly fields: readonly Pick<FieldIR, 'optional' | 'default'>[] },
  constraints: Readonly<Record<string, string>>,
  options: TableFeatureOptions,
): DeltaTableFeature[] {
  const features: DeltaTableFeature[] = []
  if (entity.fields.some((field) => !field.optional)) features.push('invariants')
  if (entity.fields.some(isIdentityField)) features.push('identityColumns')
  if (Object.keys(constraints).length > 0) features.push('checkConstraints')
  if (options.format === 'avro') features.push('pfAvroDataFiles')
  if (options.deletionVectors) features.push('deletionVectors')
  if (options.columnMapping) features.push('columnMapping')
  return features
}
