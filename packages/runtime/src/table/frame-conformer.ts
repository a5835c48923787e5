import type { DataType } from 'nodejs-polars'
import pl from 'nodejs-polars'
import { sameDtype } from '../format/same-dtype.js'
import type { EntityIR, EnumIR, FieldIR, FieldType } from '../schema/schema-ir.js'
import { polarsTypeForField } from './polars-schema.js'
import { TableSchemaError } from './table-errors.js'

const INTEGER_VARIANTS = new Set(['Int8', 'Int16', 'Int32', 'Int64', 'UInt8', 'UInt16', 'UInt32', 'UInt64'])
const FLOAT_VARIANTS = new Set(['Float32', 'Float64'])
const STRING_VARIANTS = new Set(['Utf8', 'String', 'Categorical'])

function typeLabel(type: FieldType): string {
  if (type.kind === 'list') return `${typeLabel(type.element)}[]`
  return type.name
}

/** Whether a column of dtype `from` may be cast to the field's type without losing meaning. */
function castable(from: DataType, type: FieldType): boolean {
  const v = from.variant
  if (v === 'Null') return true
  if (type.kind === 'list') return v === 'List'
  if (type.kind === 'enum') return STRING_VARIANTS.has(v)
  switch (type.name) {
    case 'Int':
    case 'BigInt':
      return INTEGER_VARIANTS.has(v) || FLOAT_VARIANTS.has(v)
    case 'Float':
      return INTEGER_VARIANTS.has(v) || FLOAT_VARIANTS.has(v)
    case 'Boolean':
      return v === 'Bool'
    case 'DateTime':
      return v === 'Datetime' || v === 'Date'
    case 'Date':
      return v === 'Date' || v === 'Datetime' || STRING_VARIANTS.has(v)
    default:
      return STRING_VARIANTS.has(v)
  }
}

/** Casts one column to the field's type; Series operations, except for time-zone handling. */
function castSeries(df: pl.DataFrame, field: FieldIR, from: DataType): pl.Series {
  const series = df.getColumn(field.column)
  const target = polarsTypeForField(field.type)
  if (field.type.kind === 'scalar' && field.type.name === 'Date' && STRING_VARIANTS.has(from.variant)) {
    return series.str.strptime(pl.Date, '%Y-%m-%d').alias(field.column)
  }
  if (field.type.kind === 'scalar' && field.type.name === 'DateTime' && from.variant === 'Datetime') {
    // Naive datetimes are taken as UTC; zoned ones are converted.
    const col = pl.col(field.column)
    const zoned = String(from).includes(',)') ? col.dt.replaceTimeZone('UTC') : col.dt.convertTimeZone('UTC')
    return df.select(zoned.cast(target).alias(field.column)).getColumn(field.column)
  }
  return series.cast(target, true).alias(field.column)
}

/**
 * Casts and validates a frame against the table's schema: every field's column
 * present (optional ones may be missing and become null), no unknown columns,
 * types castable without loss (a float column holding 1.5 is not an Int),
 * no nulls in required fields, enum values known. Returns the frame in schema
 * column order. Throws TableSchemaError naming the table and column.
 */
export function conformFrame(
  df: pl.DataFrame,
  entity: EntityIR,
  enums: readonly EnumIR[],
  table: string,
): pl.DataFrame {
  const columns = new Set(df.columns)
  const known = new Set(entity.fields.map((f) => f.column))
  for (const c of df.columns) {
    if (!known.has(c)) throw new TableSchemaError(table, c, 'unknown column (not a field of the entity)')
  }
  const frameDtypes = df.dtypes
  const dtypes = new Map(df.columns.map((c, i) => [c, frameDtypes[i] as DataType]))
  const out: (pl.Series | undefined)[] = []
  let unchanged = df.width === entity.fields.length
  for (const [i, field] of entity.fields.entries()) {
    const target = polarsTypeForField(field.type)
    if (!columns.has(field.column)) {
      if (!field.optional) throw new TableSchemaError(table, field.column, 'required column is missing')
      out.push(pl.Series(field.column, new Array<null>(df.height).fill(null), pl.Utf8).cast(target))
      unchanged = false
      continue
    }
    const from = dtypes.get(field.column) as DataType
    if (sameDtype(from, target)) {
      if (df.columns[i] !== field.column) unchanged = false
      // Series are only materialised when the frame must be rebuilt (they are costly to wrap).
      out.push(unchanged ? undefined : df.getColumn(field.column))
      continue
    }
    if (!castable(from, field.type)) {
      throw new TableSchemaError(
        table,
        field.column,
        `expected ${typeLabel(field.type)} (${target}), got ${from}`,
      )
    }
    if (
      field.type.kind === 'scalar' &&
      (field.type.name === 'Int' || field.type.name === 'BigInt') &&
      FLOAT_VARIANTS.has(from.variant)
    ) {
      const s = df.getColumn(field.column)
      if (Number(s.sub(s.floor()).abs().max() ?? 0) !== 0) {
        throw new TableSchemaError(
          table,
          field.column,
          `expected ${typeLabel(field.type)}, got non-integer numbers`,
        )
      }
    }
    try {
      out.push(castSeries(df, field, from))
    } catch (error) {
      throw new TableSchemaError(
        table,
        field.column,
        `cannot cast ${from} to ${typeLabel(field.type)}: ${(error as Error).message}`,
      )
    }
    unchanged = false
  }
  const result = unchanged
    ? df
    : pl.DataFrame(out.map((series, i) => series ?? df.getColumn((entity.fields[i] as FieldIR).column)))
  const sourceNulls = df.height === 0 ? {} : ((df.nullCount().toRecords()[0] ?? {}) as Record<string, number>)
  const resultNulls =
    result === df ? sourceNulls : ((result.nullCount().toRecords()[0] ?? {}) as Record<string, number>)
  for (const field of entity.fields) {
    const nulls = Number(resultNulls[field.column] ?? 0)
    const before = columns.has(field.column) ? Number(sourceNulls[field.column] ?? 0) : result.height
    if (nulls > before) {
      throw new TableSchemaError(
        table,
        field.column,
        `${nulls - before} value(s) cannot be cast to ${typeLabel(field.type)}`,
      )
    }
    if (!field.optional && nulls > 0) {
      throw new TableSchemaError(table, field.column, `${nulls} null value(s) in a required field`)
    }
    if (field.type.kind === 'enum') {
      const name = field.type.name
      const values = enums.find((e) => e.name === name)?.values
      if (values) {
        const allowed = new Set(values)
        const distinct = result.select(field.column).unique().toRecords() as Record<string, string | null>[]
        const unknown = distinct.map((r) => r[field.column]).filter((v) => v != null && !allowed.has(v))
        if (unknown.length > 0) {
          throw new TableSchemaError(
            table,
            field.column,
            `value "${unknown[0]}" is not in enum ${name} (${values.join(', ')})`,
          )
        }
      }
    }
  }
  return result
}
