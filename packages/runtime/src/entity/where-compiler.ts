import pl from 'nodejs-polars'
import type { EnumIR, FieldIR, FieldType } from '../schema/schema-ir.js'
import { exactLiteral } from '../table/exact-literal.js'
import { canonicalDecimal, compareDecimal, decimalKey } from './decimal-compare.js'
import { QueryError } from './entity-errors.js'
import { seriesForField } from './entity-frame-codec.js'
import { fieldTypeToString } from './field-type-spec.js'
import { loneSurrogateIndex, loneSurrogateMessage } from './lone-surrogate.js'

/**
 * Compiles a `where` object into one polars expression for the lazy scan (predicate pushdown).
 *
 * Null semantics are those of JavaScript, not SQL: a comparison with a null value is false (never unknown), so
 * `{ age: { gt: 18 } }` skips null ages, and `{ age: { not: 18 } }` / `NOT` include them. `{ age: null }` and
 * `{ age: { isNull: true } }` match nulls; `{ age: { not: null } }` matches the others.
 * Unknown fields and operators, and values of the wrong type, throw QueryError naming `Entity.field`.
 */
export interface WhereContext {
  readonly entity: string
  readonly fields: ReadonlyMap<string, FieldIR>
  readonly enums: ReadonlyMap<string, EnumIR>
}

const OPERATORS = new Set([
  'equals',
  'in',
  'notIn',
  'gt',
  'gte',
  'lt',
  'lte',
  'not',
  'contains',
  'startsWith',
  'endsWith',
  'isNull',
  'has',
  'isEmpty',
])

/**
 * A compiled condition: an expression, or a constant — `true` when the part says nothing about rows (undefined
 * values, `{}` operator objects, `AND: []`), `false` when it matches none (`OR: []`, `NOT: {}`). Constants fold
 * as logic does, so a clause's emptiness is known without looking at any row.
 */
type Condition = pl.Expr | boolean

/**
 * The polars expression for a `where` object; undefined when it has no conditions (it matches every row: a read
 * returns everything, a delete is refused). A clause that can match no row is `lit(false)`.
 */
export function compileWhere(ctx: WhereContext, where: unknown): pl.Expr | undefined {
  const condition = compileClause(ctx, where)
  return condition === true ? undefined : condition === false ? pl.lit(false) : condition
}

function compileClause(ctx: WhereContext, where: unknown): Condition {
  if (where === undefined || where === null) return true
  if (!isPlainObject(where))
    throw new QueryError(`${ctx.entity}: where must be an object, got ${describe(where)}`)
  const parts: Condition[] = []
  for (const [key, value] of Object.entries(where)) {
    if (value === undefined) continue
    if (key === 'AND' || key === 'OR' || key === 'NOT') {
      const list = (Array.isArray(value) ? value : [value]).map((w) => compileClause(ctx, w))
      parts.push(key === 'AND' ? all(list) : key === 'OR' ? any(list) : all(list.map(negate)))
      continue
    }
    const field = ctx.fields.get(key)
    if (!field) {
      throw new QueryError(
        `${ctx.entity}.${key}: unknown field in where. Fields: ${[...ctx.fields.keys()].join(', ')}`,
      )
    }
    parts.push(compileField(ctx, field, value))
  }
  return all(parts)
}

/** The conjunction: true without conditions, false when one part is. */
function all(parts: readonly Condition[]): Condition {
  if (parts.includes(false)) return false
  const exprs = parts.filter((p): p is pl.Expr => typeof p !== 'boolean')
  return exprs.length === 0 ? true : exprs.reduce((a, b) => a.and(b))
}

/** The disjunction: false without conditions, true when one part says nothing (matches every row). */
function any(parts: readonly Condition[]): Condition {
  if (parts.includes(true)) return true
  const exprs = parts.filter((p): p is pl.Expr => typeof p !== 'boolean')
  return exprs.length === 0 ? false : exprs.reduce((a, b) => a.or(b))
}

function negate(part: Condition): Condition {
  return typeof part === 'boolean' ? !part : part.not()
}

function compileField(ctx: WhereContext, field: FieldIR, value: unknown): Condition {
  const col = pl.col(field.column)
  if (value === null) return col.isNull()
  if (!isOperatorObject(value)) return guard(field, equalTo(ctx, field, col, value, 'equals'))
  const parts: Condition[] = []
  for (const [op, operand] of Object.entries(value)) {
    if (operand === undefined) continue
    if (!OPERATORS.has(op)) {
      throw new QueryError(
        `${ctx.entity}.${field.name}: unknown operator '${op}'. Operators: ${[...OPERATORS].join(', ')}`,
      )
    }
    parts.push(compileOperator(ctx, field, col, op, operand))
  }
  return all(parts)
}

