import { type Range, rangeOf, statKind } from './file-stats.js'
import type { AddAction, TableMetadata } from './log-entry.js'

const ranges = new WeakMap<AddAction, Range | null>()

/** The parsed min/max of a file's leading primary-key column (cached per add action). */
export function keyRangeOf(add: AddAction, metadata: TableMetadata): Range | undefined {
  const cached = ranges.get(add)
  if (cached !== undefined) return cached ?? undefined
  const column = metadata.primaryKey[0]
  const field = metadata.entity.fields.find((f) => f.column === column)
  const range = field && column !== undefined ? rangeOf(add.stats, column, statKind(field)) : undefined
  ranges.set(add, range ?? null)
  return range
}
