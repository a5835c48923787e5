import type * as Arrow from 'apache-arrow'
import type pl from 'nodejs-polars'
import { type DecimalSpec, decimalFitProblem, decimalSpecOf } from '../schema/decimal-spec.js'
import type { EntityIR, FieldType } from '../schema/schema-ir.js'
import {
  Binary,
  Decimal,
  Field,
  List,
  makeData,
  makeVector,
  Table,
  tableFromIPC,
  tableToIPC,
} from '../vendor/apache-arrow.js'
import { parquetWasm } from '../vendor/parquet-wasm.js'
import { DATA_PAGE_SIZE_LIMIT } from './data-page-size.js'
import { DecimalRangeError } from './decimal-range-error.js'
import type { ParquetCompression } from './parquet-encoder.js'
import { ipcStreamOf } from './polars-ipc.js'

/**
 * Parquet through arrow-rs (parquet-wasm) for frames with Decimal or Bytes columns, which polars 0.24 cannot write
 * as Parquet DECIMAL or BYTE_ARRAY: the frame crosses as Arrow IPC, its Decimal text columns become Decimal128
 * (arrow-rs stores precision ≤ 9 as INT32, ≤ 18 as INT64, else FIXED_LEN_BYTE_ARRAY) and its base64 Bytes columns
 * Binary; every other column goes through untouched.
 */

/** The conversion of one stored column: decimal text → decimal(p,s), or base64 text → binary. */
type ColumnTarget = { readonly kind: 'decimal'; readonly spec: DecimalSpec } | { readonly kind: 'binary' }

function targetOf(type: FieldType): ColumnTarget | undefined {
  if (type.kind === 'list') return targetOf(type.element)
  if (type.kind !== 'scalar') return undefined
  if (type.name === 'Decimal') return { kind: 'decimal', spec: decimalSpecOf(type) }
  if (type.name === 'Bytes') return { kind: 'binary' }
  return undefined
}

/** Stored column → conversion, for the entity's Decimal/Bytes fields (and lists of them) not in `textStored`. */
export function binaryColumnTargets(
  entity: EntityIR,
  textStored: ReadonlySet<string> = new Set(),
): Map<string, ColumnTarget> {
  const out = new Map<string, ColumnTarget>()
  for (const field of entity.fields) {
    const target = targetOf(field.type)
    if (target && !textStored.has(field.name)) out.set(field.column, target)
  }
  return out
}

const WORD = 2n ** 32n
const MOD128 = 2n ** 128n

/** The unscaled integer of a decimal string at `spec.scale` (exact), or a DecimalRangeError naming `subject`. */
export function unscaledDecimal(text: string, spec: DecimalSpec, subject: string): bigint {
  const problem = decimalFitProblem(text, spec)
  if (problem !== undefined) throw new DecimalRangeError(subject, text, problem)
  const negative = text.startsWith('-')
  const [integer = '', fraction = ''] = (negative ? text.slice(1) : text).split('.')
  const digits = `${integer}${fraction.slice(0, spec.scale).padEnd(spec.scale, '0')}`
  const magnitude = BigInt(digits)
  return negative ? -magnitude : magnitude
}

/** Little-endian 32-bit words (two's complement, 128 bits) of an unscaled value at `at`. */
function setWords(words: Uint32Array, at: number, value: bigint): void {
  let v = value < 0n ? value + MOD128 : value
  for (let w = 0; w < 4; w++) {
    words[at + w] = Number(v % WORD)
    v /= WORD
  }
}

/**
 * The unscaled value of the decimal text in `bytes[start, end)` when it is plain (`-?digits(.digits)?`, at most
 * 15 digits, no more fraction digits than `scale`) and fits `precision`: exact as a double. Else undefined, and the
 * caller takes the general path (which also words the error).
 */
function smallUnscaled(bytes: Uint8Array, start: number, end: number, spec: DecimalSpec): number | undefined {
  let p = start
  const negative = bytes[p] === 45
  if (negative) p++
  if (end - p > 16 || p === end) return undefined
  let n = 0
  let fraction = -1
  for (; p < end; p++) {
    const c = bytes[p] as number
    if (c === 46) {
      if (fraction >= 0 || p === start + (negative ? 1 : 0) || p === end - 1) return undefined
      fraction = 0
    } else if (c >= 48 && c <= 57) {
      n = n * 10 + (c - 48)
      if (fraction >= 0) fraction++
    } else return undefined
  }
  const digits = Math.max(fraction, 0)
  if (digits > spec.scale) return undefined
  const unscaled = n * 10 ** (spec.scale - digits)
  if (unscaled > Number.MAX_SAFE_INTEGER || unscaled >= 10 ** spec.precision) return undefined
  return negative ? -unscaled : unscaled
}

