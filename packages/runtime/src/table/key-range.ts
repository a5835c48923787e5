import type { FieldIR } from '../schema/schema-ir.js'
import { type Range, rangeTag, type StatKind, type StatValue, statKind, toComparable } from './file-stats.js'
import type { AddAction, TableMetadata } from './log-entry.js'

/**
 * Each file's key range once known, with the key it is of (its `rangeTag`: column and kind). A range is handed
 * back only for the same key: ranges of other columns are learnt for the same files (a unique check's, an equality
 * filter's: LiveFileMap.mayHoldValue), and one taken for the key's would make key lookups skip files holding keys.
 */
const ranges = new WeakMap<AddAction, { readonly tag: string; readonly range: Range | null }>()

/** A table's key range column: the column, how its values compare, and its `rangeTag`. */
export interface KeyRangeColumn {
  readonly column: string
  readonly kind: StatKind
  readonly tag: string
}

/** Each metadata's key range column, found once (the entity's fields are searched). */
const keyColumns = new WeakMap<TableMetadata, KeyRangeColumn | null>()

/** The statistics column of a table's key range (its leading primary-key column) and how its values compare. */
export function keyRangeColumn(metadata: TableMetadata): KeyRangeColumn | undefined {
  const known = keyColumns.get(metadata)
  if (known !== undefined) return known ?? undefined
  const column = metadata.primaryKey[0]
  const field: FieldIR | undefined = metadata.entity.fields.find((f) => f.column === column)
  const kind = field && statKind(field)
  const key = kind && column !== undefined ? { column, kind, tag: rangeTag(column, kind) } : undefined
  keyColumns.set(metadata, key ?? null)
  return key
}

/** The parsed min/max of a file's leading primary-key column (cached per add action and key). */
export function keyRangeOf(add: AddAction, metadata: TableMetadata): Range | undefined {
  const key = keyRangeColumn(metadata)
  if (!key) return undefined
  const { tag } = key
  const cached = ranges.get(add)
  if (cached?.tag === tag) return cached.range ?? undefined
  const stats = add.stats.columns[key.column]
  const range = stats ? keyRangeOfValues(stats.min, stats.max, key.kind) : undefined
  ranges.set(add, { tag, range: range ?? null })
  return range
}

/**
 * Records a file's range of the key `tag` (its `KeyRangeColumn.tag`) read elsewhere (a cache file's key range columns):
 * keyRangeOf then parses no statistics for that key.
 */
export function rememberKeyRange(add: AddAction, tag: string, range: Range): void {
  if (!ranges.has(add)) ranges.set(add, { tag, range })
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
