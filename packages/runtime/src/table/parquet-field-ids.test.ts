// Parquet field ids written into a finished file's footer (parquet-field-ids.ts): each of pf's three encoders'
// output (polars, arrow-rs) gets them in the Parquet schema and in ARROW:schema, reads back as
// the same rows, and keeps every other footer byte.
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
import { entityIRFor } from '../entity/__fixtures__/test-ir.js'
import { listItems } from '../format/parquet-footer-patch.js'
import {
  binaryOf,
  encodeThriftStruct,
  fieldOf,
  parseThriftStruct,
  structFields,
} from '../format/thrift-compact-tree.js'
import { tableFromIPC } from '../vendor/apache-arrow.js'
import { parquetWasm } from '../vendor/parquet-wasm.js'
import { withDuckDB } from './__fixtures__/duckdb-session.js'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { binaryColumnsAsBase64 } from './binary-column-reader.js'
import { encodeParquet } from './parquet-encoder.js'
import { ParquetFieldIdError } from './parquet-field-id-error.js'
import { ARROW_FIELD_ID_KEY, withParquetFieldIds } from './parquet-field-ids.js'

const temp = useTempDir('pf-field-ids-')

const frame = () =>
  pl.DataFrame({
    id: pl.Series('id', [1, 2, 3], pl.Int64),
    col_a: pl.Series('col_a', ['x', null, 'z'], pl.Utf8),
    tags: pl.Series('tags', [['p'], [], ['q', 'r']], pl.List(pl.Utf8)),
  })
const ids = new Map([
  ['id', 1],
  ['col_a', 7],
  ['tags', 3],
])

/**
 * The encoders pf writes frames with, on the same rows (pf's small writer is covered through a table's small inserts
 * in column-mapping-field-ids.test.ts: its API is being reworked).
 */
const encoders: Record<string, () => Promise<Uint8Array>> = {
  polars: async () => encodeParquet(frame()),
  'arrow-rs': async () => {
    const entity = entityIRFor(
      'Item',
      { id: 'BigInt', col_a: 'Bytes?', tags: 'String[]' },
      { storage: 'items' },
    )
    const base64 = frame().withColumns(pl.Series('col_a', ['eA==', null, 'eg=='], pl.Utf8))
    return encodeParquet(base64, 'zstd', { entity })
  },
}

function footerOf(bytes: Uint8Array) {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
  const length = view.readUInt32LE(bytes.length - 8)
  return {
    dataEnd: bytes.length - 8 - length,
    footer: bytes.subarray(bytes.length - 8 - length, bytes.length - 8),
  }
}

const text = (node: ReturnType<typeof fieldOf>) => Buffer.from(binaryOf(node) ?? []).toString('latin1')

describe('withParquetFieldIds', () => {
  for (const [encoder, encode] of Object.entries(encoders)) {
    it(`gives each column of ${encoder} output its field id, read back by DuckDB, polars and arrow-rs`, async () => {
      const bytes = await encode()
      const before = join(temp.dir, 'before.parquet')
      const after = join(temp.dir, 'after.parquet')
      const rewritten = withParquetFieldIds(bytes, ids, 'items')
      await writeFile(before, bytes)
      await writeFile(after, rewritten)
      const columns = pl.readParquet(Buffer.from(bytes)).columns
      await withDuckDB(async (run) => {
        const schemaOf = async (path: string) =>
          (await run(`select name, field_id from parquet_schema('${path}')`)).slice(1)
        expect((await schemaOf(before)).every((r) => r.field_id === null)).toBe(true)
        const topLevel = (await schemaOf(after)).filter((r) => columns.includes(String(r.name)))
        expect(topLevel).toEqual(columns.map((c) => ({ name: c, field_id: String(ids.get(c)) })))
        // Same values, and a read that finds the columns by field id only (names given are not the file's).
        const all = (path: string) => run(`select * from read_parquet('${path}') order by id`)
        expect(await all(after)).toEqual(await all(before))
        const byId = `{${columns.map((c) => `${ids.get(c)}: {name: 'f${ids.get(c)}', type: '${c === 'id' ? 'BIGINT' : c === 'tags' ? 'VARCHAR[]' : 'BLOB'}', default_value: NULL}`).join(', ')}}`
        const viaIds = await run(`select * from read_parquet('${after}', schema = map ${byId}) order by f1`)
        expect(viaIds.map((r) => r.f1)).toEqual(['1', '2', '3'])
        expect(viaIds.map((r) => r.f7)).toEqual((await all(before)).map((r) => r.col_a))
      })
      // polars reads the same frame (dtypes from ARROW:schema included).
      // nodejs-polars cannot describe a Binary column: pf reads them as base64 text, and so does this test.
      const polarsBefore = binaryColumnsAsBase64(pl.readParquet(Buffer.from(bytes)))
      const polarsAfter = binaryColumnsAsBase64(pl.readParquet(Buffer.from(rewritten)))
      expect(polarsAfter.dtypes.map(String)).toEqual(polarsBefore.dtypes.map(String))
      expect(polarsAfter.toRecords()).toEqual(polarsBefore.toRecords())
      // arrow-rs takes field metadata from ARROW:schema: the ids are there too.
      const arrowTable = tableFromIPC(parquetWasm().readParquet(rewritten).intoIPCStream())
      expect(arrowTable.schema.fields.map((f) => [f.name, f.metadata.get(ARROW_FIELD_ID_KEY)])).toEqual(
        columns.map((c) => [c, String(ids.get(c))]),
      )
    })

    it(`changes nothing else in ${encoder} output: data pages and the rest of the footer byte for byte`, async () => {
      const bytes = await encode()
      const rewritten = withParquetFieldIds(bytes, ids, 'items')
      const original = footerOf(bytes)
      const patched = footerOf(rewritten)
      expect(Buffer.from(rewritten.subarray(0, patched.dataEnd))).toEqual(
        Buffer.from(bytes.subarray(0, original.dataEnd)),
      )
      // Taking the ids out and the original ARROW:schema back gives the original footer exactly.
      const root = parseThriftStruct(patched.footer)
      const originalRoot = parseThriftStruct(original.footer)
      for (const element of listItems(fieldOf(root, 2))) {
        const fields = structFields(element)
        const id = fields.findIndex((f) => f.id === 9)
        if (id >= 0) fields.splice(id, 1)
      }
      const kvs = listItems(fieldOf(root, 5))
      const originalKvs = listItems(fieldOf(originalRoot, 5))
      kvs.forEach((kv, i) => {
        const value = structFields(kv).find((f) => f.id === 2)
        const originalValue = structFields(originalKvs[i]).find((f) => f.id === 2)
        if (text(fieldOf(kv, 1)) === 'ARROW:schema' && value && originalValue)
          value.value = originalValue.value
      })
      expect(Buffer.from(encodeThriftStruct(root))).toEqual(Buffer.from(original.footer))
    })
  }

  it('refuses a column the mapping gives no id, naming the table and the column', () => {
    const bytes = encodeParquet(frame())
    const error = (() => {
      try {
        return withParquetFieldIds(bytes, new Map([['id', 1]]), 'items')
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(ParquetFieldIdError)
    expect(error).toMatchObject({ code: 'PF_PARQUET_FIELD_ID', table: 'items' })
    expect((error as Error).message).toContain('column "col_a" has no id')
  })
})
