import type pl from 'nodejs-polars'
import type { DataType } from 'nodejs-polars'
import { FormatError } from '../errors/pf-error.js'
import { binaryColumnNames } from './arrow-values.js'
import type { AvroField, AvroRecordSchema, AvroType } from './avro-schema-types.js'
import { isValidAvroName } from './avro-schema-types.js'

/** The record name of inferred schemas. */
export const DEFAULT_AVRO_RECORD_NAME = 'Record'

/** The Avro type of a polars dtype (not nullable); throws naming the column for dtypes Avro cannot hold. */
export function avroTypeForDtype(dtype: DataType, column: string): AvroType {
  switch (dtype.variant) {
    case 'Int64':
    case 'UInt32':
    case 'UInt64':
      return 'long'
    case 'Int32':
    case 'Int16':
    case 'Int8':
    case 'UInt8':
    case 'UInt16':
      return 'int'
    case 'Float64':
      return 'double'
    case 'Float32':
      return 'float'
    case 'Bool':
      return 'boolean'
    case 'Utf8':
    case 'String':
    case 'Categorical':
      // nodejs-polars exposes no category list (and has no Enum dtype), so symbols are unknown: string.
      return 'string'
    case 'Datetime':
      return { type: 'long', logicalType: 'timestamp-micros' }
    case 'Date':
      return { type: 'int', logicalType: 'date' }
    case 'List': {
      const inner = (dtype as DataType & { inner: DataType[] }).inner[0]
      if (!inner) break
      return { type: 'array', items: ['null', avroTypeForDtype(inner, `${column}[]`)] }
    }
  }
  throw new FormatError(`Column "${column}" has dtype ${String(dtype)}, which has no Avro mapping here.`)
}

/**
 * The Avro record schema of a frame, from its dtypes only (never its values). Polars has no non-null flag,
 * so every field is a `["null", T]` union with default null: writing the same columns always gives the
 * same schema, whether or not the current values contain nulls. List items are nullable the same way.
 */
export function inferAvroSchema(
  df: pl.DataFrame,
  recordName: string = DEFAULT_AVRO_RECORD_NAME,
): AvroRecordSchema {
  if (!isValidAvroName(recordName)) {
    throw new FormatError(
      `Avro record name "${recordName}" is not valid: use letters, digits and _, not starting with a digit.`,
    )
  }
  const binary = binaryColumnNames(df)
  const fields: AvroField[] = df.columns.map((column) => {
    if (!isValidAvroName(column)) {
      throw new FormatError(
        `Column "${column}" is not a valid Avro field name (letters, digits and _, not starting with a digit). Rename it before writing Avro.`,
      )
    }
    return {
      name: column,
      type: ['null', binary.has(column) ? 'bytes' : avroTypeForDtype(df.getColumn(column).dtype, column)],
      default: null,
    }
  })
  return { type: 'record', name: recordName, fields }
}