function compileOperator(
  ctx: WhereContext,
  field: FieldIR,
  col: pl.Expr,
  op: string,
  operand: unknown,
): Condition {
  const where = `${ctx.entity}.${field.name}`
  switch (op) {
    case 'equals':
      return operand === null ? col.isNull() : guard(field, equalTo(ctx, field, col, operand, op))
    case 'not':
      if (operand === null) return col.isNotNull()
      if (isOperatorObject(operand)) return negate(compileField(ctx, field, operand))
      return guard(field, equalTo(ctx, field, col, operand, op)).not()
    case 'in':
    case 'notIn': {
      if (!Array.isArray(operand))
        throw new QueryError(`${where}: '${op}' expects an array, got ${describe(operand)}`)
      scalarOnly(ctx, field, op)
      const values = operand.filter((v) => v !== null).map((v) => checkValue(ctx, field, v, op))
      let expr = isDecimal(field)
        ? guard(
            field,
            canonicalDecimal(col).isIn(
              pl.lit(
                pl.Series(
                  'in',
                  values.map((v) => decimalKey(v as string).canonical),
                  pl.Utf8,
                ),
              ),
            ),
          )
        : guard(field, col.isIn(pl.lit(seriesForField({ ...field, column: 'in' }, values))))
      if (values.length < operand.length) expr = expr.or(col.isNull())
      return op === 'in' ? expr : expr.not()
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      orderable(ctx, field, op)
      if (isDecimal(field))
        return guard(field, compareDecimal(col, op, checkValue(ctx, field, operand, op) as string))
      const lit = literal(ctx, field, operand, op)
      const cmp =
        op === 'gt' ? col.gt(lit) : op === 'gte' ? col.gtEq(lit) : op === 'lt' ? col.lt(lit) : col.ltEq(lit)
      return guard(field, cmp)
    }
    case 'contains':
    case 'startsWith':
    case 'endsWith': {
      if (!isTextField(field.type)) {
        throw new QueryError(
          `${where}: '${op}' applies to String fields, not ${fieldTypeToString(field.type)}`,
        )
      }
      if (typeof operand !== 'string')
        throw new QueryError(`${where}: '${op}' expects a string, got ${describe(operand)}`)
      wellFormed(ctx, field, operand, op)
      const expr =
        op === 'contains'
          ? col.str.contains(operand, true)
          : op === 'startsWith'
            ? col.str.startsWith(operand)
            : col.str.endsWith(operand)
      return guard(field, expr)
    }
    case 'isNull':
      if (typeof operand !== 'boolean')
        throw new QueryError(`${where}: 'isNull' expects true or false, got ${describe(operand)}`)
      return operand ? col.isNull() : col.isNotNull()
    case 'has': {
      if (field.type.kind !== 'list') throw new QueryError(`${where}: 'has' applies to list fields`)
      const element: FieldIR = { ...field, type: field.type.element, optional: false }
      return guard(field, col.lst.contains(literal(ctx, element, operand, op)))
    }
    case 'isEmpty':
      if (field.type.kind !== 'list') throw new QueryError(`${where}: 'isEmpty' applies to list fields`)
      if (typeof operand !== 'boolean') throw new QueryError(`${where}: 'isEmpty' expects true or false`)
      return guard(field, operand ? col.lst.lengths().eq(0) : col.lst.lengths().gt(0))
    default:
      throw new QueryError(`${where}: unknown operator '${op}'`)
  }
}

function isDecimal(field: FieldIR): boolean {
  return field.type.kind === 'scalar' && field.type.name === 'Decimal'
}

/** `col == value`; Decimal text compares numerically ('10.50' equals '10.5'). */
function equalTo(ctx: WhereContext, field: FieldIR, col: pl.Expr, value: unknown, op: string): pl.Expr {
  if (!isDecimal(field)) return col.eq(literal(ctx, field, value, op))
  const v = checkValue(ctx, field, value, op) as string
  return canonicalDecimal(col).eq(pl.lit(decimalKey(v).canonical))
}

/** Two-valued logic: a comparison on a null value is false, never null. Required fields hold no nulls. */
function guard(field: FieldIR, expr: pl.Expr): pl.Expr {
  return field.optional ? expr.fillNull(false) : expr
}

