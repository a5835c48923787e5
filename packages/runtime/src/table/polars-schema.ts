import type { DataType } from 'nodejs-polars'
import pl from 'nodejs-polars'
import type { EntityIR, EnumIR, FieldIR, FieldType } from '../schema/schema-ir.js'

/**
 * The polars dtype storing a field type. Int/BigInt → Int64, Float → Float64,
 * Decimal/String/Json/enum → Utf8, Boolean → Bool, DateTime → Datetime('us','UTC'),
 * Date → Date, list → List. In memory Decimal is exact text and Bytes base64 text (nodejs-polars 0.24 has no usable
 * Binary dtype); Parquet files store them as DECIMAL and BYTE_ARRAY, Avro files as bytes (decimal logical type)
 * and bytes.
 */
export function polarsTypeForField(type: FieldType): DataType {
  switch (type.kind) {
    case 'enum':
      return pl.Utf8
    case 'list':
      return pl.List(polarsTypeForField(type.element))
    case 'scalar':
      switch (type.name) {
        case 'Int':
        case 'BigInt':
          return pl.Int64
        case 'Float':
          return pl.Float64
        case 'Boolean':
          return pl.Bool
        case 'DateTime':
          return pl.Datetime('us', 'UTC')
        case 'Date':
          return pl.Date
        case 'Decimal':
        case 'String':
        case 'Json':
        case 'Bytes':
          return pl.Utf8
      }
  }
}

/** Column name → polars dtype for every field of the entity, in field order. `enums` are accepted for symmetry with `avroSchemaForEntity`; enum columns are Utf8. */
export function polarsSchemaForEntity(
  entity: EntityIR,
  _enums: readonly EnumIR[] = [],
): Record<string, DataType> {
  const schema: Record<string, DataType> = {}
  for (const field of entity.fields) schema[field.column] = polarsTypeForField(field.type)
  return schema
}

/** The fields making up the primary key, in key order. */
export function primaryKeyFields(entity: EntityIR): FieldIR[] {
  return entity.primaryKey.map((name) => {
    const field = entity.fields.find((f) => f.name === name)
    if (!field) throw new Error(`Entity ${entity.name}: primary key field ${name} is not a field`)
    return field
  })
}
