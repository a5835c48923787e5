// The small Parquet writer against the writer of the table's other files (encodeParquet: arrow-rs for tables with
// Decimal/Bytes fields, polars otherwise), both read by DuckDB: same schema (parquet_schema), values and footer
// statistics (parquet_metadata), for every decimal precision and for lists spanning many bit-packed level groups.
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { describe, expect, it } from 'vitest'
import { entityIRFor } from '../entity/__fixtures__/test-ir.js'
import { frameFromEntities } from '../entity/entity-frame-codec.js'
import type { EntityIR } from '../schema/schema-ir.js'
import { tableFromIPC } from '../vendor/apache-arrow.js'
import { parquetWasm } from '../vendor/parquet-wasm.js'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { KeyCodec } from './key-codec.js'
import { encodeParquet } from './parquet-encoder.js'
import { RowBatch } from './row-batch.js'
import { encodeSmallParquet, type SmallColumn } from './small-parquet-writer.js'
import { smallRows } from './small-rows.js'
import { smallWriteLayout } from './small-write-layout.js'

const tmp = useTempDir('pf-small-writer-')

const enums = [{ name: 'Color', values: ['RED', 'GREEN'] }]

/** The same rows as a small file (from JS values) and as the table's writer writes them. */
async function bothFiles(entity: EntityIR, rows: object[]): Promise<{ small: string; reference: string }> {
  const small = smallRows(
    new RowBatch(entity.fields, rows, frameFromEntities),
    entity,
    enums,
    new KeyCodec(entity, entity.name),
  )
  const layout = smallWriteLayout(entity)
  expect(small, 'rows the small path takes').toBeDefined()
  expect(layout, 'a layout equal to the writer').toBeDefined()
  if (small === undefined || layout === undefined) throw new Error('unreachable')
  const columns: SmallColumn[] = small.columns.map((c) => ({
    ...c.type,
    name: c.field.column,
    values: c.values,
  }))
  const paths = { small: join(tmp.dir, 'small.parquet'), reference: join(tmp.dir, 'reference.parquet') }
  await writeFile(paths.small, encodeSmallParquet(columns, small.height, layout).bytes)
  await writeFile(
    paths.reference,
    encodeParquet(frameFromEntities(entity.fields, rows), 'uncompressed', { entity }),
  )
  return paths
}

/** What arrow-rs (a strict reader: levels, lengths, types) reads from a file: its Arrow types and rows. */
async function arrowRsView(path: string): Promise<{ types: string[]; rows: string[] }> {
  const table = tableFromIPC(
    parquetWasm()
      .readParquet(new Uint8Array(await readFile(path)))
      .intoIPCStream(),
  )
  return {
    types: table.schema.fields.map((f) => `${f.name}: ${String(f.type)}`),
    rows: table.toArray().map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))),
  }
}

/** What DuckDB reads from a file: its schema, every value as text, and each column's footer statistics. */
async function duckView(path: string, columns: readonly string[]): Promise<Record<string, unknown>> {
  const duck = await (await DuckDBInstance.create(':memory:')).connect()
  const file = `'${path.replaceAll("'", "''")}'`
  try {
    const schema = await duck.runAndReadAll(
      `select name, type, type_length, repetition_type, num_children, converted_type, scale, precision, logical_type from parquet_schema(${file})`,
    )
    const values = await duck.runAndReadAll(
      `select ${columns.map((c) => `cast("${c}" as varchar) as "${c}"`).join(', ')} from read_parquet(${file}) order by id`,
    )
    const stats = await duck.runAndReadAll(
      `select path_in_schema, type, num_values, stats_min_value, stats_max_value, stats_null_count from parquet_metadata(${file}) order by column_id`,
    )
    return {
      schema: schema.getRowObjectsJS(),
      values: values.getRowObjectsJS(),
      stats: stats.getRowObjectsJS(),
    }
  } finally {
    duck.closeSync()
  }
}

