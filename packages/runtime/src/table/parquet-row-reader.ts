import type { DataFileStore } from './data-file-store.js'
import type { CheckedRange } from './parquet-range-checksums.js'
import { decodeParquetRow, type RowColumn } from './parquet-row-decoder.js'
import { decodedPointRow, type PointRow } from './point-row.js'

/**
 * A point read's row (physical `position`, deletion vectors ignored) decoded in JS from the bytes its range check just read (`checked`: its row group's range and
 * the file's tail, in `ranges` order), in the table's schema; undefined when there are no such bytes (the file was
 * checked whole earlier) or the decoder does not follow the file (see parquet-row-decoder.ts): polars reads it then.
 */
export async function decodeRowFromRanges(
  store: DataFileStore,
  position: number,
  ranges: readonly CheckedRange[],
  checked: readonly Uint8Array[] | undefined,
): Promise<PointRow | undefined> {
  const [group, tail] = ranges
  const [groupBytes, tailBytes] = checked ?? []
  if (ranges.length !== 2 || !group || !tail || !groupBytes || !tailBytes) return undefined
  const fields = store.metadata.entity.fields
  const columns: RowColumn[] = fields.map((f) => ({ name: store.mapping.stored(f.column), type: f.type }))
  const row = await decodeParquetRow(
    { start: group.start, bytes: groupBytes },
    { start: tail.start, bytes: tailBytes },
    position,
    columns,
  )
  return (
    row &&
    decodedPointRow(
      fields.map((f) => f.column),
      row,
    )
  )
}
