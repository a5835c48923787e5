import type { Dataset, DatasetFile } from './dataset.js'
import { readParquetFooter } from './parquet-footer-reader.js'
import { MIB } from './select-engine.js'
import { estimateParquetBytes } from './size-estimator.js'

/** One partition of the partitioned engine: a file, or a row range of a large Parquet file. */
export interface PartitionRef {
  readonly file: DatasetFile
  /** Rows `[offset, offset + length)` of the file, aligned to row groups; absent: the whole file. */
  readonly slice?: { readonly offset: number; readonly length: number }
}

/**
 * Cuts a dataset into partitions of about `targetBytes` in memory: each file is one partition,
 * except Parquet files larger than the target, which are cut at row-group boundaries (from the
 * footer) so that memory stays bounded whatever the file size.
 */
export async function planPartitions(dataset: Dataset, targetBytes: number): Promise<PartitionRef[]> {
  const target = Math.max(targetBytes, MIB)
  const out: PartitionRef[] = []
  for (const file of dataset.files) {
    if (dataset.format !== 'parquet') {
      out.push({ file })
      continue
    }
    const footer = await readParquetFooter(file.path)
    if (footer.rowGroups.length < 2 || estimateParquetBytes(footer) <= target) {
      out.push({ file })
      continue
    }
    let offset = 0
    let length = 0
    let bytes = 0
    for (const group of footer.rowGroups) {
      const groupBytes = estimateParquetBytes(group)
      if (length > 0 && bytes + groupBytes > target) {
        out.push({ file, slice: { offset, length } })
        offset += length
        length = 0
        bytes = 0
      }
      length += group.numRows
      bytes += groupBytes
    }
    if (length > 0) out.push({ file, slice: { offset, length } })
  }
  return out
}
