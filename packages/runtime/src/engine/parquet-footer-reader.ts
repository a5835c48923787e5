import { open } from 'node:fs/promises'
import { FormatError } from '../errors/pf-error.js'
import { ThriftCompactReader, type ThriftStruct, type ThriftValue } from '../format/thrift-compact-reader.js'

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
    root = new ThriftCompactReader(bytes).readStruct()
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

function asList(value: ThriftValue | undefined): ThriftValue[] {
  return Array.isArray(value) ? value : []
}
