import type { EntityIR } from '../schema/schema-ir.js'
import { type ColumnStats, type FileStats, type StatValue, statKind } from './file-stats.js'
import type { SmallColumnRange } from './small-parquet-writer.js'

/** A range bound as the log stores it (see StatValue); undefined when it is no usable bound (±Infinity). */
function statValue(value: SmallColumnRange['min']): StatValue | undefined {
  if (typeof value === 'bigint') return String(value)
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.length).toString('utf8')
  return undefined
}

/**
 * The add action's statistics of a small file from the ranges its writer computed from the JS values
 * (small-parquet-writer.ts): the same numbers `computeFileStats` reads from a polars-written file of those rows.
 * `entity` is the entity as stored (ranges are keyed by stored column).
 */
export function smallFileStats(
  entity: EntityIR,
  rows: number,
  ranges: ReadonlyMap<string, SmallColumnRange>,
): FileStats {
  const columns: Record<string, ColumnStats> = {}
  for (const field of entity.fields) {
    const range = ranges.get(field.column)
    const nullCount = range?.nullCount ?? rows
    columns[field.column] = { nullCount }
    if (!range || statKind(field) === 'none' || nullCount === rows) continue
    const min = statValue(range.min)
    const max = statValue(range.max)
    if (min !== undefined && max !== undefined) columns[field.column] = { nullCount, min, max }
  }
  return { numRows: rows, columns }
}
