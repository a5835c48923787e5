import { FormatError } from '../errors/pf-error.js'
import { decimalSpecOf } from '../schema/decimal-spec.js'
import type { EntityIR, EnumIR, FieldType, ScalarTypeName } from '../schema/schema-ir.js'
import type { AvroField, AvroRecordSchema, AvroType } from './avro-schema-types.js'
import { toAvroName } from './avro-schema-types.js'

const SCALAR: Record<Exclude<ScalarTypeName, 'Decimal'>, AvroType> = {
  Int: 'long',
  BigInt: 'long',
  Float: 'double',
  String: 'string',
  Boolean: 'boolean',
  DateTime: { type: 'long', logicalType: 'timestamp-micros' },
  Date: { type: 'int', logicalType: 'date' },
  Json: 'string',
  Bytes: 'bytes',
}

/** Options of `avroSchemaForEntity`. */
export interface AvroEntitySchemaOptions {
  /**
   * Names of Decimal/Bytes fields whose files hold them as text (decimal strings, base64): Avro tables written
   * before bytes storage (their Delta schema says `string`). Default: none.
   */
  readonly textStored?: ReadonlySet<string>
}

/**
 * The exact Avro schema of an entity's data files: required fields are plain types, optional ones `["null", T]`
 * with default null; enums are Avro enums; the record is named after the entity; column names come from
 * `field.column`. Decimal(p, s) is `bytes` with logical type `decimal` (precision p, scale s), Bytes are `bytes`;
 * both are `string` (decimal text, base64) for `textStored` fields. An enum is defined at its first use and
 * referenced by name afterwards, as Avro requires.
 */
export function avroSchemaForEntity(
  entity: EntityIR,
  enums: readonly EnumIR[],
  options: AvroEntitySchemaOptions = {},
): AvroRecordSchema {
  const defined = new Set<string>()
  const typeOf = (type: FieldType, where: string, asText: boolean): AvroType => {
    switch (type.kind) {
      case 'scalar': {
        if (type.name === 'Decimal') {
          if (asText) return 'string'
          const { precision, scale } = decimalSpecOf(type)
          return { type: 'bytes', logicalType: 'decimal', precision, scale }
        }
        return type.name === 'Bytes' && asText ? 'string' : SCALAR[type.name]
      }
      case 'list':
        return { type: 'array', items: typeOf(type.element, where, asText) }
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
    const asText = options.textStored?.has(field.name) ?? false
    const type = typeOf(field.type, `${entity.name}.${field.name}`, asText)
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
