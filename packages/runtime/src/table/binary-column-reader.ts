import type * as Arrow from 'apache-arrow'
import pl from 'nodejs-polars'
import { decimalText } from '../format/arrow-values.js'
import { fromTwosComplement } from '../format/avro-decimal.js'
import type { StorageFormat } from '../format/storage-format.js'
import { decimalSpecOf } from '../schema/decimal-spec.js'
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

/** The scale of a Decimal field (or list of them), undefined for any other type. */
function decimalScaleOf(type: FieldType): number | undefined {
  if (type.kind === 'list') return decimalScaleOf(type.element)
  return type.kind === 'scalar' && type.name === 'Decimal' ? decimalSpecOf(type).scale : undefined
}

/**
 * Binary data → base64 LargeUtf8 data (lists keep their offsets and nulls); with a `scale`, the bytes are an Avro
 * decimal (big-endian two's complement unscaled value) and become its exact text with `scale` fraction digits.
 */
function toBase64(data: Arrow.Data, scale?: number): Arrow.Data {
  const child = data.children[0]
  if (child !== undefined) {
    const element = toBase64(child, scale)
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
      value === null
        ? ''
        : scale !== undefined
          ? decimalText(String(fromTwosComplement(value)), scale)
          : Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')
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

/**
 * A frame whose binary columns (if any) are replaced by base64 text, or by decimal text for the columns of
 * `decimals` (column → scale: Avro decimals); frames without any are returned as they are.
 */
export function binaryColumnsAsBase64(
  df: pl.DataFrame,
  decimals: ReadonlyMap<string, number> = new Map(),
): pl.DataFrame {
  const table = tableFromIPC(ipcStreamOf(df))
  if (!table.schema.fields.some((f) => containsBinary(f.type))) return df
  const columns: Record<string, Arrow.Vector> = {}
  for (const field of table.schema.fields) {
    const vector = table.getChild(field.name) as Arrow.Vector
    const scale = decimals.get(field.name)
    columns[field.name] = containsBinary(field.type)
      ? makeVector(vector.data.map((data) => toBase64(data, scale)))
      : vector
  }
  return pl.readIPCStream(Buffer.from(tableToIPC(new Table(columns), 'stream')))
}

/**
 * The table's format, reading Parquet files of an entity with Bytes fields eagerly with binary columns as base64
 * text (see above), and Avro files of an entity with Bytes or Decimal fields with their `bytes` columns as base64
 * or decimal text (a text column, from Avro tables written before bytes storage, stays as it is); any other format
 * or entity gets `format` itself.
 */
export function withBytesAsBase64(format: StorageFormat, entity: EntityIR): StorageFormat {
  if (format.name === 'avro') {
    const decimals = new Map<string, number>()
    for (const field of entity.fields) {
      const scale = decimalScaleOf(field.type)
      if (scale !== undefined) decimals.set(field.column, scale)
    }
    if (decimals.size === 0 && !entity.fields.some((f) => hasBytes(f.type))) return format
    return {
      ...format,
      async read(path, options) {
        return binaryColumnsAsBase64(await format.read(path, options), decimals)
      },
    }
  }
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
