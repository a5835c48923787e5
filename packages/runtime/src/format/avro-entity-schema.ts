import { FormatError } from '../errors/pf-error.js'
import type { EntityIR, EnumIR, FieldType, ScalarTypeName } from '../schema/schema-ir.js'
import type { AvroField, AvroRecordSchema, AvroType } from './avro-schema-types.js'
import { toAvroName } from './avro-schema-types.js'

const SCALAR: Record<ScalarTypeName, AvroType> = {
  Int: 'long',
  BigInt: 'long',
  Float: 'double',
  Decimal: 'string',
  String: 'string',
  Boolean: 'boolean',
  DateTime: { type: 'long', logicalType: 'timestamp-micros' },
  Date: { type: 'int', logicalType: 'date' },
  Json: 'string',
  // Tables hold Bytes as base64 text (nodejs-polars 0.24 has no usable Binary dtype); the Avro files agree.
  Bytes: 'string',
}

/**
 * The exact Avro schema of an entity's data files: required fields are plain types, optional ones `["null", T]`
 * with default null; enums are Avro enums; the record is named after the entity; column names come from
 * `field.column`. Bytes are `string` holding base64, as tables store them. An enum is defined at its first use and referenced
 * by name afterwards, as Avro requires.
 */
export function avroSchemaForEntity(entity: EntityIR, enums: readonly EnumIR[]): AvroRecordSchema {
  const defined = new Set<string>()
  const typeOf = (type: FieldType, where: string): AvroType => {
    switch (type.kind) {
      case 'scalar':
        return SCALAR[type.name]
      case 'list':
        return { type: 'array', items: typeOf(type.element, where) }
      case 'enum': {
        const decl = enums.find((e) => e.name === type.name)
        if (!decl) throw new FormatError(`${where}: enum "${type.name}" is not declared.`)
        const name = toAvroName(decl.name)
        if (defined.has(name)) return name
        defined.add(name)
        return { type: 'enum', name, symbols: [...decl.values], ...(decl.doc ? { doc: decl.doc } : {}) }
      }
    }
  }
  const fields: AvroField[] = entity.fields.map((field) => {
    const type = typeOf(field.type, `${entity.name}.${field.name}`)
    return {
      name: field.column,
      type: field.optional ? ['null', type] : type,
      ...(field.optional ? { default: null } : {}),
      ...(field.doc ? { doc: field.doc } : {}),
    }
  })
  return {
    type: 'record',
    name: toAvroName(entity.name),
    ...(entity.doc ? { doc: entity.doc } : {}),
    fields,
  }
}
