// One row decoded in JS from a Parquet file's checked bytes, against DuckDB reading the same files: every pf scalar
// type, nulls, files from polars, arrow-rs (the Decimal/Bytes path and a v2-page writer) and the small writer.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import pl from 'nodejs-polars'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ThriftCompactReader, type ThriftStruct, type ThriftValue } from '../format/thrift-compact-reader.js'
import { tableFromIPC, tableToIPC } from '../vendor/apache-arrow.js'
import { parquetWasm } from '../vendor/parquet-wasm.js'
import { everyTypeEntity, everyTypeFrame } from './__fixtures__/every-type-rows.js'
import { DATA_PAGE_SIZE_LIMIT } from './data-page-size.js'
import { decodeKeyPositionIndex, encodeKeyPositionIndex } from './key-position-file.js'
import { KeyPositionIndex } from './key-position-index.js'
import { narrowedFrame } from './narrow-columns.js'
import { encodeParquet, type ParquetCompression } from './parquet-encoder.js'
import {
  type ParquetPointLayout,
  POINT_READ_CHUNK,
  POINT_READ_FOOTER,
  parquetPointLayout,
} from './parquet-point-layout.js'
import {
  blockSizeFor,
  parquetRangeChecksums,
  rangesForRow,
  rangesOverlapping,
} from './parquet-range-checksums.js'
import { type ByteSource, decodeParquetRow, type RowColumn, type RowValue } from './parquet-row-decoder.js'
import { decodedPointRow } from './point-row.js'
import { ipcStreamOf } from './polars-ipc.js'
import { encodeSmallParquet } from './small-parquet-writer.js'

const entity = everyTypeEntity
const columns: RowColumn[] = entity.fields.map((f) => ({ name: f.column, type: f.type }))
/** The columns polars writes itself (Decimal and Bytes columns send a file through arrow-rs). */
const polarsColumns = columns.filter((c) => !['dec', 'wide', 'by'].includes(c.name))

/**
 * DuckDB's reading of each column, made comparable: 64-bit integers and decimals as text, dates as days, text as
 * the base64 of its UTF-8 bytes (DuckDB's client drops a leading U+FEFF when it hands out a string).
 */
const duckColumn: Record<string, string> = {
  id: 'CAST(id AS VARCHAR)',
  i: 'CAST(i AS VARCHAR)',
  big: 'CAST(big AS VARCHAR)',
  f: 'f',
  b: 'b',
  s: 'to_base64(encode(s))',
  j: 'to_base64(encode(CAST(j AS VARCHAR)))',
  e: 'to_base64(encode(CAST(e AS VARCHAR)))',
  d: "CAST(d - DATE '1970-01-01' AS INTEGER)",
  t: 'epoch_us(t)',
  dec: 'CAST(dec AS VARCHAR)',
  wide: 'CAST(wide AS VARCHAR)',
  by: 'to_base64("by")',
}

/** The decoded values in DuckDB's terms. */
function comparable(values: readonly RowValue[], names: readonly string[]): unknown[] {
  return values.map((v, i) => {
    const name = names[i] as string
    if (v === null) return null
    if (name === 'id' || name === 'i' || name === 'big') return String(v)
    if (name === 's' || name === 'j' || name === 'e') return Buffer.from(v as string).toString('base64')
    return v
  })
}

let dir: string
let duck: Awaited<ReturnType<Awaited<ReturnType<typeof DuckDBInstance.create>>['connect']>>

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pf-row-decoder-'))
  duck = await (await DuckDBInstance.create(':memory:')).connect()
})

afterAll(async () => {
  duck.closeSync()
  await rm(dir, { recursive: true, force: true, maxRetries: 5 })
})

/** DuckDB's values of rows at these file positions, by position. */
async function duckRows(path: string, names: readonly string[], positions: readonly number[]) {
  const select = names.map((n) => duckColumn[n]).join(', ')
  const reader = await duck.runAndReadAll(
    `SELECT file_row_number AS pos, ${select} FROM read_parquet('${path}', file_row_number = true)
     WHERE file_row_number IN (${positions.join(', ')}) ORDER BY pos`,
  )
  const out = new Map<number, unknown[]>()
  for (const row of reader.getRows()) out.set(Number(row[0]), row.slice(1))
  return out
}

