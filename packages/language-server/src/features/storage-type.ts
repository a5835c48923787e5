import type { FieldTypeSymbol } from '@parquetframe/codegen/internal'
import { avroSchemaForEntity } from '@parquetframe/runtime/avro-schema'
import {
  type EnumIR,
  type FieldType,
  SCALAR_TYPE_NAMES,
  type ScalarTypeName,
} from '@parquetframe/runtime/schema'
import { SCALAR_TYPES } from '../docs/schema-reference.js'

/** How a field is stored, in words for a hover; undefined for a relation or an unknown type (no column). */
export interface StorageType {
  readonly parquet: string
  /** The Avro type as the runtime writes it, JSON. */
  readonly avro: string
}

const isScalar = (name: string): name is ScalarTypeName =>
  (SCALAR_TYPE_NAMES as readonly string[]).includes(name)

/**
 * The storage types of a field's column: Parquet from the documented mapping, Avro from the runtime's own
 * `avroSchemaForEntity` (so the hover shows what the files really hold). Undefined for relations and unknown types.
 */
export function storageTypeOf(type: FieldTypeSymbol, enums: readonly EnumIR[]): StorageType | undefined {
  const enumDecl = enums.find((e) => e.name === type.name)
  if (!isScalar(type.name) && enumDecl === undefined) return undefined
  let fieldType: FieldType = isScalar(type.name)
    ? { kind: 'scalar', name: type.name }
    : { kind: 'enum', name: type.name }
  for (let i = 0; i < type.listDepth; i++) fieldType = { kind: 'list', element: fieldType }
  const [avroField] = avroSchemaForEntity(
    {
      name: 'Entity',
      storage: 'entity',
      format: 'avro',
      primaryKey: [],
      partitionBy: [],
      fields: [
        {
          name: 'field',
          id: 1,
          column: 'field',
          type: fieldType,
          optional: type.optional,
          isId: false,
          unique: false,
          index: false,
        },
      ],
      relations: [],
      indexes: [],
      uniques: [],
    },
    enumDecl ? [enumDecl] : [],
  ).fields
  const element = isScalar(type.name) ? SCALAR_TYPES[type.name].parquet : 'string (the value name)'
  const listed = type.listDepth > 0 ? `list<${element}>` : element
  return {
    parquet: type.optional ? `${listed}, nullable` : listed,
    avro: JSON.stringify(avroField?.type),
  }
}
