import { open } from 'node:fs/promises'
import { FormatError } from '../errors/pf-error.js'
import { patchFileMetaData } from '../format/parquet-footer-patch.js'
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
  /** The top-level columns of the file's schema, with their nested elements. */
  readonly schema: readonly ParquetSchemaNode[]
}

/** One element of a Parquet schema: its name, its field_id (Delta column mapping in id mode) and its children. */
export interface ParquetSchemaNode {
  readonly name: string
  /** SchemaElement.field_id, when the writer set one. */
  readonly fieldId?: number
  readonly children: readonly ParquetSchemaNode[]
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
  return {
    numRows: Number(root.get(3) ?? 0),
    chunks: rowGroups.flatMap((g) => g.chunks),
    rowGroups,
    schema: schemaTree(asList(root.get(2)) as ThriftStruct[]),
  }
}

/** The depth-first schema list as a tree (each element's num_children, field 5, says how many follow it). */
function schemaTree(elements: readonly ThriftStruct[]): ParquetSchemaNode[] {
  let next = 1 // element 0 is the root
  const take = (count: number): ParquetSchemaNode[] => {
    const nodes: ParquetSchemaNode[] = []
    for (let i = 0; i < count && next < elements.length; i++) {
      const element = elements[next++] as ThriftStruct
      const name = element.get(4)
      const fieldId = element.get(9)
      nodes.push({
        name: name instanceof Uint8Array ? Buffer.from(name).toString('utf8') : '',
        ...(typeof fieldId === 'number' ? { fieldId } : {}),
        children: take(Number(element.get(5) ?? 0)),
      })
    }
    return nodes
  }
  return take(Number(elements[0]?.get(5) ?? 0))
}

function asList(value: ThriftValue | undefined): ThriftValue[] {
  return Array.isArray(value) ? value : []
}

/** What a Parquet footer says about a file, for people (`pf inspect`). */
export interface ParquetFileFacts {
  readonly createdBy: string | null
  readonly numRows: number
  /** Compression codecs of the column chunks, e.g. `SNAPPY`. */
  readonly codecs: readonly string[]
  /** Annotated schema elements as `path: TYPE`, e.g. `a.key_value.key: STRING`, `geom: GEOMETRY`. */
  readonly logicalTypes: readonly string[]
  /** Physical types polars reads with caveats, e.g. `ts: INT96`. */
  readonly physicalNotes: readonly string[]
  /** How the footer is rewritten before polars reads the file (parquet-footer-patch.ts). */
  readonly footerChanges: readonly string[]
}

const CODECS = ['UNCOMPRESSED', 'SNAPPY', 'GZIP', 'LZO', 'BROTLI', 'LZ4', 'ZSTD', 'LZ4_RAW']
const LOGICAL = [
  '',
  'STRING',
  'MAP',
  'LIST',
  'ENUM',
  'DECIMAL',
  'DATE',
  'TIME',
  'TIMESTAMP',
  '',
  'INTEGER',
  'UNKNOWN',
  'JSON',
  'BSON',
  'UUID',
  'FLOAT16',
  'VARIANT',
  'GEOMETRY',
  'GEOGRAPHY',
]
const CONVERTED = [
  'UTF8',
  'MAP',
  'MAP_KEY_VALUE',
  'LIST',
  'ENUM',
  'DECIMAL',
  'DATE',
  'TIME_MILLIS',
  'TIME_MICROS',
  'TIMESTAMP_MILLIS',
  'TIMESTAMP_MICROS',
  'UINT_8',
  'UINT_16',
  'UINT_32',
  'UINT_64',
  'INT_8',
  'INT_16',
  'INT_32',
  'INT_64',
  'JSON',
  'BSON',
  'INTERVAL',
]

/** Reads a Parquet footer's facts: writer, codecs, logical types, and the rewrites polars needs. */
export async function describeParquetFile(path: string): Promise<ParquetFileFacts> {
  const handle = await open(path, 'r')
  let bytes: Buffer
  try {
    const { size } = await handle.stat()
    const tail = Buffer.alloc(8)
    if (size >= 12) await handle.read(tail, 0, 8, size - 8)
    if (size < 12 || tail.toString('latin1', 4, 8) !== MAGIC)
      throw new FormatError(`Not a Parquet file (no PAR1 footer): ${path}`)
    const length = tail.readUInt32LE(0)
    if (length + 12 > size) throw new FormatError(`Corrupt Parquet footer length in ${path}`)
    bytes = Buffer.alloc(length)
    await handle.read(bytes, 0, length, size - 8 - length)
  } finally {
    await handle.close()
  }
  let root: ThriftStruct
  try {
    root = new ThriftCompactReader(bytes).readStruct()
  } catch (cause) {
    throw new FormatError(`Corrupt Parquet footer in ${path}`, { cause })
  }
  const text = (v: ThriftValue | undefined) =>
    v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : ''
  const logicalTypes: string[] = []
  const physicalNotes: string[] = []
  const elements = asList(root.get(2)) as ThriftStruct[]
  // Depth-first schema: each element's num_children (5) says how many of the following belong to it.
  const stack: { prefix: string; left: number }[] = []
  elements.forEach((element, i) => {
    while (stack.length > 0 && (stack.at(-1) as { left: number }).left === 0) stack.pop()
    const parent = stack.at(-1)
    if (parent) parent.left--
    const name =
      i === 0 ? '' : parent?.prefix ? `${parent.prefix}.${text(element.get(4))}` : text(element.get(4))
    const logical = element.get(10)
    const member = logical instanceof Map ? [...logical.keys()][0] : undefined
    const converted = element.get(6)
    const label =
      member !== undefined
        ? LOGICAL[member as number] || `#${member}`
        : typeof converted === 'number'
          ? CONVERTED[converted]
          : undefined
    if (i > 0 && label) logicalTypes.push(`${name}: ${label}`)
    if (element.get(1) === 3) physicalNotes.push(`${name}: INT96`)
    const children = Number(element.get(5) ?? 0)
    if (children > 0) stack.push({ prefix: name, left: children })
  })
  const codecs = new Set<string>()
  for (const group of asList(root.get(4)) as ThriftStruct[]) {
    for (const column of asList(group.get(1)) as ThriftStruct[]) {
      const codec = Number((column.get(3) as ThriftStruct | undefined)?.get(4) ?? 0)
      codecs.add(CODECS[codec] ?? `#${codec}`)
    }
  }
  let footerChanges: readonly string[] = []
  try {
    footerChanges = patchFileMetaData(bytes)?.changes ?? []
  } catch {
    footerChanges = []
  }
  const createdBy = root.get(6)
  return {
    createdBy: createdBy instanceof Uint8Array ? text(createdBy) : null,
    numRows: Number(root.get(3) ?? 0),
    codecs: [...codecs],
    logicalTypes,
    physicalNotes,
    footerChanges,
  }
}
