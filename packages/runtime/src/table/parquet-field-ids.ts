import type * as Arrow from 'apache-arrow'
import { listItems, topLevelIndexes } from '../format/parquet-footer-patch.js'
import {
  binaryOf,
  encodeThriftStruct,
  fieldOf,
  intNode,
  parseThriftStruct,
  structFields,
  type TNode,
  TType,
} from '../format/thrift-compact-tree.js'
import { Field, Message, MessageReader, Schema } from '../vendor/apache-arrow.js'
import { ParquetFieldIdError } from './parquet-field-id-error.js'

/** SchemaElement.field_id and FileMetaData.key_value_metadata (parquet.thrift). */
const FIELD_ID = 9
const NAME = 4
const SCHEMA = 2
const KEY_VALUE_METADATA = 5

/** Where arrow-rs, pyarrow and polars keep a column's Parquet field id in an Arrow field's metadata. */
export const ARROW_FIELD_ID_KEY = 'PARQUET:field_id'

/**
 * A Parquet file's bytes with each top-level column's `field_id` set to its id in `ids` (stored column name → Delta
 * column id), in the footer's schema and in its `ARROW:schema` key (arrow-rs, hence delta-rs, takes a field's
 * metadata from that key when present and ignores the schema's field_id). Data pages are unchanged (they are
 * addressed by absolute offsets before the footer); the rest of the footer re-encodes byte for byte.
 * ParquetFieldIdError (naming `table` and the column) when a column has no id or the footer does not parse.
 */
export function withParquetFieldIds(
  bytes: Uint8Array,
  ids: ReadonlyMap<string, number>,
  table: string,
): Uint8Array {
  const n = bytes.length
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, n)
  if (n < 12 || view.toString('latin1', n - 4) !== 'PAR1')
    throw new ParquetFieldIdError(table, 'the encoder wrote no Parquet footer')
  const length = view.readUInt32LE(n - 8)
  const dataEnd = n - 8 - length
  if (dataEnd < 4) throw new ParquetFieldIdError(table, `footer length ${length} exceeds the file`)
  let root: TNode
  try {
    root = parseThriftStruct(bytes.subarray(dataEnd, n - 8))
  } catch (error) {
    throw new ParquetFieldIdError(table, `its footer does not parse: ${(error as Error).message}`, {
      cause: error,
    })
  }
  const elements = listItems(fieldOf(root, SCHEMA))
  for (const index of topLevelIndexes(elements)) {
    const fields = structFields(elements[index])
    const name = Buffer.from(binaryOf(fieldOf(elements[index], NAME)) ?? []).toString('utf8')
    const id = ids.get(name)
    if (id === undefined)
      throw new ParquetFieldIdError(table, `column "${name}" has no id in the table's column mapping`)
    const existing = fields.find((f) => f.id === FIELD_ID)
    if (existing) existing.value = intNode(id)
    else fields.push({ id: FIELD_ID, type: TType.I32, value: intNode(id) })
  }
  for (const kv of listItems(fieldOf(root, KEY_VALUE_METADATA))) {
    if (Buffer.from(binaryOf(fieldOf(kv, 1)) ?? []).toString('latin1') !== 'ARROW:schema') continue
    const value = structFields(kv).find((f) => f.id === 2)
    const text = Buffer.from(binaryOf(value?.value) ?? []).toString('latin1')
    if (value && text !== '') value.value = binaryNode(Buffer.from(arrowSchemaWithFieldIds(text, ids, table)))
  }
  const footer = encodeThriftStruct(root)
  const out = Buffer.alloc(dataEnd + footer.length + 8)
  out.set(bytes.subarray(0, dataEnd), 0)
  out.set(footer, dataEnd)
  out.writeUInt32LE(footer.length, dataEnd + footer.length)
  out.write('PAR1', dataEnd + footer.length + 4, 'latin1')
  return out
}

/** A Thrift binary scalar node (varint length, then the bytes). */
function binaryNode(content: Uint8Array): TNode {
  const prefix: number[] = []
  let z = content.length
  while (z >= 0x80) {
    prefix.push((z % 0x80) | 0x80)
    z = Math.floor(z / 0x80)
  }
  prefix.push(z)
  const bytes = new Uint8Array(prefix.length + content.length)
  bytes.set(prefix, 0)
  bytes.set(content, prefix.length)
  return { kind: 'scalar', bytes }
}

/** Rewritten ARROW:schema texts by input and ids (a table writes the same schema again and again). */
const arrowSchemas = new Map<string, string>()
const MAX_CACHED_SCHEMAS = 256

/**
 * The `ARROW:schema` text (base64 of an IPC schema message) with `PARQUET:field_id` in each top-level field's
 * metadata, the other metadata kept.
 */
function arrowSchemaWithFieldIds(text: string, ids: ReadonlyMap<string, number>, table: string): string {
  const key = `${JSON.stringify([...ids])}\u0000${text}`
  const hit = arrowSchemas.get(key)
  if (hit !== undefined) return hit
  let schema: Arrow.Schema
  try {
    const message = new MessageReader(Buffer.from(text, 'base64')).readMessage()
    if (!message?.isSchema()) throw new RangeError('not a schema message')
    schema = message.header()
  } catch (error) {
    throw new ParquetFieldIdError(table, `its ARROW:schema does not parse: ${(error as Error).message}`, {
      cause: error,
    })
  }
  const fields = schema.fields.map((field) => {
    const id = ids.get(field.name)
    if (id === undefined)
      throw new ParquetFieldIdError(table, `column "${field.name}" has no id in the table's column mapping`)
    const metadata = new Map(field.metadata)
    metadata.set(ARROW_FIELD_ID_KEY, String(id))
    return new Field(field.name, field.type, field.nullable, metadata)
  })
  const rewritten = new Schema(fields, schema.metadata, schema.dictionaries, schema.metadataVersion)
  const flatbuffer = Message.encode(Message.from(rewritten))
  // IPC framing as Arrow writers write it: continuation marker, length, message padded to 8 bytes.
  const aligned = (flatbuffer.length + 8 + 7) & ~7
  const framed = Buffer.alloc(aligned)
  framed.writeInt32LE(-1, 0)
  framed.writeInt32LE(aligned - 8, 4)
  framed.set(flatbuffer, 8)
  const out = framed.toString('base64')
  if (arrowSchemas.size >= MAX_CACHED_SCHEMAS) arrowSchemas.clear()
  arrowSchemas.set(key, out)
  return out
}
