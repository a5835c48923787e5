import type * as Arrow from 'apache-arrow'
import pl from 'nodejs-polars'
import type { StorageFormat } from '../format/storage-format.js'
import type { EntityIR, FieldType } from '../schema/schema-ir.js'
import {
  Field,
  LargeUtf8,
  List,
  makeData,
  makeVector,
  Table,
  Type,
  tableFromIPC,
  tableToIPC,
} from '../vendor/apache-arrow.js'
import { ipcStreamOf } from './polars-ipc.js'

/**
 * Tables hold Bytes values as base64 text in memory (nodejs-polars 0.24 cannot describe a Binary column: asking a
 * frame's dtypes fails), while Parquet data files store them as BYTE_ARRAY. A file holding binary columns is read
 * eagerly by polars, crosses to Arrow IPC, and its binary columns (and lists of them) come back as base64 text.
 */

function hasBytes(type: FieldType): boolean {
  if (type.kind === 'list') return hasBytes(type.element)
  return type.kind === 'scalar' && type.name === 'Bytes'
}

function isBinary(type: Arrow.DataType): boolean {
  return type.typeId === Type.Binary || type.typeId === Type.LargeBinary
}

function containsBinary(type: Arrow.DataType): boolean {
  const child = type.children?.[0]
  return isBinary(type) || (child !== undefined && containsBinary(child.type))
}

/** Binary data → base64 LargeUtf8 data (lists keep their offsets and nulls). */
function toBase64(data: Arrow.Data): Arrow.Data {
  const child = data.children[0]
  if (child !== undefined) {
    const element = toBase64(child)
    return makeData({
      type: new List(new Field('item', element.type, true)),
      length: data.length,
      nullCount: data.nullCount,
      nullBitmap: data.nullBitmap ?? null,
      valueOffsets: Int32Array.from(data.valueOffsets as ArrayLike<number | bigint>, Number),
      child: element,
    })
  }
  const vector = makeVector(data)
  const texts: string[] = []
  const offsets = new BigInt64Array(data.length + 1)
  let total = 0
  for (let i = 0; i < data.length; i++) {
    const value = vector.get(i) as Uint8Array | null
    const text =
      value === null ? '' : Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')
    texts.push(text)
    total += text.length // base64 is ASCII: one byte per character
    offsets[i + 1] = BigInt(total)
  }
  return makeData({
    type: new LargeUtf8(),
    length: data.length,
    nullCount: data.nullCount,
    nullBitmap: data.nullBitmap ?? null,
    valueOffsets: offsets,
    data: new Uint8Array(Buffer.from(texts.join(''), 'latin1')),
  })
}

/** A frame whose binary columns (if any) are replaced by base64 text; frames without any are returned as they are. */
export function binaryColumnsAsBase64(df: pl.DataFrame): pl.DataFrame {
  const table = tableFromIPC(ipcStreamOf(df))
  if (!table.schema.fields.some((f) => containsBinary(f.type))) return df
  const columns: Record<string, Arrow.Vector> = {}
  for (const field of table.schema.fields) {
    const vector = table.getChild(field.name) as Arrow.Vector
    columns[field.name] = containsBinary(field.type) ? makeVector(vector.data.map(toBase64)) : vector
  }
  return pl.readIPCStream(Buffer.from(tableToIPC(new Table(columns), 'stream')))
}

/**
 * The table's format, reading Parquet files of an entity with Bytes fields eagerly with binary columns as base64
 * text (see above); any other format or entity gets `format` itself.
 */
export function withBytesAsBase64(format: StorageFormat, entity: EntityIR): StorageFormat {
  if (format.name !== 'parquet' || !entity.fields.some((f) => hasBytes(f.type))) return format
  const readOne = (path: string): pl.DataFrame => binaryColumnsAsBase64(pl.scanParquet(path).collectSync())
  return {
    ...format,
    async read(path, options = {}) {
      let df = readOne(path)
      if (options.columns) df = df.select(...options.columns)
      if (options.nRows !== undefined) df = df.head(options.nRows)
      return df
    },
    scan(paths) {
      const list = typeof paths === 'string' ? [paths] : [...paths]
      const frames = list.map((path) => readOne(path).lazy())
      return frames.length === 1 ? (frames[0] as pl.LazyDataFrame) : pl.concat(frames)
    },
  }
}
