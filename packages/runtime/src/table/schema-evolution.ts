import { isIdentityField } from '../delta/delta-identity.js'
import type { DefaultValue, EntityIR, EnumIR, FieldIR } from '../schema/schema-ir.js'
import { ColumnMapping, newPhysicalName } from './column-mapping.js'
import type { ColumnMappingEntry, FillValue, TableMetadata } from './log-entry.js'
import type { SchemaChangeOptions } from './schema-change-plan.js'
import { TableSchemaError } from './table-errors.js'

/**
 * The metadata of a table after a schema change (pure but for new physical names; call after
 * `planSchemaChanges` found nothing incompatible). Fields keep reading their stored columns. A rename that
 * changes a field's column, or a drop, turns on Delta column mapping (name mode) if the table lacks it: every
 * existing field gets an id and keeps its stored column as physical name (PROTOCOL.md "Column Mapping"), a
 * renamed field keeps its entry under its new column, a dropped field's entry goes with it, and an added field
 * gets the next id and a fresh `col_<uuid>` physical name, so no later field can read a dropped field's data.
 * Without column mapping an added field is stored under its column. Added fields with a value for existing rows
 * (see `defaultFillsRows`; `now()` is the time of the change) list it in `fillValues`, which the rewrite of the
 * files lacking them materialises. Identity high-water marks follow their fields (`identityMarksKept`). The
 * format stays the table's.
 */
export function evolveMetadata(
  metadata: TableMetadata,
  entity: EntityIR,
  enums: readonly EnumIR[],
  options: SchemaChangeOptions,
  now: Date,
): TableMetadata {
  const mapping = new ColumnMapping(metadata)
  const storedFields = metadata.entity.fields
  const renamed = new Map<string, string>()
  for (const [from, to] of Object.entries(options.renames ?? {})) {
    const old = storedFields.find((f) => f.name === from)
    const field = entity.fields.find((f) => f.name === to)
    if (old && field && old.column !== field.column) renamed.set(field.column, old.column)
  }
  const renamedAway = new Set(renamed.values())
  const matchOf = (field: FieldIR): FieldIR | undefined => {
    const from = renamed.get(field.column)
    if (from !== undefined) return storedFields.find((f) => f.column === from)
    return renamedAway.has(field.column) ? undefined : storedFields.find((f) => f.column === field.column)
  }
  const kept = new Map<FieldIR, FieldIR>()
  const added: FieldIR[] = []
  for (const field of entity.fields) {
    const old = matchOf(field)
    if (old) kept.set(field, old)
    else added.push(field)
  }
  const keptOld = new Set([...kept.values()].map((f) => f.column))
  const drops = storedFields.some((f) => !keptOld.has(f.column))
  const renamesColumn = [...kept].some(([field, old]) => field.column !== old.column)
  const legacy = metadata.physicalColumns !== undefined || metadata.retiredColumns !== undefined
  const mapped = metadata.columnMapping !== undefined || drops || renamesColumn || legacy
  // Enabling on an existing table: ids in field order, physical names as stored now.
  const existing = metadata.columnMapping ?? {
    maxColumnId: storedFields.length,
    columns: Object.fromEntries(
      storedFields.map((f, i) => [f.column, { id: i + 1, physicalName: mapping.stored(f.column) }]),
    ),
  }
  let maxColumnId = existing.maxColumnId
  const columns: Record<string, ColumnMappingEntry> = {}
  const fills: Record<string, FillValue> = {}
  for (const [field, old] of kept) {
    const stored = mapping.stored(old.column)
    columns[field.column] = existing.columns[old.column] ?? { id: ++maxColumnId, physicalName: stored }
    const fill = metadata.fillValues?.[stored]
    if (fill !== undefined) fills[stored] = fill
  }
  for (const field of added) {
    const stored = mapped ? newPhysicalName() : field.column
    columns[field.column] = { id: ++maxColumnId, physicalName: stored }
    const fill = fillValueOf(field, field.default, now, entity.name)
    if (fill !== undefined) fills[stored] = fill
  }
  const columnOf = (name: string): string => entity.fields.find((f) => f.name === name)?.column ?? name
  const marks = identityMarksKept(metadata, kept)
  // Text-stored fields keep their files' text under their new names until a rewrite of every file.
  const textStored = [...kept]
    .filter(([, old]) => metadata.textStoredFields?.includes(old.name))
    .map(([field]) => field.name)
  // An adopted table's narrow and nullable columns stay so under their fields' new names (kept-column-shapes.ts).
  const narrow = Object.fromEntries(
    [...kept].flatMap(([field, old]) => {
      const type = metadata.narrowStoredFields?.[old.name]
      return type === undefined ? [] : [[field.name, type] as const]
    }),
  )
  const nullable = [...kept]
    .filter(([, old]) => metadata.nullableStoredFields?.includes(old.name))
    .map(([field]) => field.name)
  const nullElements = [...kept]
    .filter(([, old]) => metadata.nullElementsStoredFields?.includes(old.name))
    .map(([field]) => field.name)
  const {
    physicalColumns: _p,
    retiredColumns: _r,
    fillValues: _f,
    columnMapping: _m,
    identityHighWaterMarks: _i,
    textStoredFields: _t,
    narrowStoredFields: _n,
    nullableStoredFields: _o,
    nullElementsStoredFields: _e,
    ...rest
  } = metadata
  return {
    ...rest,
    entity: { ...entity, format: metadata.format },
    enums,
    primaryKey: entity.primaryKey.map(columnOf),
    ...(mapped ? { columnMapping: { maxColumnId, columns } } : {}),
    ...(Object.keys(fills).length > 0 ? { fillValues: fills } : {}),
    ...(Object.keys(marks).length > 0 ? { identityHighWaterMarks: marks } : {}),
    ...(textStored.length > 0 ? { textStoredFields: textStored } : {}),
    ...(Object.keys(narrow).length > 0 ? { narrowStoredFields: narrow } : {}),
    ...(nullable.length > 0 ? { nullableStoredFields: nullable } : {}),
    ...(nullElements.length > 0 ? { nullElementsStoredFields: nullElements } : {}),
  }
}

