import type { FieldIR } from '../schema/schema-ir.js'
import type { LiveFile } from '../table/table-state.js'

/**
 * The value a missing field takes from its `@default`, as the field's runtime type: literals stored in the IR
 * as text become their type (BigInt digits → bigint, Decimal → digit string, DateTime ISO text → Date, Json
 * text → a freshly parsed value, so no two entities share one object). `now` is the current time (today for a
 * Date field), `uuid` a random UUID. Undefined for no default and for `autoincrement` (assigned at commit).
 */
export function defaultValue(field: FieldIR): unknown {
  const d = field.default
  if (!d) return undefined
  switch (d.kind) {
    case 'literal':
      return literalDefault(field, d.value)
    case 'now':
      return field.type.kind === 'scalar' && field.type.name === 'Date'
        ? new Date().toISOString().slice(0, 10)
        : new Date()
    case 'uuid':
      return crypto.randomUUID()
    case 'autoincrement':
      return undefined
  }
}

function literalDefault(field: FieldIR, value: string | number | boolean | null): unknown {
  if (value === null || field.type.kind !== 'scalar') return value
  switch (field.type.name) {
    case 'Int':
    case 'Float':
      return typeof value === 'string' ? Number(value) : value
    case 'BigInt':
      return typeof value === 'string' || typeof value === 'number' ? BigInt(value) : value
    case 'Decimal':
      return typeof value === 'number' ? String(value) : value
    case 'DateTime':
      return typeof value === 'string' || typeof value === 'number' ? new Date(value) : value
    case 'Json':
      if (typeof value !== 'string') return value
      try {
        return JSON.parse(value)
      } catch {
        throw new Error(`${field.name}: the default is not JSON text: ${JSON.stringify(value)}`)
      }
    default:
      return value
  }
}

/** Fields whose values come from `@default(autoincrement())`. */
export function autoincrementFields(fields: readonly FieldIR[]): FieldIR[] {
  return fields.filter((f) => f.default?.kind === 'autoincrement')
}

/** Entities of a write whose autoincrement field was missing (they get a value inside the commit). */
export interface PendingAuto<T> {
  readonly field: FieldIR
  readonly entities: T[]
}

/**
 * The largest value of an integer column across live files, from their statistics (no data file is read),
 * or 0n when there is none. Statistics count rows deleted by key since (merge-on-read) until compaction.
 */
export function storedMax(files: readonly LiveFile[], column: string): bigint {
  let max = 0n
  for (const f of files) {
    const m = f.add.stats.columns[column]?.max
    if (m === undefined) continue
    const v = BigInt(typeof m === 'number' ? Math.trunc(m) : m)
    if (v > max) max = v
  }
  return max
}

/** The stored maximum of each autoincrement field (by field name), for raising the high-water marks. */
export function storedMaxes(fields: readonly FieldIR[], files: readonly LiveFile[]): Map<string, bigint> {
  return new Map(fields.map((f) => [f.name, storedMax(files, f.column)]))
}

/**
 * Gives every pending entity the next value: above the field's high-water mark (the largest value it ever held,
 * see autoincrement-marks.ts), above the stored maximum and above every value the batch holds explicitly, in
 * batch order. Call it while holding the table's write lock, right before the commit. Returns the new marks:
 * the largest value of each field after the batch.
 */
export function assignAutoValues<T extends object>(
  pending: readonly PendingAuto<T>[],
  batch: readonly T[],
  files: readonly LiveFile[],
  marks: ReadonlyMap<string, bigint> = new Map(),
): Map<string, bigint> {
  const highest = new Map<string, bigint>()
  for (const { field, entities } of pending) {
    let next = storedMax(files, field.column)
    const mark = marks.get(field.name) ?? 0n
    if (mark > next) next = mark
    for (const e of batch) {
      const v = (e as Record<string, unknown>)[field.name]
      if ((typeof v === 'number' || typeof v === 'bigint') && BigInt(v) > next) next = BigInt(v)
    }
    const asBigInt = field.type.kind === 'scalar' && field.type.name === 'BigInt'
    for (const e of entities) {
      next++
      ;(e as Record<string, unknown>)[field.name] = asBigInt ? next : Number(next)
    }
    highest.set(field.name, next)
  }
  return highest
}

/** Undoes `assignAutoValues` after a failed commit, so a retry gets fresh values. */
export function clearAutoValues<T extends object>(pending: readonly PendingAuto<T>[]): void {
  for (const { field, entities } of pending) {
    for (const e of entities) (e as Record<string, unknown>)[field.name] = undefined
  }
}
