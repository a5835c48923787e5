import type { FieldIR } from '../schema/schema-ir.js'
import { type Range, type StatKind, type StatValue, statKind, toComparable } from './file-stats.js'
import type { AddAction, TableMetadata } from './log-entry.js'

const ranges = new WeakMap<AddAction, Range | null>()

/** The statistics column of a table's key range (its leading primary-key column) and how its values compare. */
export function keyRangeColumn(metadata: TableMetadata): { column: string; kind: StatKind } | undefined {
  const column = metadata.primaryKey[0]
  const field: FieldIR | undefined = metadata.entity.fields.find((f) => f.column === column)
  return field && column !== undefined ? { column, kind: statKind(field) } : undefined
}

/** The parsed min/max of a file's leading primary-key column (cached per add action). */
export function keyRangeOf(add: AddAction, metadata: TableMetadata): Range | undefined {
  const cached = ranges.get(add)
  if (cached !== undefined) return cached ?? undefined
  const key = keyRangeColumn(metadata)
  const stats = key && add.stats.columns[key.column]
  const range = key && stats ? keyRangeOfValues(stats.min, stats.max, key.kind) : undefined
  ranges.set(add, range ?? null)
  return range
}

/** Records a file's key range read elsewhere (a cache file's key range columns): keyRangeOf then parses no statistics. */
export function rememberKeyRange(add: AddAction, range: Range): void {
  if (!ranges.has(add)) ranges.set(add, range)
}

/** A key range from a file's recorded min and max (either missing, or a kind without order: none, the file may hold any key). */
export function keyRangeOfValues(
  min: StatValue | null | undefined,
  max: StatValue | null | undefined,
  kind: StatKind,
): Range | undefined {
  if (min === undefined || min === null || max === undefined || max === null || kind === 'none')
    return undefined
  return { min: toComparable(kind, min), max: toComparable(kind, max) }
}
