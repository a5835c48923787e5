// Parquet files written byte by byte, for the layouts no writer at hand produces (legacy 2-level lists, repeated
// fields without LIST annotation, FLOAT16, footers with wrong counts or offsets): one row group, one uncompressed
// PLAIN data page (v1) per column, levels as RLE runs of one.
import { gzipSync } from 'node:zlib'

/** A Thrift compact value: i32/i64 numbers, binary, a list or a struct. */
type TValue =
  | { readonly i32: number }
  | { readonly i64: number }
  | { readonly bin: Uint8Array | string }
  | { readonly list: number; readonly items: readonly TValue[] }
  | { readonly struct: readonly TEntry[] }

/** A struct field: id and value (absent values are left out). */
type TEntry = readonly [number, TValue | undefined]

const T_I32 = 5
const T_I64 = 6
const T_BINARY = 8
const T_LIST = 9
const T_STRUCT = 12

function varint(n: number, out: number[]): void {
  let v = n
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80)
    v = Math.floor(v / 0x80)
  }
  out.push(v)
}

const zigzag = (n: number): number => (n >= 0 ? n * 2 : -n * 2 - 1)

function typeOf(v: TValue): number {
  if ('i32' in v) return T_I32
  if ('i64' in v) return T_I64
  if ('bin' in v) return T_BINARY
  if ('list' in v) return T_LIST
  return T_STRUCT
}

function encodeValue(v: TValue, out: number[]): void {
  if ('i32' in v) varint(zigzag(v.i32), out)
  else if ('i64' in v) varint(zigzag(v.i64), out)
  else if ('bin' in v) {
    const bytes = typeof v.bin === 'string' ? Buffer.from(v.bin, 'utf8') : v.bin
    varint(bytes.length, out)
    out.push(...bytes)
  } else if ('list' in v) {
    if (v.items.length < 15) out.push((v.items.length << 4) | v.list)
    else {
      out.push(0xf0 | v.list)
      varint(v.items.length, out)
    }
    for (const item of v.items) encodeValue(item, out)
  } else {
    let last = 0
    for (const [id, value] of v.struct) {
      if (value === undefined) continue
      out.push(((id - last) << 4) | typeOf(value))
      last = id
      encodeValue(value, out)
    }
    out.push(0)
  }
}

function thrift(entries: readonly TEntry[]): number[] {
  const out: number[] = []
  encodeValue({ struct: entries }, out)
  return out
}

/** One schema element: a group (children) or a leaf (physical type). */
export interface HandmadeElement {
  readonly name: string
  /** Absent only on the root. */
  readonly repetition?: 'required' | 'optional' | 'repeated'
  /** Parquet physical type of a leaf: 1 INT32, 7 FIXED_LEN_BYTE_ARRAY. */
  readonly type?: number
  readonly typeLength?: number
  /** ConvertedType: 3 LIST. */
  readonly converted?: number
  /** LogicalType union member id with an empty struct (15 FLOAT16). */
  readonly logical?: number
  readonly children?: readonly HandmadeElement[]
}

/** One leaf column's page: its levels (one per level entry) and its non-null values as PLAIN bytes. */
export interface HandmadeColumn {
  readonly path: readonly string[]
  readonly type: number
  readonly maxRep: number
  readonly maxDef: number
  readonly rep: readonly number[]
  readonly def: readonly number[]
  readonly values: Uint8Array
}

export interface HandmadeFile {
  readonly schema: readonly HandmadeElement[]
  readonly columns: readonly HandmadeColumn[]
  readonly rows: number
  /** The file-level row count written in the footer. Default `rows`. */
  readonly footerRows?: number
  /** A dictionary page offset to write in every column chunk (none by default). */
  readonly dictionaryPageOffset?: number
  /** ColumnMetaData field 15 (bloom filter length, an i32) written as a list of i32 instead. */
  readonly listInField15?: boolean
  /** Bytes left out of every chunk's total sizes (a writer forgot a page header in them). Default 0. */
  readonly chunkSizeShortBy?: number
  /** GZIP pages, each compressed as two gzip members one after the other (as some Hadoop writers do). */
  readonly gzipMembers?: boolean
}

const REPETITION = { required: 0, optional: 1, repeated: 2 }