/** A file's bytes as a point read's source: only within its row's group and the tail; counts the bytes read. */
function sourceFor(bytes: Uint8Array, position: number): ByteSource & { read$: Set<number> } {
  const ranges = parquetRangeChecksums(bytes)
  if (!ranges) throw new Error('no ranges')
  const blocks = rangesForRow(ranges, position)
  if (!blocks) throw new Error(`no row group holds ${position}`)
  // Blocks of the file read (as a point read checks them: whole blocks).
  const read$ = new Set<number>()
  return {
    size: bytes.length,
    read$,
    read: async (start, end) => {
      const within = rangesOverlapping(blocks, start, end)
      if (within.length === 0 || (within[0]?.start ?? start + 1) > start || (within.at(-1)?.end ?? 0) < end)
        throw new RangeError(`read ${start}-${end} outside the row's group and the tail`)
      for (const b of within) read$.add(b.start)
      return bytes.subarray(start, end)
    },
  }
}

/** Struct fields in a decoded Thrift value, at any depth (what a full read counts as decoded). */
function fieldsIn(value: ThriftValue | undefined): number {
  if (Array.isArray(value)) return value.reduce((sum: number, v) => sum + fieldsIn(v), 0)
  if (!(value instanceof Map)) return 0
  let n = 0
  for (const v of value.values()) n += 1 + fieldsIn(v)
  return n
}

/** A row decoded from the bytes a point read may touch: its row group's and the file's tail. */
async function decodeAt(bytes: Uint8Array, position: number, wanted: readonly RowColumn[]) {
  return decodeParquetRow(sourceFor(bytes, position), position, wanted)
}

/** First rows of every data page of every column (from the offset indexes the writers put before the footer). */
function pageStarts(bytes: Uint8Array): number[] {
  const n = bytes.length
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(n - 8, true)
  const meta = new ThriftCompactReader(bytes.subarray(n - 8 - length, n - 8)).readStruct()
  const starts = new Set<number>()
  let groupFirst = 0
  for (const group of meta.get(4) as ThriftStruct[]) {
    for (const chunk of group.get(1) as ThriftStruct[]) {
      const offset = chunk.get(4)
      const size = chunk.get(5)
      if (offset === undefined || size === undefined) continue
      const at = Number(offset)
      const index = new ThriftCompactReader(bytes.subarray(at, at + Number(size))).readStruct()
      for (const page of index.get(1) as ThriftStruct[]) starts.add(groupFirst + Number(page.get(3)))
    }
    groupFirst += Number(group.get(3))
  }
  return [...starts].sort((a, b) => a - b)
}

/** Positions worth reading: the ends, page boundaries (at most 40, spread over the file) and their neighbours. */
function positionsOf(bytes: Uint8Array, rows: number): number[] {
  const out = new Set([0, 1, 2, rows - 2, rows - 1, Math.floor(rows / 3), Math.floor(rows / 2) + 1])
  const starts = pageStarts(bytes)
  const step = Math.max(1, Math.ceil(starts.length / 40))
  for (const start of starts.filter((_, i) => i % step === 0 || i === starts.length - 1))
    for (const p of [start - 1, start, start + 1]) out.add(p)
  return [...out].filter((p) => p >= 0 && p < rows).sort((a, b) => a - b)
}

/**
 * A file's point-read layout as a key index stores it: built from its bytes, written into a key index file with
 * its range checksums and read back (every check of the format run).
 */
function storedLayout(bytes: Uint8Array): ParquetPointLayout {
  const layout = parquetPointLayout(bytes)
  const ranges = parquetRangeChecksums(bytes)
  if (!layout || !ranges) throw new Error('no layout')
  const rows = layout.groupRows.reduce((a, b) => a + b, 0)
  const identity = { path: 'part-x.parquet', size: bytes.length, checksum: 'crc32:0', rows }
  // Entries are not what this is about: every row under one hash.
  const positions = Uint32Array.from({ length: rows }, (_, i) => i)
  const index = new KeyPositionIndex(identity, ['id'], new Uint32Array(rows), positions, ranges, layout)
  const stored = decodeKeyPositionIndex(encodeKeyPositionIndex(index), 'k.pfidx').layout
  if (!stored) throw new Error('layout not stored')
  return stored
}

/**
 * The row at `position` decoded with the file's stored layout: the row decoded from the footer, and nothing read of
 * the file's tail (its offset indexes and footer).
 */
