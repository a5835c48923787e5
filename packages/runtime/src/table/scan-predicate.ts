import pl from 'nodejs-polars'
import type { FieldIR } from '../schema/schema-ir.js'
import { epochDays, exactLiteral } from './exact-literal.js'
import { type Comparable, compare, rangeOf, type StatKind, statKind } from './file-stats.js'
import type { AddAction } from './log-entry.js'

/** A value in a scan predicate: Date for DateTime/Date columns ('YYYY-MM-DD' strings for Date too). */
export type PredicateValue = string | number | bigint | boolean | Date

/**
 * A simple condition on one column, used both to skip files by their statistics
 * and as a row filter. A list of them is ANDed.
 */
export type ColumnPredicate =
  | { readonly column: string; readonly op: '=' | '<' | '<=' | '>' | '>='; readonly value: PredicateValue }
  | { readonly column: string; readonly op: 'in'; readonly values: readonly PredicateValue[] }
  | { readonly column: string; readonly op: 'isNull' | 'isNotNull' }

function isType(field: FieldIR, name: string): boolean {
  return field.type.kind === 'scalar' && field.type.name === name
}

/** Days since the epoch of a Date column's predicate value (a number is taken as days already). */
function days(value: PredicateValue): number | undefined {
  return typeof value === 'number' ? value : epochDays(value)
}

/** The value as compared with the column's statistics; undefined when it cannot prune. */
function comparable(field: FieldIR, value: PredicateValue): Comparable | undefined {
  switch (statKind(field)) {
    case 'int':
      if (value instanceof Date)
        return isType(field, 'DateTime') ? BigInt(value.getTime()) * 1000n : undefined
      if (typeof value === 'bigint') return value
      if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value)
      return undefined
    case 'float':
      if (isType(field, 'Date')) return days(value)
      // NaN orders above every number in polars but takes no part in min/max statistics: it never prunes.
      return typeof value === 'number' && !Number.isNaN(value) ? value : undefined
    case 'string':
      return typeof value === 'string' ? value : undefined
    default:
      return undefined
  }
}

/**
 * The values an equality (`=` or `in`) predicate of `predicates` looks up, as statistics compare them, for finding
 * the files that may match without asking every file (LiveFileMap.mayHold): the first such predicate whose values
 * all compare. Undefined when there is none (every file is asked, `fileMayMatch`).
 */
export function equalityLookup(
  fields: ReadonlyMap<string, FieldIR>,
  predicates: readonly ColumnPredicate[],
): { column: string; kind: StatKind; values: Comparable[] } | undefined {
  for (const p of predicates) {
    if (p.op !== '=' && p.op !== 'in') continue
    const field = fields.get(p.column)
    if (!field || statKind(field) === 'none') continue
    const values = (p.op === 'in' ? p.values : [p.value]).map((v) => comparable(field, v))
    if (values.every((v) => v !== undefined)) return { column: p.column, kind: statKind(field), values }
  }
  return undefined
}

/** Whether a file may hold rows matching every predicate, judged by its statistics. */
export function fileMayMatch(
  add: AddAction,
  fields: ReadonlyMap<string, FieldIR>,
  predicates: readonly ColumnPredicate[],
): boolean {
  for (const p of predicates) {
    const field = fields.get(p.column)
    const stats = add.stats.columns[p.column]
    if (!field || !stats) continue
    if (p.op === 'isNull' || p.op === 'isNotNull') {
      if (p.op === 'isNull' ? stats.nullCount === 0 : stats.nullCount === add.stats.numRows) return false
      continue
    }
    const range = rangeOf(add.stats, p.column, statKind(field))
    if (!range) continue
    const inRange = (v: PredicateValue): boolean => {
      const c = comparable(field, v)
      return c === undefined || (compare(c, range.min) >= 0 && compare(c, range.max) <= 0)
    }
    if (p.op === 'in') {
      if (!p.values.some(inRange)) return false
      continue
    }
    if (!('value' in p)) continue
    const c = comparable(field, p.value)
    if (c === undefined) continue
    // A NaN row matches every `>`/`>=` (polars orders NaN last) yet never raises a Float column's max.
    if ((p.op === '>' || p.op === '>=') && isType(field, 'Float')) continue
    const ok =
      p.op === '='
        ? inRange(p.value)
        : p.op === '<'
          ? compare(range.min, c) < 0
          : p.op === '<='
            ? compare(range.min, c) <= 0
            : p.op === '>'
              ? compare(range.max, c) > 0
              : compare(range.max, c) >= 0
    if (!ok) return false
  }
  return true
}

/** The predicates as one polars filter expression (undefined when there are none). */
export function predicateExpr(
  fields: ReadonlyMap<string, FieldIR>,
  predicates: readonly ColumnPredicate[],
): pl.Expr | undefined {
  let out: pl.Expr | undefined
  for (const p of predicates) {
    const field = fields.get(p.column)
    if (!field) throw new Error(`unknown column ${p.column} in a scan predicate`)
    const col = pl.col(field.column)
    let e: pl.Expr
    switch (p.op) {
      case 'isNull':
        e = col.isNull()
        break
      case 'isNotNull':
        e = col.isNotNull()
        break
      case 'in':
        e =
          p.values.length === 0
            ? pl.lit(false)
            : p.values.map((v) => col.eq(exactLiteral(field.type, v))).reduce((a, b) => a.or(b))
        break
      case '=':
        e = col.eq(exactLiteral(field.type, p.value))
        break
      case '<':
        e = col.lt(exactLiteral(field.type, p.value))
        break
      case '<=':
        e = col.lessThanEquals(exactLiteral(field.type, p.value))
        break
      case '>':
        e = col.gt(exactLiteral(field.type, p.value))
        break
      case '>=':
        e = col.greaterThanEquals(exactLiteral(field.type, p.value))
        break
    }
    out = out ? out.and(e) : e
  }
  return out
}