function flatten(elements: readonly HandmadeElement[], out: TValue[]): void {
  for (const e of elements) {
    out.push({
      struct: [
        [1, e.type === undefined ? undefined : { i32: e.type }],
        [2, e.typeLength === undefined ? undefined : { i32: e.typeLength }],
        [3, e.repetition === undefined ? undefined : { i32: REPETITION[e.repetition] }],
        [4, { bin: e.name }],
        [5, e.children ? { i32: e.children.length } : undefined],
        [6, e.converted === undefined ? undefined : { i32: e.converted }],
        [10, e.logical === undefined ? undefined : { struct: [[e.logical, { struct: [] }]] }],
      ],
    })
    if (e.children) flatten(e.children, out)
  }
}

/** RLE/bit-packed hybrid levels, each an RLE run of one, with the v1 page's 4-byte length prefix. */
function levels(values: readonly number[], max: number): number[] {
  if (max === 0) return []
  const width = Math.ceil(Math.log2(max + 1) / 8)
  const body: number[] = []
  for (const v of values) {
    body.push(2) // run header: (1 << 1) | 0 = one repeated value
    for (let b = 0; b < width; b++) body.push((v >> (8 * b)) & 0xff)
  }
  const length = Buffer.alloc(4)
  length.writeUInt32LE(body.length)
  return [...length, ...body]
}

/** The bytes of a Parquet file holding `file`'s columns. */
export function handmadeParquet(file: HandmadeFile): Buffer {
  const out: number[] = [...Buffer.from('PAR1')]
  const chunks: TValue[] = []
  for (const column of file.columns) {
    const plain = [
      ...levels(column.rep, column.maxRep),
      ...levels(column.def, column.maxDef),
      ...column.values,
    ]
    const half = Math.floor(plain.length / 2)
    const data = file.gzipMembers
      ? [...gzipSync(Uint8Array.from(plain.slice(0, half))), ...gzipSync(Uint8Array.from(plain.slice(half)))]
      : plain
    const header = thrift([
      [1, { i32: 0 }],
      [2, { i32: plain.length }],
      [3, { i32: data.length }],
      [
        5,
        {
          struct: [
            [1, { i32: column.def.length }],
            [2, { i32: 0 }],
            [3, { i32: 3 }],
            [4, { i32: 3 }],
          ],
        },
      ],
    ])
    const offset = out.length
    out.push(...header, ...data)
    const size = header.length + data.length
    chunks.push({
      struct: [
        [2, { i64: offset }],
        [
          3,
          {
            struct: [
              [1, { i32: column.type }],
              [2, { list: T_I32, items: [{ i32: 0 }, { i32: 3 }] }],
              [3, { list: T_BINARY, items: column.path.map((p) => ({ bin: p })) }],
              [4, { i32: file.gzipMembers ? 2 : 0 }],
              [5, { i64: column.def.length }],
              [6, { i64: header.length + plain.length - (file.chunkSizeShortBy ?? 0) }],
              [7, { i64: size - (file.chunkSizeShortBy ?? 0) }],
              [9, { i64: offset }],
              [11, file.dictionaryPageOffset === undefined ? undefined : { i64: file.dictionaryPageOffset }],
              [15, file.listInField15 ? { list: T_I32, items: [{ i32: 1 }] } : undefined],
            ],
          },
        ],
      ],
    })
  }
  const elements: TValue[] = []
  flatten([{ name: 'schema', children: file.schema }], elements)
  const footer = thrift([
    [1, { i32: 1 }],
    [2, { list: T_STRUCT, items: elements }],
    [3, { i64: file.footerRows ?? file.rows }],
    [
      4,
      {
        list: T_STRUCT,
        items: [
          {
            struct: [
              [1, { list: T_STRUCT, items: chunks }],
              [2, { i64: out.length - 4 }],
              [3, { i64: file.rows }],
            ],
          },
        ],
      },
    ],
  ])
  const length = Buffer.alloc(4)
  length.writeUInt32LE(footer.length)
  return Buffer.from([...out, ...footer, ...length, ...Buffer.from('PAR1')])
}

/** PLAIN INT32 values. */
export function int32Values(values: readonly number[]): Uint8Array {
  const buf = Buffer.alloc(values.length * 4)
  values.forEach((v, i) => {
    buf.writeInt32LE(v, i * 4)
  })
  return buf
}
