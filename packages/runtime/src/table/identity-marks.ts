import { isIdentityField } from '../delta/delta-identity.js'
import { storedColumnOf } from './column-mapping.js'
import { DeltaFileStats } from './delta-log-entry.js'
import { identityMarkOf } from './identity-columns.js'
import type { AddAction, TableMetadata } from './log-entry.js'
import type { TableState } from './table-state.js'

/**
 * Identity high-water marks at commit time (PROTOCOL.md "Identity Columns": a writer keeps
 * `delta.identity.highWaterMark` at or above every value it wrote, in a metaData action of the same commit).
 */

/** The largest integer statistic of a stored column across files; undefined when no file has one. */
function largest(adds: Iterable<AddAction>, stored: string, metadata: TableMetadata): bigint | undefined {
  let high: bigint | undefined
  for (const add of adds) {
    // Adds planned by a reservation are decoded from the log and typed only once bound.
    if (add.stats instanceof DeltaFileStats) add.stats.bind(metadata)
    const max = add.stats.columns[stored]?.max
    const value =
      typeof max === 'number' && Number.isFinite(max)
        ? BigInt(Math.trunc(max))
        : typeof max === 'string' && /^-?\d+$/.test(max)
          ? BigInt(max)
          : undefined
    if (value !== undefined && (high === undefined || value > high)) high = value
  }
  return high
}

function maxOf(...values: (bigint | undefined)[]): bigint | undefined {
  let high: bigint | undefined
  for (const v of values) if (v !== undefined && (high === undefined || v > high)) high = v
  return high
}

/**
 * The metadata a commit holds: `planned` (a schema change) or none, with each autoincrement field's high-water
 * mark raised to the largest value the commit's files add (explicit values too: other writers generate above the
 * mark). A field without a mark yet (a table from before identity columns, a field that just became
 * autoincrement) starts from the largest value of the live files. Never lowers a mark of the newest version
 * `state` (a planned metadata may predate it). Marks below 1 are not recorded (the next value is then `start`, 1).
 * Undefined when nothing is planned and no mark goes up.
 */
export function committedMetadata(
  planned: TableMetadata | undefined,
  state: TableState,
  add: readonly AddAction[],
): TableMetadata | undefined {
  const base = planned ?? state.metadata
  const identity = base.entity.fields.filter(isIdentityField)
  const columns = new Set(identity.map((f) => f.column))
  const recorded = base.identityHighWaterMarks ?? {}
  const marks: Record<string, string> = {}
  let changed = Object.keys(recorded).some((column) => !columns.has(column))
  for (const field of identity) {
    const before = identityMarkOf(base, field.column)
    const newest = planned ? identityMarkOf(state.metadata, field.column) : undefined
    const stored = storedColumnOf(base, field.column)
    const live =
      before === undefined && newest === undefined ? largest(liveAdds(state), stored, base) : undefined
    const high = maxOf(before, newest, live, largest(add, stored, base))
    if (high !== undefined && high >= 1n) marks[field.column] = String(high)
    if (marks[field.column] !== recorded[field.column]) changed = true
  }
  if (!changed) return planned
  const { identityHighWaterMarks: _m, ...rest } = base
  return Object.keys(marks).length > 0 ? { ...rest, identityHighWaterMarks: marks } : rest
}

function* liveAdds(state: TableState): Iterable<AddAction> {
  for (const file of state.files.values()) yield file.add
}
