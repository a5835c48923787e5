/**
 * The Delta Lake transaction log (PROTOCOL.md of delta-io/delta): its actions, the commit file codec, the path
 * and partition-value encoding and per-file statistics. A pf table's log is a Delta log (see docs/tables.md).
 */

export {
  DeletionVectorCorruptError,
  DeletionVectorDescriptorError,
  type DeletionVectorFile,
  type DeletionVectorFileOptions,
  decodeDeletionVectorFile,
  decodeInlineDeletionVector,
  deletionVectorAbsolutePath,
  deletionVectorRelativePath,
  encodeDeletionVectorFile,
  encodeInlineDeletionVector,
  readDeletionVector,
  writeDeletionVectorFile,
} from './deletion-vector.js'
export type {
  DeltaAction,
  DeltaAdd,
  DeltaCommit,
  DeltaCommitInfo,
  DeltaDeletionVector,
  DeltaFormat,
  DeltaMetaData,
  DeltaProtocol,
  DeltaRemove,
  DeltaTxn,
} from './delta-actions.js'
export { deletionVectorId } from './delta-actions.js'
export { type CommitSource, encodeDeltaCommit, parseDeltaCommit } from './delta-log-codec.js'
export {
  decodeDeltaPath,
  encodeDeltaPath,
  NULL_PARTITION_DIR,
  partitionDirName,
  partitionTimestamp,
} from './delta-paths.js'
export {
  type DeltaStatKind,
  decodeDeltaStats,
  deltaStatKind,
  encodeDeltaStats,
  formatDeltaDate,
  formatDeltaTimestamp,
  MAX_STRING_STAT_LENGTH,
  parseDeltaDate,
  parseDeltaTimestamp,
} from './delta-stats.js'
export {
  MAX_ROW_INDEX,
  RoaringBitmapArray,
  RoaringBitmapFormatError,
  RowIndexError,
} from './roaring-bitmap-array.js'
export { Z85Error, z85Decode, z85Encode } from './z85.js'