/** Decimal text values → Decimal128 data (little-endian 32-bit words, two's complement), nulls kept. */
function decimalData(texts: Arrow.Data, spec: DecimalSpec, subject: string): Arrow.Data {
  const length = texts.length
  const words = new Uint32Array(length * 4)
  const vector = makeVector(texts)
  // Plain values are parsed from the UTF-8 bytes (no string per value); others go through the exact general path.
  const offsets =
    texts.offset === 0 ? (texts.valueOffsets as ArrayLike<number | bigint> | undefined) : undefined
  const bytes = texts.values as Uint8Array
  const nulls = texts.nullCount > 0 ? texts.nullBitmap : undefined
  for (let i = 0; i < length; i++) {
    if (nulls && ((nulls[i >> 3] as number) & (1 << (i & 7))) === 0) continue
    const small =
      offsets === undefined
        ? undefined
        : smallUnscaled(bytes, Number(offsets[i]), Number(offsets[i + 1]), spec)
    if (small !== undefined) {
      const hi = Math.floor(small / 2 ** 32)
      words[i * 4] = small - hi * 2 ** 32
      words[i * 4 + 1] = hi >>> 0
      words[i * 4 + 2] = words[i * 4 + 3] = small < 0 ? 0xffffffff : 0
      continue
    }
    const text = vector.get(i) as string | null
    if (text !== null) setWords(words, i * 4, unscaledDecimal(text, spec, subject))
  }
  return makeData({
    type: new Decimal(spec.scale, spec.precision, 128),
    length,
    nullCount: texts.nullCount,
    nullBitmap: texts.nullBitmap ?? null,
    data: words,
  })
}

/** base64 text values → Binary data, nulls kept. */
function binaryData(texts: Arrow.Data): Arrow.Data {
  const length = texts.length
  const vector = makeVector(texts)
  const chunks: Buffer[] = []
  const offsets = new Int32Array(length + 1)
  let total = 0
  for (let i = 0; i < length; i++) {
    const text = vector.get(i) as string | null
    if (text !== null) {
      const bytes = Buffer.from(text, 'base64')
      chunks.push(bytes)
      total += bytes.length
    }
    offsets[i + 1] = total
  }
  return makeData({
    type: new Binary(),
    length,
    nullCount: texts.nullCount,
    nullBitmap: texts.nullBitmap ?? null,
    valueOffsets: offsets,
    data: new Uint8Array(Buffer.concat(chunks, total)),
  })
}

/** Converts one column's data (text, or a list of text) to the target type, keeping lists' offsets and nulls. */
function convert(data: Arrow.Data, target: ColumnTarget, subject: string): Arrow.Data {
  const child = data.children[0]
  if (child !== undefined) {
    const element = convert(child, target, subject)
    // Lists become 32-bit-offset lists: LargeList offsets (BigInt64) are narrowed, checked to fit.
    const offsets = Int32Array.from(data.valueOffsets as ArrayLike<number | bigint>, (o) => {
      const n = Number(o)
      if (n > 2 ** 31 - 1) throw new RangeError(`${subject}: list too long for one Parquet page`)
      return n
    })
    return makeData({
      type: new List(new Field('item', element.type, true)),
      length: data.length,
      nullCount: data.nullCount,
      nullBitmap: data.nullBitmap ?? null,
      valueOffsets: offsets,
      child: element,
    })
  }
  return target.kind === 'decimal' ? decimalData(data, target.spec, subject) : binaryData(data)
}

/** A polars frame (stored columns) as Parquet bytes with `targets`' columns as DECIMAL/BYTE_ARRAY, via arrow-rs. */
export function encodeParquetWithArrow(
  df: pl.DataFrame,
  targets: ReadonlyMap<string, ColumnTarget>,
  compression: ParquetCompression,
  subjectOf: (column: string) => string = (column) => column,
  dictionaryColumns: readonly string[] = [],
): Uint8Array {
  const source = tableFromIPC(ipcStreamOf(df))
  const columns: Record<string, Arrow.Vector> = {}
  for (const field of source.schema.fields) {
    const vector = source.getChild(field.name) as Arrow.Vector
    const target = targets.get(field.name)
    columns[field.name] =
      target === undefined
        ? vector
        : makeVector(vector.data.map((chunk) => convert(chunk, target, subjectOf(field.name))))
  }
  const table = new Table(columns)
  const wasm = parquetWasm()
  const codec = {
    uncompressed: wasm.Compression.UNCOMPRESSED,
    snappy: wasm.Compression.SNAPPY,
    gzip: wasm.Compression.GZIP,
    lzo: wasm.Compression.LZO,
    brotli: wasm.Compression.BROTLI,
    lz4: wasm.Compression.LZ4_RAW,
    zstd: wasm.Compression.ZSTD,
  }[compression]
  // Dictionary encoding only where values repeat by design (enums): for unique values arrow-rs fills a 1 MB
  // dictionary before falling back, which made files about 3x larger and slower to write (measured, 100k rows).
  // Small pages as polars' path writes them (data-page-size.ts): a point read decompresses one page per column.
  let builder = new wasm.WriterPropertiesBuilder()
    .setCompression(codec)
    .setDictionaryEnabled(false)
    .setDataPageSizeLimit(DATA_PAGE_SIZE_LIMIT)
  for (const column of dictionaryColumns) builder = builder.setColumnDictionaryEnabled(column, true)
  const props = builder.build()
  return wasm.writeParquet(wasm.Table.fromIPCStream(tableToIPC(table, 'stream')), props)
}
