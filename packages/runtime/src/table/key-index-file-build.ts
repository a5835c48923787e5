import type pl from 'nodejs-polars'
import { writeIndexFile } from '../secondary-index/index-files.js'
import { fileIdentity } from '../secondary-index/secondary-indexes.js'
import type { DataFileStore } from './data-file-store.js'
import type { KeyCodec } from './key-codec.js'
import { encodeKeyPositionIndex, keyIndexFilePath } from './key-position-file.js'
import { buildKeyPositionIndex, type KeyPositionIndex } from './key-position-index.js'
import { type ParquetPointLayout, parquetPointLayout } from './parquet-point-layout.js'
import { type ParquetRangeChecksums, parquetRangeChecksums } from './parquet-range-checksums.js'
import type { LiveFile } from './table-state.js'

/** Files with fewer rows are scanned for a key (cheap) instead of getting a key index file each. */
export const MIN_INDEXED_ROWS = 4096

/** True when a data file gets a key position index (enough rows to be worth one, few enough for its positions). */
export function keyIndexed(file: LiveFile): boolean {
  const rows = file.add.stats.numRows
  return rows >= MIN_INDEXED_ROWS && rows <= 0xffffffff
}

/** A data file with its deletion vector left out: its physical rows, the ones key index positions point at. */
export function physicalFile(file: LiveFile): LiveFile {
  const { deletionVector: _, ...add } = file.add
  return { ...file, add, deleted: new Set(), deletedRows: 0 }
}

/**
 * A Parquet data file's range checksums (a point read then checks only the bytes it reads) and point-read layout
 * (it then decodes no footer), taken from its bytes once they matched the log's checksum: `checked` (bytes a read
 * just checked), else the file is read and checked (a missing, unreadable or damaged file is its typed error, as
 * for any read); none for other files, and no layout without range checksums (a point read without them reads
 * through polars).
 */
export async function parquetFacts(
  store: DataFileStore,
  file: LiveFile,
  checked?: Uint8Array,
): Promise<{ ranges?: ParquetRangeChecksums; layout?: ParquetPointLayout }> {
  if (file.add.checksum === undefined || store.format.name !== 'parquet') return {}
  const bytes = checked ?? (await store.verify(physicalFile(file), true))
  const ranges = bytes && parquetRangeChecksums(bytes)
  const layout = ranges && bytes && parquetPointLayout(bytes)
  return { ...(ranges && { ranges }), ...(layout && { layout }) }
}

/**
 * Builds a data file's key position index from its key rows (`rows`: its physical rows when already read, else
 * read here) and its bytes, and saves it as the file's key index file (best effort: a table on a read-only disk is
 * only slower). Lookups that find no index file call it, and so does a compaction for the files it writes on the
 * maintenance thread, so that no caller's lookup pays for building the index of a file compaction made.
 */
export async function buildKeyIndexFile(
  store: DataFileStore,
  codec: KeyCodec,
  file: LiveFile,
  rows?: pl.DataFrame,
): Promise<KeyPositionIndex> {
  let fileBytes: Uint8Array | undefined
  const keys = rows ?? (await store.read(physicalFile(file), codec.columns, (b) => (fileBytes = b)))
  const { ranges, layout } = await parquetFacts(store, file, fileBytes)
  const index = buildKeyPositionIndex(
    fileIdentity(file),
    codec.columns,
    codec.encodeFrame(keys),
    ranges,
    layout,
  )
  const path = keyIndexFilePath(store.root, file.add.path, codec.columns)
  await writeIndexFile(store.fs, path, encodeKeyPositionIndex(index))
  return index
}
