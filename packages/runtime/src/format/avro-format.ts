import { readFile, writeFile } from 'node:fs/promises'
import type pl from 'nodejs-polars'
import { FormatError } from '../errors/pf-error.js'
import { avroCodec } from './avro-codecs.js'
import { decodeAvroFrame } from './avro-frame-reader.js'
import { encodeAvroFrame } from './avro-frame-writer.js'
import { inferAvroSchema } from './avro-schema-inference.js'
import type { AvroRecordSchema } from './avro-schema-types.js'
import { guardRead, guardWrite } from './format-io-errors.js'
import type { ReadOptions, StorageFormat, WriteOptions } from './storage-format.js'

/** The record schema to write with: the caller's (object or JSON text), else one inferred from the dtypes. */
export function avroWriteSchema(df: pl.DataFrame, options: WriteOptions = {}): AvroRecordSchema {
  const given = options.avroSchema
  if (given === undefined) return inferAvroSchema(df, options.avroRecordName)
  let schema: unknown = given
  if (typeof given === 'string') {
    try {
      schema = JSON.parse(given)
    } catch (cause) {
      throw new FormatError(`The Avro schema given is not valid JSON: ${(cause as Error).message}`, { cause })
    }
  }
  const s = schema as { type?: unknown; fields?: unknown; name?: unknown } | null
  if (
    typeof s !== 'object' ||
    s === null ||
    s.type !== 'record' ||
    !Array.isArray(s.fields) ||
    typeof s.name !== 'string'
  ) {
    throw new FormatError('The Avro schema given must be a record schema ({ type: "record", name, fields })')
  }
  return schema as AvroRecordSchema
}

/**
 * Avro object container files, our own implementation on avsc (polars' writer names records "" and has no
 * timestamp-with-zone support). Writes infer the schema from dtypes (see `inferAvroSchema`) unless
 * `avroSchema` is given; codecs null (default), deflate, snappy. Reads map the writer's schema to dtypes
 * (long→Int64 exactly, timestamps→Datetime('us','UTC'), date→Date, array→List, enum→Utf8).
 * No lazy scan: polars cannot scan Avro.
 */
export const avroFormat: StorageFormat = {
  name: 'avro',
  extensions: ['.avro'],
  capabilities: { typed: true, temporal: true, nested: true, emptyKeepsColumns: true },
  read(path: string, options: ReadOptions = {}) {
    return guardRead('avro', path, async () => decodeAvroFrame(await readFile(path), options))
  },
  write(df: pl.DataFrame, path: string, options: WriteOptions = {}) {
    return guardWrite('avro', path, async () => {
      await writeFile(path, await encodeAvro(df, path, options))
    })
  },
  encode(df: pl.DataFrame, path: string, options: WriteOptions = {}) {
    return guardWrite('avro', path, () => encodeAvro(df, path, options))
  },
}

/** One Avro container file's bytes for a frame (the schema, codec and Bytes columns as `options` say). */
function encodeAvro(df: pl.DataFrame, path: string, options: WriteOptions): Uint8Array {
  const base64 = new Set(options.avroBase64Columns ?? [])
  return encodeAvroFrame(df, avroWriteSchema(df, options), avroCodec(options.codec, path), base64)
}
