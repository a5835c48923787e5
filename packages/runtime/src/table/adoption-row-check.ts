import pl from 'nodejs-polars'
import type { EntityIR, EnumIR, FieldIR } from '../schema/schema-ir.js'

/**
 * Whether the rows another writer stored keep the rules pf holds its own rows to once it adopts the table: a
 * primary key present and unique, required fields present (their columns may be nullable), lists without null
 * elements (their arrays may allow them), @unique values unique, enum values declared, Int values safe integers, Json
 * values JSON. Pure over the table's rows read by its Delta schema (columns under the fields' column names).
 */

/** The largest integer a pf Int (a JS number) holds exactly. */
const MAX_INT = Number.MAX_SAFE_INTEGER

/** Up to three sample values of a frame's column, as text for a message. */
function samples(df: pl.DataFrame, column: string): string {
  const values = df.getColumn(column).head(3).toArray() as unknown[]
  return values.map((v) => JSON.stringify(typeof v === 'bigint' ? v.toString() : v)).join(', ')
}

function duplicateProblems(entity: EntityIR, rows: pl.DataFrame, fields: readonly FieldIR[], what: string) {
  const columns = fields.map((f) => f.column)
  const present = rows.select(...columns).dropNulls()
  const groups = present.groupBy(columns).len()
  const repeated = groups.filter(pl.col(groups.columns[groups.columns.length - 1] ?? 'len').gt(1))
  if (repeated.height === 0) return []
  const names = fields.map((f) => `${entity.name}.${f.name}`).join(', ')
  return [
    `${names}: ${repeated.height} ${what} value(s) stored more than once (${samples(repeated, columns[0] ?? '')})`,
  ]
}

/** One line per rule the stored rows break, naming `Entity.field` and sample values; empty when they keep all. */
export function adoptionRowProblems(
  entity: EntityIR,
  enums: readonly EnumIR[],
  rows: pl.DataFrame,
): string[] {
  const problems: string[] = []
  const byName = new Map(entity.fields.map((f) => [f.name, f]))
  const fieldsOf = (names: readonly string[]) =>
    names.flatMap((n) => {
      const field = byName.get(n)
      return field ? [field] : []
    })
  const key = fieldsOf(entity.primaryKey)
  for (const field of key) {
    const nulls = rows.getColumn(field.column).nullCount()
    if (nulls > 0) problems.push(`${entity.name}.${field.name}: ${nulls} stored row(s) have no primary key`)
  }
  problems.push(...duplicateProblems(entity, rows, key, 'primary key'))
  // Required fields over columns the table keeps nullable (Spark's default): pf reads no null into them.
  for (const field of entity.fields) {
    if (field.optional || field.isId || entity.primaryKey.includes(field.name)) continue
    const nulls = rows.getColumn(field.column).nullCount()
    if (nulls > 0)
      problems.push(`${entity.name}.${field.name}: ${nulls} stored row(s) hold null, the field is required`)
  }
  // Lists over arrays the table keeps `containsNull: true` (Spark's default): a pf list holds no null element.
  for (const field of entity.fields) {
    if (field.type.kind !== 'list') continue
    const lists = rows
      .select(pl.col(field.column).alias('list'))
      .withRowIndex('row')
      .filter(pl.col('list').isNotNull().and(pl.col('list').lst.lengths().gt(0)))
    const holding = lists.explode('list').filter(pl.col('list').isNull()).select('row').unique().height
    if (holding > 0)
      problems.push(
        `${entity.name}.${field.name}: ${holding} stored list(s) hold a null element, a list holds none`,
      )
  }
  for (const field of entity.fields)
    if (field.unique && !field.isId) problems.push(...duplicateProblems(entity, rows, [field], '@unique'))
  for (const unique of entity.uniques)
    problems.push(...duplicateProblems(entity, rows, fieldsOf(unique), '@@unique'))
  const enumValues = new Map(enums.map((e) => [e.name, e.values]))
  for (const field of entity.fields) {
    const at = `${entity.name}.${field.name}`
    const type = field.type.kind === 'list' ? field.type.element : field.type
    const col = field.type.kind === 'list' ? pl.col(field.column).explode() : pl.col(field.column)
    const values = rows.select(col.alias('value')).dropNulls()
    if (type.kind === 'enum') {
      const allowed = enumValues.get(type.name) ?? []
      const bad = values.filter(pl.col('value').isIn(allowed).not())
      if (bad.height > 0)
        problems.push(
          `${at}: ${bad.height} stored value(s) are not values of enum ${type.name} (${samples(bad, 'value')})`,
        )
    } else if (type.kind === 'scalar' && type.name === 'Int') {
      const bad = values.filter(pl.col('value').gt(MAX_INT).or(pl.col('value').lt(-MAX_INT)))
      if (bad.height > 0)
        problems.push(
          `${at}: ${bad.height} stored value(s) are beyond ±2^53 - 1, which an Int holds exactly (${samples(bad, 'value')})`,
        )
    } else if (type.kind === 'scalar' && type.name === 'Json') {
      const bad = (values.getColumn('value').toArray() as string[]).filter((text) => {
        try {
          JSON.parse(text)
          return false
        } catch {
          return true
        }
      })
      if (bad.length > 0)
        problems.push(
          `${at}: ${bad.length} stored value(s) are not JSON text (${bad
            .slice(0, 3)
            .map((v) => JSON.stringify(v))
            .join(', ')})`,
        )
    }
  }
  return problems
}