async function checkLayoutRead(
  bytes: Uint8Array,
  layout: ParquetPointLayout,
  position: number,
  wanted: readonly RowColumn[],
) {
  const source = sourceFor(bytes, position)
  const reads: [number, number][] = []
  const read = source.read
  source.read = (start, end) => {
    reads.push([start, end])
    return read(start, end)
  }
  const row = await decodeParquetRow(source, position, wanted, layout)
  const tail = parquetRangeChecksums(bytes)?.tail.start ?? 0
  expect({ position, tailReads: reads.filter(([, end]) => end > tail) }).toEqual({ position, tailReads: [] })
  expect(reads.length).toBeGreaterThan(0)
  return row
}

/**
 * Decodes each position and checks it against DuckDB, and decodes it again with the file's layout as a key index
 * stores it (the same row, no footer read); returns how many rows were decoded.
 */
async function checkFile(name: string, bytes: Uint8Array, wanted: readonly RowColumn[], positions: number[]) {
  const path = join(dir, name)
  await writeFile(path, bytes)
  const names = wanted.map((c) => c.name)
  const expected = await duckRows(path, names, positions)
  const layout = storedLayout(bytes)
  for (const p of positions) {
    const row = await decodeAt(bytes, p, wanted)
    if (!row) throw new Error(`${name}: row ${p} not decoded`)
    expect({ p, values: comparable(row.values, names) }).toEqual({ p, values: expected.get(p) })
    expect(await checkLayoutRead(bytes, layout, p, wanted)).toEqual(row)
  }
  return positions.length
}

