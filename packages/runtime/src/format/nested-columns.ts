import type pl from 'nodejs-polars'
import { FormatError } from '../errors/pf-error.js'
import type { FormatName } from './storage-format.js'

const NESTED = new Set(['List', 'FixedSizeList', 'Struct', 'Object'])

/** Throws a FormatError naming the first column whose dtype a flat text format cannot store. */
export function assertFlatColumns(df: pl.DataFrame, format: FormatName, path: string): void {
  for (const column of df.columns) {
    const dtype = df.getColumn(column).dtype
    if (NESTED.has(dtype.variant)) {
      throw new FormatError(
        `Cannot write column "${column}" (${dtype.variant}) to ${path}: ${format} stores flat values only. Use parquet, ipc or avro.`,
      )
    }
  }
}
