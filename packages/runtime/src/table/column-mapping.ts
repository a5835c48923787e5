import { randomUUID } from 'node:crypto'
import pl from 'nodejs-polars'
import type { DeltaColumnMappingEntry } from '../delta/delta-schema.js'
import { parseDeltaSchema } from '../delta/delta-schema.js'
import type { EntityIR, FieldIR } from '../schema/schema-ir.js'
import { refuseForeignTable } from './foreign-table-metadata.js'
import type { ColumnMappingMetadata, FillValue, TableMetadata } from './log-entry.js'
import { polarsTypeForField } from './polars-schema.js'

const DAY_MS = 86_400_000

/**
 * How a table's fields map to the columns of its data files. A field renamed by
 * `evolveSchema` keeps reading its old stored column (Delta column mapping, name mode;
 * `physicalColumns` of tables from before it); a field added later reads its fill value
 * (or null) from files written before it existed.
 */
export class ColumnMapping {
  private readonly physical: Readonly<Record<string, string>>
  private readonly fills: Readonly<Record<string, FillValue>>

  constructor(private readonly metadata: TableMetadata) {
    refuseForeignTable(metadata)
    this.physical = physicalColumnsOf(metadata)
    this.fills = metadata.fillValues ?? {}
  }

  /** True when every field is stored under its own column name. */
  get identity(): boolean {
    return Object.keys(this.physical).length === 0
  }

  /** The column name in the data files of a field's column. */
  stored(column: string): string {
    return this.physical[column] ?? column
  }

  /** The entity as the data files hold it: each field's column is its stored name. */
  storedEntity(): EntityIR {
    if (this.identity) return this.metadata.entity
    const entity = this.metadata.entity
    return { ...entity, fields: entity.fields.map((f) => ({ ...f, column: this.stored(f.column) })) }
  }

  /**
   * A frame with the table's columns renamed to their stored names, all at once: a column's stored name may be
   * another column's name (a field renamed to a name another field's data is stored under).
   */
  toStored(df: pl.DataFrame): pl.DataFrame {
    if (this.identity) return df
    return df.select(...df.columns.map((c) => pl.col(c).alias(this.stored(c))))
  }

  /**
   * Stored column → its Delta column id (`delta.columnMapping.id`), written as the Parquet field_id of every data
   * file (PROTOCOL.md "Writer Requirements for Column Mapping"); undefined when the table has no column mapping.
   */
  fieldIds(): ReadonlyMap<string, number> | undefined {
    const mapping = this.metadata.columnMapping
    if (!mapping) return undefined
    return new Map(Object.values(mapping.columns).map((entry) => [entry.physicalName, entry.id]))
  }

  /** What a field reads from a file that lacks its stored column: the fill value, else null. */
  fill(field: FieldIR): pl.Expr {
    const value = this.fills[this.stored(field.column)]
    return fillExpr(field, value).alias(field.column)
  }
}

/** A literal of the field's dtype holding a fill value (null when undefined). */
export function fillExpr(field: FieldIR, value: FillValue | undefined): pl.Expr {
  const dtype = polarsTypeForField(field.type)
  if (value === undefined) return pl.lit(null).cast(dtype)
  const type = field.type
  if (type.kind === 'scalar') {
    switch (type.name) {
      case 'Int':
      case 'BigInt':
        return pl.lit(String(value)).cast(pl.Int64)
      case 'DateTime':
        return pl.lit(String(value)).cast(pl.Int64).cast(dtype)
      case 'Date':
        return pl
          .lit(Math.floor(Date.parse(`${String(value)}T00:00:00Z`) / DAY_MS))
          .cast(pl.Int32)
          .cast(pl.Date)
      default:
        break
    }
  }
  return pl.lit(value).cast(dtype)
}

/** Column → stored column name, for the columns whose data files use another name. */
function physicalColumnsOf(metadata: TableMetadata): Readonly<Record<string, string>> {
  const mapping = metadata.columnMapping
  if (!mapping) return metadata.physicalColumns ?? {}
  const physical: Record<string, string> = {}
  for (const [column, entry] of Object.entries(mapping.columns))
    if (entry.physicalName !== column) physical[column] = entry.physicalName
  return physical
}