describe('decoding one Parquet row in JS', () => {
  const ROWS = 300_000
  const codecs: ParquetCompression[] = ['uncompressed', 'snappy', 'gzip', 'zstd']

  it.each(codecs)(
    'reads polars files (%s, dictionary and plain pages, several pages per column) as DuckDB does',
    async (codec) => {
      const df = everyTypeFrame(ROWS).drop('dec', 'wide', 'by')
      const bytes = encodeParquet(df, codec)
      const positions = positionsOf(bytes, ROWS)
      // Several pages per column, so page boundaries are among the positions, and several row groups.
      expect(pageStarts(bytes).length).toBeGreaterThan(5)
      expect(parquetPointLayout(bytes)?.groupRows.length).toBeGreaterThan(1)
      expect(await checkFile(`polars-${codec}.parquet`, bytes, polarsColumns, positions)).toBe(
        positions.length,
      )
      // The row as a table frame and as polars' `row` hands it out: what reading the row with polars gives.
      const read = pl.readParquet(Buffer.from(bytes))
      for (const p of positions.slice(0, 12)) {
        const decoded = await decodeAt(bytes, p, polarsColumns)
        if (!decoded) throw new Error(`row ${p} not decoded`)
        const point = decodedPointRow(
          polarsColumns.map((c) => c.name),
          decoded,
        )
        const expected = read.slice(p, 1)
        expect(point.frame().dtypes.map(String)).toEqual(expected.dtypes.map(String))
        expect(point.frame().frameEqual(expected, true)).toBe(true)
        expect(point.values).toEqual(expected.row(0))
      }
    },
  )

  it.each(codecs)('reads arrow-rs files of tables with Decimal and Bytes fields (%s)', async (codec) => {
    const rows = 20_000
    const bytes = encodeParquet(everyTypeFrame(rows), codec, { entity })
    const positions = positionsOf(bytes, rows)
    // arrow-rs writes pages of at most DATA_PAGE_SIZE_LIMIT too: several per column at 20,000 rows.
    expect(pageStarts(bytes).length).toBeGreaterThan(5)
    expect(await checkFile(`arrow-${codec}.parquet`, bytes, columns, positions)).toBe(positions.length)
  })

  it("reads an adopted table's narrow columns (INT32 of 32/16/8 bits, FLOAT) as the table's Int64 and Float64", async () => {
    const rows = 20_000
    const df = everyTypeFrame(rows).drop('dec', 'wide', 'by')
    const narrow = { id: 'integer', i: 'short', f: 'float' } as const
    const bytes = encodeParquet(narrowedFrame(df, entity, narrow), 'snappy')
    const positions = positionsOf(bytes, rows)
    expect(await checkFile('narrow.parquet', bytes, polarsColumns, positions)).toBe(positions.length)
    const decoded = await decodeAt(bytes, 3, polarsColumns)
    expect(decoded?.kinds.slice(0, 4)).toEqual(['int64', 'int64', 'int64', 'double'])
    expect(decoded?.values.slice(0, 2)).toEqual([3n, 111n])
  })

  it('reads DATA_PAGE v2 files with small dictionary-encoded pages (arrow-rs, another writer)', async () => {
    const rows = 5_000
    const df = everyTypeFrame(rows).drop('dec', 'wide', 'by')
    const wasm = parquetWasm()
    const props = new wasm.WriterPropertiesBuilder()
      .setCompression(wasm.Compression.SNAPPY)
      .setWriterVersion(wasm.WriterVersion.V2)
      .setDataPageSizeLimit(512)
      .setWriteBatchSize(64)
      .setDictionaryEnabled(true)
      .build()
    const table = wasm.Table.fromIPCStream(tableToIPC(tableFromIPC(ipcStreamOf(df)), 'stream'))
    const bytes = wasm.writeParquet(table, props)
    const positions = positionsOf(bytes, rows)
    expect(pageStarts(bytes).length).toBeGreaterThan(20)
    expect(await checkFile('arrow-v2.parquet', bytes, polarsColumns, positions)).toBe(positions.length)
  })

  it('reads arrow-rs files whose dictionary overflowed into PLAIN pages, with nulls, page by page', async () => {
    const rows = 30_000
    const df = pl.DataFrame({
      id: pl.Series(
        'id',
        Array.from({ length: rows }, (_, i) => i),
        pl.Int64,
      ),
      // Unique strings: arrow-rs starts a dictionary, outgrows its 2 KiB limit and writes PLAIN pages after it.
      s: pl.Series(
        's',
        Array.from({ length: rows }, (_, i) => (i % 5 === 0 ? null : `v${i}`)),
        pl.Utf8,
      ),
    })
    const wasm = parquetWasm()
    const props = new wasm.WriterPropertiesBuilder()
      .setCompression(wasm.Compression.SNAPPY)
      .setDataPageSizeLimit(4096)
      .setDictionaryEnabled(true)
      .setDictionaryPageSizeLimit(2048)
      .build()
    const table = wasm.Table.fromIPCStream(tableToIPC(tableFromIPC(ipcStreamOf(df)), 'stream'))
    const bytes = wasm.writeParquet(table, props)
    const wanted = [
      { name: 'id', type: { kind: 'scalar', name: 'Int' } },
      { name: 's', type: { kind: 'scalar', name: 'String' } },
    ] as const satisfies readonly RowColumn[]
    const positions = positionsOf(bytes, rows)
    expect(pageStarts(bytes).length).toBeGreaterThan(20)
    const path = join(dir, 'arrow-fallback.parquet')
    await writeFile(path, bytes)
    const duckPages = await duck.runAndReadAll(
      `SELECT DISTINCT encodings FROM parquet_metadata('${path}') WHERE path_in_schema = 's'`,
    )
    // Both kinds of pages in the one chunk: dictionary-encoded, then PLAIN.
    expect(String(duckPages.getRows()[0]?.[0])).toMatch(/PLAIN/)
    expect(String(duckPages.getRows()[0]?.[0])).toMatch(/DICTIONARY/)
    const expected = await duckRows(path, ['id', 's'], positions)
    const layout = storedLayout(bytes)
    for (const p of positions) {
      const row = await decodeAt(bytes, p, wanted)
      expect({ p, values: row && comparable(row.values, ['id', 's']) }).toEqual({
        p,
        values: expected.get(p),
      })
      expect(await checkLayoutRead(bytes, layout, p, wanted)).toEqual(row)
    }
  })

  it("reads one small page per column of pf's own files: bytes read and decompressed for one row", async () => {
    const rows = 1_000_000
    // Unique values, no dictionary: every column's pages hold its values (8 to 30 bytes a row).
    const df = pl.DataFrame({
      id: pl.Series(
        'id',
        Array.from({ length: rows }, (_, i) => i),
        pl.Int64,
      ),
      score: pl.Series(
        'score',
        Array.from({ length: rows }, (_, i) => Math.sin(i) * 1e6),
        pl.Float64,
      ),
      email: pl.Series(
        'email',
        Array.from({ length: rows }, (_, i) => `user${(i * 7_919) % rows}@example.com`),
        pl.Utf8,
      ),
    })
    const wanted = [
      { name: 'id', type: { kind: 'scalar', name: 'Int' } },
      { name: 'score', type: { kind: 'scalar', name: 'Float' } },
      { name: 'email', type: { kind: 'scalar', name: 'String' } },
    ] as const satisfies readonly RowColumn[]
    // Snappy (every codec decodes in JS on every Node; this test is about pages and bytes read).
    const bytes = encodeParquet(df, 'snappy')
    const position = 654_321
    const source = sourceFor(bytes, position)
    const row = await decodeParquetRow(source, position, wanted)
    expect(row?.values).toEqual([
      654_321n,
      Math.sin(position) * 1e6,
      `user${(position * 7_919) % rows}@example.com`,
    ])
    // One page per column decompressed (a page holds at most the limit of values, plus its levels).
    expect(row?.decompressedBytes).toBeGreaterThan(0)
    expect(row?.decompressedBytes).toBeLessThanOrEqual(wanted.length * (DATA_PAGE_SIZE_LIMIT + 1024))
    // Read: the blocks of the footer, the offset indexes and one page per column, not the row group.
    const block = blockSizeFor(bytes.length)
    // A page spans at most DATA_PAGE_SIZE_LIMIT / block blocks per column (12 blocks at 64 KiB pages, 24 at 128 KiB).
    expect(source.read$.size).toBeLessThanOrEqual(wanted.length * (DATA_PAGE_SIZE_LIMIT / block))
    expect(source.read$.size * block).toBeLessThan(bytes.length / 10)
    // With the layout a key index holds: the same row from the pages' blocks alone, no footer or offset index.
    const layout = storedLayout(bytes)
    const paged = sourceFor(bytes, position)
    expect(await decodeParquetRow(paged, position, wanted, layout)).toEqual(row)
    const tail = parquetRangeChecksums(bytes)?.tail.start ?? 0
    expect([...paged.read$].filter((b) => b + block > tail)).toEqual([])
    expect(paged.read$.size).toBeLessThan(source.read$.size)

    // The same rows in polars' default 1 MiB pages (writeParquet): the lookup decompresses megabytes.
    const large = df.writeParquet({ compression: 'snappy' })
    const before = await decodeParquetRow(sourceFor(large, position), position, wanted)
    expect(before?.values).toEqual(row?.values)
    expect(before?.decompressedBytes).toBeGreaterThan(2 * 1024 * 1024)
  })

  it('decodes only the footer fields a point read uses: no statistics, encodings or key-value metadata', () => {
    const rows = 300_000
    const df = pl.DataFrame({
      id: pl.Series(
        'id',
        Array.from({ length: rows }, (_, i) => i),
        pl.Int64,
      ),
      name: pl.Series(
        'name',
        Array.from({ length: rows }, (_, i) => `name${i % 1_000}`),
        pl.Utf8,
      ),
    })
    const bytes = encodeParquet(df, 'zstd')
    const n = bytes.length
    const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(n - 8, true)
    const footerBytes = bytes.subarray(n - 8 - length, n - 8)
    const fullReader = new ThriftCompactReader(footerBytes)
    const full = fullReader.readStruct()
    const shapedReader = new ThriftCompactReader(footerBytes)
    const shaped = shapedReader.readShaped(POINT_READ_FOOTER)
    expect([...shaped.keys()].sort()).toEqual([2, 4])
    expect(shaped.get(2)).toEqual(full.get(2))
    const fullGroups = full.get(4) as ThriftStruct[]
    const groups = shaped.get(4) as ThriftStruct[]
    expect(groups.length).toBe(fullGroups.length)
    expect(groups.length).toBeGreaterThan(1)
    let statistics = 0
    groups.forEach((group, g) => {
      const fullGroup = fullGroups[g] as ThriftStruct
      expect(group.get(3)).toBe(Number(fullGroup.get(3)))
      // Columns are kept undecoded until a point read picks the row's group.
      const chunks = ThriftCompactReader.decodeLater(group.get(1), POINT_READ_CHUNK) as ThriftStruct[]
      const fullChunks = fullGroup.get(1) as ThriftStruct[]
      chunks.forEach((chunk, c) => {
        const fullChunk = fullChunks[c] as ThriftStruct
        for (const id of [4, 5]) expect(chunk.get(id)).toBe(Number(fullChunk.get(id)))
        const meta = chunk.get(3) as ThriftStruct
        const fullMeta = fullChunk.get(3) as ThriftStruct
        expect([...meta.keys()].sort((a, b) => a - b)).toEqual(
          [1, 3, 4, 7, 9, 11].filter((id) => fullMeta.has(id)),
        )
        for (const id of [7, 9, 11]) if (fullMeta.has(id)) expect(meta.get(id)).toBe(Number(fullMeta.get(id)))
        expect(meta.get(3)).toEqual(fullMeta.get(3))
        if (fullMeta.has(12)) statistics++
      })
    })
    // The writer's statistics were there to skip; the footer's read built a fraction of the fields (no chunk's).
    expect(statistics).toBe(groups.length * 2)
    // Built: the two top-level fields, the schema's fields and each group's row count.
    expect(shapedReader.fieldsDecoded).toBe(2 + fieldsIn(full.get(2)) + groups.length)
    expect(shapedReader.fieldsDecoded).toBeLessThan(fullReader.fieldsDecoded / 4)
  })

  it('reads files of the small writer (PLAIN, uncompressed, every column optional)', async () => {
    const encoder = new TextEncoder()
    const values = [
      { id: 0n, i: 5n, f: 1.25, b: true, s: 'héllo', d: -3, t: -1_500n },
      { id: 1n, i: null, f: null, b: null, s: null, d: null, t: null },
      { id: 2n, i: -(2n ** 62n), f: Number.NaN, b: false, s: '', d: 19_000, t: 1_700_000_000_123_456n },
    ]
    const small = [
      { name: 'id', kind: 'int64', values: values.map((v) => v.id) },
      { name: 'i', kind: 'int64', values: values.map((v) => v.i) },
      { name: 'f', kind: 'double', values: values.map((v) => v.f) },
      { name: 'b', kind: 'boolean', values: values.map((v) => v.b) },
      { name: 's', kind: 'string', values: values.map((v) => (v.s === null ? null : encoder.encode(v.s))) },
      { name: 'd', kind: 'date', values: values.map((v) => v.d) },
      { name: 't', kind: 'timestamp', values: values.map((v) => v.t) },
    ] as const
    const { bytes } = encodeSmallParquet(small, values.length)
    const wanted = small.map((c) => columns.find((x) => x.name === c.name) as RowColumn)
    expect(await checkFile('small.parquet', bytes, wanted, [0, 1, 2])).toBe(3)
    expect((await decodeAt(bytes, 2, wanted))?.values).toEqual([
      2n,
      -(2n ** 62n),
      Number.NaN,
      false,
      '',
      19_000,
      1_700_000_000_123_456n,
    ])
  })

  it('gives no answer where polars must read: nested columns, a type other than the field, a missing column', async () => {
    const df = everyTypeFrame(100).drop('dec', 'wide', 'by')
    const bytes = encodeParquet(df, 'snappy')
    expect(await decodeAt(bytes, 5, polarsColumns)).toBeDefined()
    // A String field stored as INT64, a column the file lacks.
    expect(
      await decodeAt(bytes, 5, [{ name: 'i', type: { kind: 'scalar', name: 'String' } }]),
    ).toBeUndefined()
    expect(
      await decodeAt(bytes, 5, [{ name: 'nick', type: { kind: 'scalar', name: 'String' } }]),
    ).toBeUndefined()
    // A list column anywhere in the file.
    const nested = encodeParquet(
      df.withColumn(
        pl.Series(
          'tags',
          [...Array(100)].map(() => ['a']),
        ),
      ),
      'snappy',
    )
    expect(await decodeAt(nested, 5, polarsColumns)).toBeUndefined()
    // A key index holds no layout for it (its point reads read the footer, then polars reads the row).
    expect(parquetPointLayout(bytes)).toBeDefined()
    expect(parquetPointLayout(nested)).toBeUndefined()
    // With a layout, the same rules: no answer for a type other than the field or a column the file lacks.
    const layout = storedLayout(bytes)
    expect(await decodeParquetRow(sourceFor(bytes, 5), 5, polarsColumns, layout)).toBeDefined()
    for (const wanted of [
      [{ name: 'i', type: { kind: 'scalar', name: 'String' } }],
      [{ name: 'nick', type: { kind: 'scalar', name: 'String' } }],
    ] as const satisfies readonly RowColumn[][])
      expect(await decodeParquetRow(sourceFor(bytes, 5), 5, wanted, layout)).toBeUndefined()
  })
})
