import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
import { FormatError } from '../errors/pf-error.js'
import { Frame } from '../frame/frame.js'
import { useSharedTempDir } from '../table/__fixtures__/temp-dir.js'
import { int96Column, patchFileMetaData } from './parquet-footer-patch.js'
import { encodeThriftStruct, parseThriftStruct } from './thrift-compact-tree.js'

/** Thrift compact bytes built by hand: field header (delta << 4 | type), then the value. */
const bin = (text: string) => [text.length, ...Buffer.from(text)]
const i32 = (n: number) => [n * 2] // zigzag of a small non-negative int

/** A FileMetaData with one schema list of the given elements (each a list of bytes ending in a stop byte). */
function fileMetaData(elements: number[][], extra: number[] = []): Uint8Array {
  return Uint8Array.from([
    0x15,
    ...i32(1),
    0x19,
    (elements.length << 4) | 12,
    ...elements.flat(),
    ...extra,
    0,
  ])
}

const tmp = useSharedTempDir('pf-footer-')

describe('Thrift compact tree', () => {
  it('encodes a polars-written footer back byte for byte', () => {
    const path = join(tmp.dir, 'a.parquet')
    pl.DataFrame({ id: [1, 2], name: ['a', null], tags: [['x'], []] }).writeParquet(path)
    const file = readFileSync(path)
    const length = file.readUInt32LE(file.length - 8)
    const footer = file.subarray(file.length - 8 - length, file.length - 8)
    expect(Buffer.from(encodeThriftStruct(parseThriftStruct(footer)))).toEqual(Buffer.from(footer))
  })
})

describe('patchFileMetaData', () => {
  it('needs no patch for a plain footer', () => {
    const root = [0x48, ...bin('schema'), 0x15, ...i32(1), 0]
    const column = [0x15, ...i32(1), 0x38, ...bin('id'), 0]
    expect(patchFileMetaData(fileMetaData([root, column]))).toBeUndefined()
  })

  it('re-annotates MAP as LIST, drops MAP_KEY_VALUE and logical types polars does not know', () => {
    const root = [0x48, ...bin('schema'), 0x15, ...i32(2), 0]
    // m: converted_type MAP (6) and logicalType { MAP: {} } (10)
    const map = [0x48, ...bin('m'), 0x15, ...i32(1), 0x15, ...i32(1), 0x4c, 0x2c, 0, 0, 0]
    // key_value: converted_type MAP_KEY_VALUE
    const keyValue = [0x48, ...bin('key_value'), 0x25, ...i32(2), 0]
    // geo: logicalType { GEOMETRY (17): {} }, written with a long-form field header
    const geo = [0x15, ...i32(6), 0x38, ...bin('geo'), 0x6c, 0x0c, 17 * 2, 0, 0, 0]
    const patch = patchFileMetaData(fileMetaData([root, map, keyValue, geo]))
    expect(patch?.changes).toEqual([
      'column m: MAP read as a list of {key, value} structs',
      'column geo: logical type GEOMETRY read as its physical type',
    ])
    const expected = fileMetaData([
      root,
      [0x48, ...bin('m'), 0x15, ...i32(1), 0x15, ...i32(3), 0x4c, 0x3c, 0, 0, 0],
      [0x48, ...bin('key_value'), 0],
      [0x15, ...i32(6), 0x38, ...bin('geo'), 0],
    ])
    expect(Buffer.from(patch?.footer ?? [])).toEqual(Buffer.from(expected))
  })

  it('drops column orders other than TypeDefinedOrder', () => {
    const root = [0x48, ...bin('schema'), 0]
    // field 7 (delta 5 from field 2): list of 2 ColumnOrder structs, the second an IEEE754 total order (member 2)
    const orders = [0x59, 0x2c, 0x1c, 0, 0, 0x2c, 0, 0]
    const patch = patchFileMetaData(fileMetaData([root], orders))
    expect(patch?.changes).toEqual(['column orders other than TypeDefinedOrder ignored'])
    expect(Buffer.from(patch?.footer ?? [])).toEqual(Buffer.from(fileMetaData([root])))
  })
})

describe('INT96 timestamps', () => {
  it('retypes top-level INT96 columns as 12-byte fixed-length binary, in the schema and the column chunks', () => {
    const root = [0x48, ...bin('schema'), 0x15, ...i32(1), 0]
    const ts = [0x15, ...i32(3), 0x38, ...bin('ts'), 0] // type INT96, name
    // row_groups (field 4, delta 2 from 2): one RowGroup { columns (1): [ColumnChunk { meta_data (3): { type (1) INT96, path (3) ["ts"] } }] }
    const rowGroups = [0x29, 0x1c, 0x19, 0x1c, 0x3c, 0x15, ...i32(3), 0x29, 0x18, ...bin('ts'), 0, 0, 0]
    const patch = patchFileMetaData(fileMetaData([root, ts], rowGroups))
    expect(patch?.int96Columns).toEqual(['ts'])
    const expected = fileMetaData(
      [root, [0x15, ...i32(7), 0x15, ...i32(12), 0x28, ...bin('ts'), 0]],
      [0x29, 0x1c, 0x19, 0x1c, 0x3c, 0x15, ...i32(7), 0x29, 0x18, ...bin('ts'), 0, 0, 0],
    )
    expect(Buffer.from(patch?.footer ?? [])).toEqual(Buffer.from(expected))
  })

  it('converts INT96 bytes exactly, also beyond 2262 (Spark writes 9999-12-31 for "no end")', async () => {
    // nanoseconds of the day (int64 LE), Julian day (int32 LE), as Spark wrote them (parquet-testing int96_from_spark)
    const raw = pl
      .Series('ts', ['002a1ed963430000978a2500', '00e02992d20900002cfe5100', null], pl.Utf8)
      .str.decode('hex')
    const rows = await Frame.fromDataFrame(pl.DataFrame([int96Column(raw, 'spark.parquet')])).toRecords()
    expect(rows.map((r) => (r.ts as Date | null)?.toISOString() ?? null)).toEqual([
      '2024-01-01T20:34:56.123Z',
      '9999-12-31T03:00:00.000Z',
      null,
    ])
  })

  it('refuses an INT96 value beyond the microsecond range with a FormatError naming file and column', () => {
    const raw = pl.Series('ts', ['0060b9c76ee2ffffa8abb0f9'], pl.Utf8).str.decode('hex')
    expect(() => int96Column(raw, 'spark.parquet')).toThrow(FormatError)
    expect(() => int96Column(raw, 'spark.parquet')).toThrow(/spark\.parquet.*column "ts"/)
  })
})