function scalarOnly(ctx: WhereContext, field: FieldIR, op: string): void {
  if (field.type.kind === 'list')
    throw new QueryError(`${ctx.entity}.${field.name}: '${op}' does not apply to list fields`)
}

function orderable(ctx: WhereContext, field: FieldIR, op: string): void {
  const t = field.type
  const ok =
    t.kind === 'scalar' &&
    ['Int', 'BigInt', 'Float', 'String', 'DateTime', 'Date', 'Decimal'].includes(t.name)
  if (!ok)
    throw new QueryError(`${ctx.entity}.${field.name}: '${op}' does not apply to ${fieldTypeToString(t)}`)
}

function isTextField(type: FieldType): boolean {
  return (
    type.kind === 'enum' || (type.kind === 'scalar' && (type.name === 'String' || type.name === 'Decimal'))
  )
}

const MIN_I64 = -(2n ** 63n)
const MAX_I64 = 2n ** 63n - 1n
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/
const DECIMAL_RE = /^-?\d+(\.\d+)?$/

/** Checks a value against the field type and returns it as an exact polars literal of the column's dtype. */
export function literal(ctx: WhereContext, field: FieldIR, value: unknown, op: string): pl.Expr {
  return exactLiteral(field.type, checkValue(ctx, field, value, op))
}

/**
 * Checks a value against the field type without touching polars (cheap: `in` lists can hold many values);
 * returns it as stored (Int as number, BigInt as bigint). Throws QueryError naming `Entity.field`.
 */
export function checkValue(ctx: WhereContext, field: FieldIR, value: unknown, op: string): unknown {
  const where = `${ctx.entity}.${field.name}`
  const wrong = (expected: string) =>
    new QueryError(`${where}: '${op}' expects ${expected}, got ${describe(value)}`)
  const t = field.type
  if (t.kind === 'list')
    throw new QueryError(`${where}: '${op}' does not apply to list fields (use has / isEmpty)`)
  if (t.kind === 'enum') {
    const values = ctx.enums.get(t.name)?.values ?? []
    if (typeof value !== 'string' || !values.includes(value)) throw wrong(`one of ${values.join(', ')}`)
    return value
  }
  switch (t.name) {
    case 'Int':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return value
      if (
        typeof value === 'bigint' &&
        value <= BigInt(Number.MAX_SAFE_INTEGER) &&
        value >= BigInt(Number.MIN_SAFE_INTEGER)
      ) {
        return Number(value)
      }
      throw wrong('an integer number')
    case 'BigInt':
      if (typeof value === 'bigint' && value >= MIN_I64 && value <= MAX_I64) return value
      if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value)
      throw wrong('a 64-bit bigint')
    case 'Float':
      if (typeof value === 'number') return value
      throw wrong('a number')
    case 'String':
      if (typeof value !== 'string') throw wrong('a string')
      return wellFormed(ctx, field, value, op)
    case 'Decimal':
      if (typeof value === 'string' && DECIMAL_RE.test(value)) return value
      throw wrong("a decimal number string like '10.50'")
    case 'Boolean':
      if (typeof value === 'boolean') return value
      throw wrong('a boolean')
    case 'DateTime':
      if (value instanceof Date && !Number.isNaN(value.getTime())) return value
      throw wrong('a valid Date')
    case 'Date':
      if (typeof value === 'string' && DATE_RE.test(value)) return value
      throw wrong("a 'YYYY-MM-DD' string")
    case 'Json':
    case 'Bytes':
      throw new QueryError(`${where}: ${t.name} fields can only be filtered by null / isNull`)
  }
}

/** The string itself; a lone surrogate is a QueryError (no stored text holds one, and polars would match U+FFFD). */
function wellFormed(ctx: WhereContext, field: FieldIR, value: string, op: string): string {
  if (loneSurrogateIndex(value) < 0) return value
  throw new QueryError(`${ctx.entity}.${field.name}: '${op}' value ${loneSurrogateMessage(value)}`)
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** An operator object (`{ gt: 1 }`), as opposed to a value to compare with (a Date, array or bytes are values). */
function isOperatorObject(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value)
}

/** A short description of a value for messages: its type and, for primitives, the value. */
export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (value === undefined) return 'undefined'
  if (typeof value === 'string') return `string ${JSON.stringify(value)}`
  if (typeof value === 'bigint') return `bigint ${value}n`
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${value}`
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? 'an invalid Date' : `Date ${value.toISOString()}`
  if (Array.isArray(value)) return 'an array'
  if (value instanceof Uint8Array) return 'bytes'
  return typeof value === 'object' ? 'an object' : typeof value
}