/**
 * A physical name for a column added under column mapping: unique across all versions (a random UUID, as Spark
 * names them), spelled `col_<32 hex digits>` so that Avro data files can hold it too.
 */
export function newPhysicalName(): string {
  return `col_${randomUUID().replaceAll('-', '')}`
}

/** Table properties of column mapping in name mode (PROTOCOL.md "Column Mapping"). */
export const COLUMN_MAPPING_MODE = 'delta.columnMapping.mode'
export const COLUMN_MAPPING_MAX_ID = 'delta.columnMapping.maxColumnId'

/** What the Delta `metaData` says of a table's column mapping: per-field entries and table properties. */
export interface DeltaColumnMapping {
  /** Field name → its id and physical name (the schema builder's key). */
  readonly fields: ReadonlyMap<string, DeltaColumnMappingEntry>
  readonly configuration: Readonly<Record<string, string>>
}

/** The Delta form of a table's column mapping; undefined when the table has none. */
export function toDeltaColumnMapping(metadata: TableMetadata): DeltaColumnMapping | undefined {
  const mapping = metadata.columnMapping
  if (!mapping) return undefined
  const fields = new Map<string, DeltaColumnMappingEntry>()
  for (const field of metadata.entity.fields) {
    const entry = mapping.columns[field.column]
    if (entry) fields.set(field.name, entry)
  }
  return {
    fields,
    configuration: { [COLUMN_MAPPING_MODE]: 'name', [COLUMN_MAPPING_MAX_ID]: String(mapping.maxColumnId) },
  }
}

/** A Delta table's column mapping as pf reads it, or why it cannot (`unsupported`: a mode pf does not read). */
export type ReadColumnMapping =
  | { readonly ok: true; readonly value: ColumnMappingMetadata | undefined }
  | { readonly ok: false; readonly unsupported: boolean; readonly problem: string }

/** A Delta table's column mapping mode (`delta.columnMapping.mode`, default none). */
export function columnMappingModeOf(configuration: Readonly<Record<string, string>>): string {
  return configuration[COLUMN_MAPPING_MODE] ?? 'none'
}

/**
 * The column mapping a Delta `metaData` declares (each schema field's id and physical name, keyed by the field's
 * name, which is pf's column); undefined in mode none. Mode id only where `idMode` says the reader matches data
 * file columns by Parquet field id (`read()` of other writers' tables); pf's own tables read by physical name.
 */
export function fromDeltaColumnMapping(
  schemaString: string,
  configuration: Readonly<Record<string, string>>,
  options: { readonly idMode?: boolean } = {},
): ReadColumnMapping {
  const mode = columnMappingModeOf(configuration)
  if (mode === 'none') return { ok: true, value: undefined }
  const fail = (problem: string, unsupported = false): ReadColumnMapping => ({
    ok: false,
    unsupported,
    problem,
  })
  if (mode !== 'name' && !(mode === 'id' && options.idMode))
    return fail(
      `column mapping mode "${mode}" (pf reads mode "name"${options.idMode ? ' and "id"' : ''})`,
      true,
    )
  const maxColumnId = Number(configuration[COLUMN_MAPPING_MAX_ID])
  if (!Number.isSafeInteger(maxColumnId) || maxColumnId < 0)
    return fail(
      `${COLUMN_MAPPING_MAX_ID} ${JSON.stringify(configuration[COLUMN_MAPPING_MAX_ID])} is not a count`,
    )
  const columns: Record<string, { id: number; physicalName: string }> = {}
  for (const field of parseDeltaSchema(schemaString).fields) {
    const id = field.metadata['delta.columnMapping.id']
    const physicalName = field.metadata['delta.columnMapping.physicalName']
    if (typeof id !== 'number' || typeof physicalName !== 'string' || physicalName === '')
      return fail(`schema field ${field.name} lacks delta.columnMapping.id or physicalName`)
    if (id > maxColumnId)
      return fail(`schema field ${field.name} has id ${id} above maxColumnId ${maxColumnId}`)
    columns[field.name] = { id, physicalName }
  }
  return { ok: true, value: { maxColumnId, columns } }
}

/** The column name in the data files of a table's column (see ColumnMapping.stored). */
export function storedColumnOf(metadata: TableMetadata, column: string): string {
  return physicalColumnsOf(metadata)[column] ?? column
}