describe('small Parquet writer', () => {
  it('writes Decimal(p, s) of every precision as arrow-rs does: physical type, length, values, statistics', async () => {
    const fields: Record<string, string> = { id: 'Int' }
    for (let p = 1; p <= 38; p++) {
      fields[`d${p}`] = `Decimal(${p},${Math.min(p, 2)})?`
      fields[`l${p}`] = `Decimal(${p},0)[]?`
    }
    const entity = entityIRFor('Decimals', fields)
    const extreme = (p: number, s: number, sign: string) => {
      const digits = '9'.repeat(p)
      return s === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, p - s) || '0'}.${digits.slice(p - s)}`
    }
    const rows = [0, 1, 2].map((id) => {
      const row: Record<string, unknown> = { id }
      for (let p = 1; p <= 38; p++) {
        const s = Math.min(p, 2)
        row[`d${p}`] = id === 0 ? extreme(p, s, '-') : id === 1 ? extreme(p, s, '') : null
        row[`l${p}`] = id === 0 ? [extreme(p, 0, '-'), '0', extreme(p, 0, '')] : id === 1 ? [] : null
      }
      return row
    })
    const { small, reference } = await bothFiles(entity, rows)
    const columns = Object.keys(fields)
    const ours = await duckView(small, columns)
    expect(ours).toEqual(await duckView(reference, columns))
    expect(await arrowRsView(small)).toEqual(await arrowRsView(reference))
    expect((ours.values as Record<string, string>[])[0]?.d38).toBe('-999999999999999999999999999999999999.99')
  })

  it('writes lists of many entries (levels across many bit-packed groups) and scalars with nulls', async () => {
    const entity = entityIRFor('Lists', {
      id: 'Int',
      ints: 'Int[]?',
      texts: 'String[]?',
      docs: 'Json[]?',
      blobs: 'Bytes[]?',
      colors: 'enum:Color[]?',
      note: 'String?',
      flag: 'Boolean?',
    })
    const rows = Array.from({ length: 1024 }, (_, id) => ({
      id,
      ints: id % 7 === 0 ? null : Array.from({ length: id % 13 }, (_, i) => id * 100 - i),
      texts: id % 5 === 0 ? [] : Array.from({ length: id % 4 }, (_, i) => `${id}:${i}`),
      docs: id % 3 === 0 ? null : Array.from({ length: id % 6 }, (_, i) => (i % 2 === 0 ? null : { id, i })),
      blobs: id % 11 === 0 ? null : Array.from({ length: id % 3 }, (_, i) => new Uint8Array([id % 256, i])),
      colors: id % 2 === 0 ? ['RED'] : ['GREEN', 'RED'],
      note: id % 9 === 0 ? null : `n${id}`,
      flag: id % 4 === 0 ? null : id % 3 === 0,
    }))
    // Bytes make this an arrow-rs table, whose footer null counts (null lists, empty lists, null elements) are ours.
    const { small, reference } = await bothFiles(entity, rows)
    const columns = entity.fields.map((f) => f.column)
    const ours = await duckView(small, columns)
    expect(ours).toEqual(await duckView(reference, columns))
    expect(await arrowRsView(small)).toEqual(await arrowRsView(reference))
    expect((ours.values as Record<string, string>[]).find((r) => r.id === '12')).toMatchObject({
      ints: '[1200, 1199, 1198, 1197, 1196, 1195, 1194, 1193, 1192, 1191, 1190, 1189]',
      docs: null,
    })
  })

  it('writes lists in the polars layout (element names, types) for tables polars writes', async () => {
    const entity = entityIRFor('PolarsLists', {
      id: 'Int',
      times: 'DateTime[]?',
      days: 'Date[]?',
      floats: 'Float[]?',
      bigs: 'BigInt[]',
    })
    const rows = Array.from({ length: 40 }, (_, id) => ({
      id,
      times: id % 4 === 0 ? null : Array.from({ length: id % 5 }, (_, i) => new Date(id * 1e9 - i)),
      days: id % 3 === 0 ? [] : ['2024-02-29', '0001-01-01'],
      floats: id % 6 === 0 ? null : [id / 3, -0, Number.NaN],
      bigs: [BigInt(id) * 2n ** 40n, -(2n ** 63n)],
    }))
    const { small, reference } = await bothFiles(entity, rows)
    const columns = ['id', 'times', 'days', 'floats', 'bigs']
    const ours = await duckView(small, columns)
    const theirs = await duckView(reference, columns)
    expect(ours.schema).toEqual(theirs.schema)
    expect(ours.values).toEqual(theirs.values)
    expect(await arrowRsView(small)).toEqual(await arrowRsView(reference))
    // polars counts only null elements in a list's footer null count (ours counts null and empty lists too, as
    // parquet-mr and arrow-rs do), and writes no bounds for a float column holding NaN (ours leave NaN out, as
    // arrow-rs does); every other bound is the same.
    type Stats = Record<string, unknown>
    const theirStats = (theirs.stats as Stats[]).map(({ stats_null_count: _n, ...rest }) => rest)
    const ourStats = (ours.stats as Stats[]).map(({ stats_null_count: _n, ...rest }, i) =>
      theirStats[i]?.stats_min_value === null
        ? { ...rest, stats_min_value: null, stats_max_value: null }
        : rest,
    )
    expect(ourStats).toEqual(theirStats)
    expect((ours.stats as Stats[])[3]).toMatchObject({ stats_min_value: '-0.0', stats_max_value: '13.0' })
  })
})
