/**
 * The actions of a Delta Lake commit (PROTOCOL.md "Actions"), field names exactly as the spec writes them. A
 * commit file `_delta_log/<version>.json` holds one action per line, each an object with one of these keys.
 */

/** `protocol`: the reader/writer versions and table features a client must support. */
export interface DeltaProtocol {
  readonly minReaderVersion: number
  readonly minWriterVersion: number
  /** Present exactly when `minReaderVersion` is 3. */
  readonly readerFeatures?: readonly string[]
  /** Present exactly when `minWriterVersion` is 7. */
  readonly writerFeatures?: readonly string[]
}

/** `metaData.format`. */
export interface DeltaFormat {
  readonly provider: string
  readonly options: Readonly<Record<string, string>>
}

/** `metaData`: the table's id, schema, partitioning and configuration; a later one replaces it whole. */
export interface DeltaMetaData {
  readonly id: string
  readonly name?: string | null
  readonly description?: string | null
  readonly format: DeltaFormat
  /** The schema in Delta's JSON serialization (a struct type), as text. */
  readonly schemaString: string
  readonly partitionColumns: readonly string[]
  readonly createdTime?: number | null
  readonly configuration: Readonly<Record<string, string>>
}

/** A deletion vector descriptor (PROTOCOL.md "Deletion Vector Descriptor Schema"). */
export interface DeltaDeletionVector {
  readonly storageType: 'u' | 'i' | 'p'
  readonly pathOrInlineDv: string
  readonly offset?: number | null
  readonly sizeInBytes: number
  readonly cardinality: number
}

/** `add`: a logical file (data file + optional deletion vector) becomes part of the table. */
export interface DeltaAdd {
  /** A URI relative to the table root (see delta-paths.ts), not a plain path. */
  readonly path: string
  /** Partition column → value serialized as the spec says; null for a null value. */
  readonly partitionValues: Readonly<Record<string, string | null>>
  readonly size: number
  readonly modificationTime: number
  readonly dataChange: boolean
  /** Per-file statistics as JSON text (see delta-stats.ts). */
  readonly stats?: string | null
  readonly tags?: Readonly<Record<string, string>> | null
  readonly deletionVector?: DeltaDeletionVector | null
  readonly baseRowId?: number | null
  readonly defaultRowCommitVersion?: number | null
  readonly clusteringProvider?: string | null
}

/** `remove`: a logical file stops being part of the table (a tombstone until vacuumed). */
export interface DeltaRemove {
  readonly path: string
  readonly deletionTimestamp?: number | null
  readonly dataChange: boolean
  readonly extendedFileMetadata?: boolean | null
  readonly partitionValues?: Readonly<Record<string, string | null>> | null
  readonly size?: number | null
  readonly stats?: string | null
  readonly tags?: Readonly<Record<string, string>> | null
  readonly deletionVector?: DeltaDeletionVector | null
  readonly baseRowId?: number | null
  readonly defaultRowCommitVersion?: number | null
}

/** `txn`: an application's progress marker, recorded atomically with a commit (idempotent writes). */
export interface DeltaTxn {
  readonly appId: string
  readonly version: number
  readonly lastUpdated?: number | null
}

/** `domainMetadata` (PROTOCOL.md "Domain Metadata"): a named configuration; `removed` ends it. */
export interface DeltaDomainMetadata {
  readonly domain: string
  readonly configuration: string
  readonly removed: boolean
}

/** `commitInfo`: provenance; any JSON (the fields below are the ones Delta's writers use). */
export interface DeltaCommitInfo {
  readonly timestamp?: number
  readonly operation?: string
  readonly operationParameters?: Readonly<Record<string, unknown>>
  readonly readVersion?: number
  readonly isolationLevel?: string
  readonly isBlindAppend?: boolean
  readonly operationMetrics?: Readonly<Record<string, string>>
  readonly engineInfo?: string
  readonly txnId?: string
  readonly [extra: string]: unknown
}

/** One line of a commit file: exactly one action. */
export type DeltaAction =
  | { readonly protocol: DeltaProtocol }
  | { readonly metaData: DeltaMetaData }
  | { readonly add: DeltaAdd }
  | { readonly remove: DeltaRemove }
  | { readonly txn: DeltaTxn }
  | { readonly commitInfo: DeltaCommitInfo }

/** A commit's actions grouped by kind (unknown action kinds are dropped when read, as the spec says). */
export interface DeltaCommit {
  readonly protocol?: DeltaProtocol
  readonly metaData?: DeltaMetaData
  readonly commitInfo?: DeltaCommitInfo
  readonly add: readonly DeltaAdd[]
  readonly remove: readonly DeltaRemove[]
  readonly txn: readonly DeltaTxn[]
}

/**
 * The unique id of a logical file's deletion vector (PROTOCOL.md "Derived Fields"): `<storageType><pathOrInlineDv>`
 * plus `@<offset>` when an offset is given; undefined without a deletion vector.
 */
export function deletionVectorId(dv: DeltaDeletionVector | null | undefined): string | undefined {
  if (!dv) return undefined
  return dv.offset === undefined || dv.offset === null
    ? `${dv.storageType}${dv.pathOrInlineDv}`
    : `${dv.storageType}${dv.pathOrInlineDv}@${dv.offset}`
}
