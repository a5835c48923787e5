import { open } from 'node:fs/promises'
import { FormatError } from '../errors/pf-error.js'

/** One column chunk's size facts from a Parquet footer. */
export interface ParquetColumnChunkInfo {
  /** Parquet physical type: 0 BOOLEAN, 1 INT32, 2 INT64, 3 INT96, 4 FLOAT, 5 DOUBLE, 6 BYTE_ARRAY, 7 FIXED_LEN_BYTE_ARRAY. */
  readonly physicalType: number
  readonly numValues: number
  readonly uncompressedBytes: number
  readonly compressedBytes: number
}

/** What the size estimate needs from a Parquet footer. */
export interface ParquetFooterInfo {
  readonly numRows: number
  /** Every column chunk of every row group. */
  readonly chunks: readonly ParquetColumnChunkInfo[]
  /** Row groups in file order, with their column chunks. */
  readonly rowGroups: readonly ParquetRowGroupInfo[]
}

/** One row group of a Parquet file. */
export interface ParquetRowGroupInfo {
  readonly numRows: number
  readonly chunks: readonly ParquetColumnChunkInfo[]
}

const MAGIC = 'PAR1'

/** Reads the footer (FileMetaData) of a Parquet file without reading its data pages. */
export async function readParquetFooter(path: string): Promise<ParquetFooterInfo> {
  const handle = await open(path, 'r')
  try {
    const { size } = await handle.stat()
    if (size < 12) throw new FormatError(`Not a Parquet file (too short): ${path}`)
    const tail = Buffer.alloc(8)
    await handle.read(tail, 0, 8, size - 8)
    if (tail.toString('latin1', 4, 8) !== MAGIC)
      throw new FormatError(`Not a Parquet file (no PAR1 footer): ${path}`)
    const length = tail.readUInt32LE(0)
    if (length + 12 > size) throw new FormatError(`Corrupt Parquet footer length in ${path}`)
    const meta = Buffer.alloc(length)
    await handle.read(meta, 0, length, size - 8 - length)
    return decodeFileMetaData(meta, path)
  } finally {
    await handle.close()
  }
}

/** Decodes a Thrift compact-protocol FileMetaData into the facts we need (pure). */
export function decodeFileMetaData(bytes: Uint8Array, path = '(buffer)'): ParquetFooterInfo {
  let root: ThriftStruct
  try {
    root = new CompactReader(bytes).readStruct()
  } catch (cause) {
    throw new FormatError(`Corrupt Parquet footer in ${path}`, { cause })
  }
  const rowGroups: ParquetRowGroupInfo[] = []
  for (const rowGroup of asList(root.get(4))) {
    const group = rowGroup as ThriftStruct
    const chunks: ParquetColumnChunkInfo[] = []
    for (const column of asList(group.get(1))) {
      const meta = (column as ThriftStruct).get(3) as ThriftStruct | undefined
      if (!meta) continue
      chunks.push({
        physicalType: Number(meta.get(1) ?? 0),
        numValues: Number(meta.get(5) ?? 0),
        uncompressedBytes: Number(meta.get(6) ?? 0),
        compressedBytes: Number(meta.get(7) ?? 0),
      })
    }
    rowGroups.push({ numRows: Number(group.get(3) ?? 0), chunks })
  }
  return { numRows: Number(root.get(3) ?? 0), chunks: rowGroups.flatMap((g) => g.chunks), rowGroups }
}

type ThriftValue =
  | boolean
  | number
  | bigint
  | Uint8Array
  | ThriftStruct
  | ThriftValue[]
  | Map<ThriftValue, ThriftValue>
type ThriftStruct = Map<number, ThriftValue>

function asList(value: ThriftValue | undefined): ThriftValue[] {
  return Array.isArray(value) ? value : []
}

/** A minimal Thrift compact-protocol reader: enough to walk any struct, keeping every field. */
class CompactReader {
  private pos = 0
  constructor(private readonly bytes: Uint8Array) {}

  private byte(): number {
    const b = this.bytes[this.pos++]
    if (b === undefined) throw new RangeError('unexpected end of Thrift data')
    return b
  }

  private varint(): bigint {
    let result = 0n
    let shift = 0n
    for (;;) {
      const b = this.byte()
      result |= BigInt(b & 0x7f) << shift
      if ((b & 0x80) === 0) return result
      shift += 7n
    }
  }

  private zigzag(): bigint {
    const v = this.varint()
    return (v >> 1n) ^ -(v & 1n)
  }

  readStruct(): ThriftStruct {
    const fields: ThriftStruct = new Map()
    let lastId = 0
    for (;;) {
      const header = this.byte()
      const type = header & 0x0f
      if (type === 0) return fields
      const delta = header >> 4
      const id = delta === 0 ? Number(this.zigzag()) : lastId + delta
      lastId = id
      fields.set(id, this.value(type))
    }
  }

  private value(type: number): ThriftValue {
    switch (type) {
      case 1:
        return true
      case 2:
        return false
      case 3:
        return this.byte()
      case 4:
      case 5:
        return Number(this.zigzag())
      case 6:
        return this.zigzag()
      case 7: {
        const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, 8)
        this.pos += 8
        return view.getFloat64(0, true)
      }
      case 8: {
        const length = Number(this.varint())
        const out = this.bytes.subarray(this.pos, this.pos + length)
        this.pos += length
        return out
      }
      case 9:
      case 10: {
        const header = this.byte()
        const size = header >> 4 === 15 ? Number(this.varint()) : header >> 4
        const elementType = header & 0x0f
        const out: ThriftValue[] = []
        for (let i = 0; i < size; i++)
          out.push(elementType === 1 || elementType === 2 ? this.byte() === 1 : this.value(elementType))
        return out
      }
      case 11: {
        const size = Number(this.varint())
        const out = new Map<ThriftValue, ThriftValue>()
        if (size === 0) return out
        const types = this.byte()
        for (let i = 0; i < size; i++) out.set(this.value(types >> 4), this.value(types & 0x0f))
        return out
      }
      case 12:
        return this.readStruct()
      default:
        throw new RangeError(`unknown Thrift compact type ${type}`)
    }
  }
}
