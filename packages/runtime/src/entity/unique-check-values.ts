import type { FieldIR } from '../schema/schema-ir.js'
import { isIndexableField } from '../secondary-index/index-group.js'
import type { ColumnPredicate, PredicateValue } from '../table/scan-predicate.js'

/** One row of a batch whose unique group holds no null (a null never clashes): its index and the group's values. */
export interface UniqueGroupRow {
  readonly row: number
  /** The group's field values, as the entity holds them (BigInt fields as bigint). */
  readonly values: readonly unknown[]
}

/**
 * The rows of a batch of entities that hold a value in every field of a unique group, straight from the JS values
 * (the small-batch check builds no frame). The values must be valid for their fields (see `smallRows`).
 */
export function uniqueGroupRows(fields: readonly FieldIR[], rows: readonly object[]): UniqueGroupRow[] {
  const out: UniqueGroupRow[] = []
  rows.forEach((entity, row) => {
    const record = entity as Record<string, unknown>
    const values: unknown[] = []
    for (const f of fields) {
      const v = record[f.name]
      if (v === null || v === undefined) return
      // As the frame holds a BigInt field: a safe integer number the user gave is the same value.
      values.push(
        f.type.kind === 'scalar' && f.type.name === 'BigInt' && typeof v === 'number' ? BigInt(v) : v,
      )
    }
    out.push({ row, values })
  })
  return out
}

/**
 * For batches up to `maxValues` rows: `in` predicates on the unique columns of exactly encoded types (the index's),
 * so files whose statistics exclude the values are skipped. `valuesOf` gives a column's values, one per row; the
 * frame path and the small-batch path both prune by this rule.
 */
export function uniquePruning(
  fields: readonly FieldIR[],
  height: number,
  valuesOf: (field: FieldIR, index: number) => ArrayLike<unknown>,
  maxValues: number,
): ColumnPredicate[] {
  if (height > maxValues) return []
  const out: ColumnPredicate[] = []
  fields.forEach((f, i) => {
    if (!isIndexableField(f)) return
    const values = [...new Set(Array.from(valuesOf(f, i)))] as PredicateValue[]
    out.push({ column: f.column, op: 'in', values })
  })
  return out
}

/** The value a UniqueConstraintError names: the field's value, or a composite group's values joined. */
export function clashValue(values: readonly unknown[]): unknown {
  return values.length === 1 ? values[0] : values.map(String).join(', ')
}
