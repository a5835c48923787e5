import { stat } from 'node:fs/promises'
import type { FormatName } from '../format/storage-format.js'
import { type ParquetFooterInfo, readParquetFooter } from './parquet-footer-reader.js'

/** In-memory bytes per value of each Parquet physical type (byte arrays: a 16-byte view plus the payload). */
const VALUE_WIDTH: Readonly<Record<number, number>> = { 0: 1, 1: 4, 2: 8, 3: 8, 4: 4, 5: 8, 6: 16, 7: 16 }

/**
 * Estimated in-memory size of a Parquet file's data from its footer: per column chunk, the larger of
 * its uncompressed size and values × in-memory width (encodings such as RLE and dictionaries shrink
 * the uncompressed size far below the decoded size).
 */
export function estimateParquetBytes(footer: Pick<ParquetFooterInfo, 'chunks'>): number {
  let total = 0
  for (const chunk of footer.chunks) {
    const width = VALUE_WIDTH[chunk.physicalType] ?? 8
    const decoded = chunk.numValues * width
    total +=
      chunk.physicalType === 6
        ? decoded + chunk.uncompressedBytes
        : Math.max(decoded, chunk.uncompressedBytes)
  }
  return total
}

/** Estimated in-memory size of one data file: Parquet from its footer, other formats by file size. */
export async function estimateFileBytes(path: string, format: FormatName): Promise<number> {
  if (format === 'parquet') return estimateParquetBytes(await readParquetFooter(path))
  return (await stat(path)).size
}

/** Estimated in-memory size of a set of files of one format (summed). */
export async function estimateFilesBytes(paths: readonly string[], format: FormatName): Promise<number> {
  let total = 0
  for (const path of paths) total += await estimateFileBytes(path, format)
  return total
}
