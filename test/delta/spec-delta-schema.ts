/** PROTOCOL.md "Schema Serialization Format": a type is a primitive name or a struct/array/map object. */
export type DeltaType =
  | string
  | { readonly type: 'struct'; readonly fields: readonly DeltaField[] }
  | { readonly type: 'array'; readonly elementType: DeltaType; readonly containsNull: boolean }
  | {
      readonly type: 'map'
      readonly keyType: DeltaType
      readonly valueType: DeltaType
      readonly valueContainsNull: boolean
    }

/** PROTOCOL.md "Struct Field". */
export interface DeltaField {
  readonly name: string
  readonly type: DeltaType
  readonly nullable: boolean
  readonly metadata: Readonly<Record<string, unknown>>
}

/** The column-mapping mode a reader must apply (PROTOCOL.md "Reader Requirements for Column Mapping"). */
export type ColumnMappingMode = 'none' | 'name' | 'id'

/** The top-level fields of a `schemaString`. */
export function parseSchemaString(schemaString: string): DeltaField[] {
  const schema = JSON.parse(schemaString) as { type: string; fields: DeltaField[] }
  return schema.fields
}

/** The physical name of a field: `delta.columnMapping.physicalName` in name/id mode, else its display name. */
export function physicalName(field: DeltaField, mode: ColumnMappingMode): string {
  const physical = field.metadata['delta.columnMapping.physicalName']
  return mode !== 'none' && typeof physical === 'string' ? physical : field.name
}

/** The field id of a field (id mode), from `delta.columnMapping.id`. */
export function fieldId(field: DeltaField): number | undefined {
  const id = field.metadata['delta.columnMapping.id']
  return typeof id === 'number' ? id : undefined
}

/** The DuckDB type a primitive Delta type reads as ("Primitive Types"), or undefined for nested types. */
export function duckTypeOf(type: DeltaType): string | undefined {
  if (typeof type !== 'string') return undefined
  const decimal = /^decimal\((\d+),\s*(\d+)\)$/.exec(type)
  if (decimal) return `DECIMAL(${decimal[1]}, ${decimal[2]})`
  const names: Record<string, string> = {
    string: 'VARCHAR',
    long: 'BIGINT',
    integer: 'INTEGER',
    short: 'SMALLINT',
    byte: 'TINYINT',
    float: 'FLOAT',
    double: 'DOUBLE',
    boolean: 'BOOLEAN',
    binary: 'BLOB',
    date: 'DATE',
    // "timestamp": microseconds, isAdjustedToUTC=true; "timestamp_ntz": isAdjustedToUTC=false.
    timestamp: 'TIMESTAMPTZ',
    timestamp_ntz: 'TIMESTAMP',
  }
  return names[type]
}

/** The type DuckDB's DESCRIBE shows for a Parquet column holding a Delta type as the spec stores it. */
export function duckDescribedType(type: DeltaType): string | undefined {
  if (typeof type === 'string') {
    const t = duckTypeOf(type)
    return t === 'TIMESTAMPTZ'
      ? 'TIMESTAMP WITH TIME ZONE'
      : t?.replace(/^DECIMAL\((\d+), (\d+)\)$/, 'DECIMAL($1,$2)')
  }
  if (type.type === 'array') {
    const element = duckDescribedType(type.elementType)
    return element === undefined ? undefined : `${element}[]`
  }
  if (type.type === 'map') {
    const key = duckDescribedType(type.keyType)
    const value = duckDescribedType(type.valueType)
    return key === undefined || value === undefined ? undefined : `MAP(${key}, ${value})`
  }
  const fields = type.fields.map((f) => [f.name, duckDescribedType(f.type)] as const)
  if (fields.some(([, t]) => t === undefined)) return undefined
  const name = (n: string): string => (/^[a-z_][a-z0-9_]*$/i.test(n) ? n : `"${n.replaceAll('"', '""')}"`)
  return `STRUCT(${fields.map(([n, t]) => `${name(n)} ${t}`).join(', ')})`
}