/**
 * The identity high-water marks after a schema change: a kept field that stays autoincrement keeps its mark under
 * its (new) column; a field that stops being autoincrement loses it (its column is no identity column any more).
 * A field that becomes autoincrement gets its first mark from the live files when the change commits
 * (identity-marks.ts).
 */
function identityMarksKept(
  metadata: TableMetadata,
  kept: ReadonlyMap<FieldIR, FieldIR>,
): Record<string, string> {
  const marks: Record<string, string> = {}
  for (const [field, old] of kept) {
    const mark = metadata.identityHighWaterMarks?.[old.column]
    if (mark !== undefined && isIdentityField(field) && isIdentityField(old)) marks[field.column] = mark
  }
  return marks
}

/**
 * Whether a field added with this default gives existing rows a value (a literal, or `now()` on a Date or
 * DateTime field); uuid() and autoincrement() values are generated for new rows only.
 */
export function defaultFillsRows(field: FieldIR): boolean {
  const value = field.default
  if (!value) return false
  if (value.kind === 'now') {
    const type = field.type
    return type.kind === 'scalar' && (type.name === 'DateTime' || type.name === 'Date')
  }
  return value.kind === 'literal' && value.value !== null
}

/**
 * The value rows written before a field existed read for it: its literal default, or
 * for `now()` the given time; undefined (null) for no default and generated ones.
 */
export function fillValueOf(
  field: FieldIR,
  value: DefaultValue | undefined,
  now: Date,
  table: string,
): FillValue | undefined {
  if (!value) return undefined
  const type = field.type
  const scalar = type.kind === 'scalar' ? type.name : undefined
  if (value.kind === 'now') {
    if (scalar === 'DateTime') return String(BigInt(now.getTime()) * 1000n)
    if (scalar === 'Date') return now.toISOString().slice(0, 10)
    return undefined
  }
  if (value.kind !== 'literal' || value.value === null) return undefined
  const v = value.value
  const bad = (why: string) =>
    new TableSchemaError(table, field.column, `default ${JSON.stringify(v)} ${why}`)
  switch (scalar) {
    case 'Int':
    case 'BigInt':
      if (typeof v === 'boolean' || !/^-?\d+$/.test(String(v))) throw bad('is not an integer')
      return String(BigInt(v))
    case 'Float':
      if (typeof v === 'boolean' || Number.isNaN(Number(v))) throw bad('is not a number')
      return Number(v)
    case 'Boolean':
      return v === true || v === 'true'
    case 'DateTime': {
      const ms = typeof v === 'number' ? v : Date.parse(String(v))
      if (Number.isNaN(ms)) throw bad('is not a date-time')
      return String(BigInt(Math.trunc(ms)) * 1000n)
    }
    case 'Date':
      if (!/^\d{4}-\d{2}-\d{2}$/.test(String(v))) throw bad('is not a YYYY-MM-DD date')
      return String(v)
    default:
      return typeof v === 'string' ? v : JSON.stringify(v)
  }
}

/**
 * The metadata a rewrite of every live file commits: the files it writes hold every field, so no fill value
 * (`fillValues`, pf's alone: Delta readers see null for it) is needed any more, and Decimal/Bytes fields of an
 * Avro table stored as text before bytes storage (`textStoredFields`) are stored as Avro bytes from then on.
 */
export function withFillsMaterialised(metadata: TableMetadata): TableMetadata {
  const { fillValues: _f, textStoredFields: _t, ...rest } = metadata
  return rest
}
