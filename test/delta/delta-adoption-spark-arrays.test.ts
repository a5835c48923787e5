// A Delta table as Spark writes one with array columns (`ARRAY<INT>`, `ARRAY<SMALLINT>`, `ARRAY<TINYINT>`,
// `ARRAY<FLOAT>`: `containsNull: true`, every column nullable), its log written by hand and its Parquet file by
// DuckDB, adopted by an entity of Int[]/BigInt[]/Float[] fields: the table keeps its schema byte for byte, pf writes
// the list elements narrow (INT32, FLOAT) through create, update, delete, compaction and copy-on-write rewrites, with
// the polars writer and with arrow-rs (a table with a decimal column), refuses an element a column cannot hold
// before writing anything, refuses to adopt stored null elements, and a migration keeps the arrays' types.
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import {
  adoptTable,
  ColumnRangeError,
  Entity,
  type EntityRegistry,
  openStore,
  openTable,
  read,
  TableAdoptionError,
  withRegistry,
} from '@parquetframe/runtime'
import pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
import {
  duckFileView,
  expectAdoptedStep,
  expectAdoptionCommit,
  expectRangeRefusals,
} from './adopted-spark-table.js'
import { registryOf, schemaOf, useOracleWorkspace } from './oracle-workspace.js'
import { expectSameRowsAt } from './pf-agreement.js'
import { DV_PROTOCOL, SPARK_PROTOCOL, sparkTable } from './spark-table.js'

const ws = useOracleWorkspace('pf-delta-adopt-arrays-')

/** The entity; `price` only where the table has a decimal column (its files then go through arrow-rs). */
function sampleSchema(name: string, price: boolean): string {
  return `
entity Sample @storage("${name}") {
  id      Int @id
  counts  Int[]
  shorts  Int[]?
  bytes   BigInt[]
  ratios  Float[]
  label   String${price ? '\n  price   Decimal(10, 2)?' : ''}
}`
}

class Sample extends Entity {
  declare id: number
  declare counts: number[]
  declare shorts: number[] | null
  declare bytes: bigint[]
  declare ratios: number[]
  declare label: string
}

/** Registers Sample stored in folder `name`, as generated code does. */
function sampleRegistry(name: string, price: boolean): EntityRegistry {
  return registryOf(Sample, sampleSchema(name, price))
}

/** An array column as Spark declares it: elements may be null. */
const array = (type: string) => `{"type":"array","elementType":"${type}","containsNull":true}`

/** Spark's schemaString for `CREATE TABLE (id INT, counts ARRAY<INT>, shorts ARRAY<SMALLINT>, ...)`. */
function schemaString(price: boolean): string {
  return (
    '{"type":"struct","fields":[' +
    '{"name":"id","type":"integer","nullable":true,"metadata":{}},' +
    `{"name":"counts","type":${array('integer')},"nullable":true,"metadata":{}},` +
    `{"name":"shorts","type":${array('short')},"nullable":true,"metadata":{}},` +
    `{"name":"bytes","type":${array('byte')},"nullable":true,"metadata":{}},` +
    `{"name":"ratios","type":${array('float')},"nullable":true,"metadata":{}},` +
    `{"name":"label","type":"string","nullable":true,"metadata":{}}${
      price ? ',{"name":"price","type":"decimal(10,2)","nullable":true,"metadata":{}}' : ''
    }]}`
  )
}

/** Spark's rows: the extremes of each element type, an empty list, a null list. */
function sparkRows(price: boolean, rows = ROWS): string {
  const columns = `id, counts, shorts, bytes, ratios, label${price ? ', price' : ''}`
  const values = price ? rows.map((r) => `(${r}, 12.50::DECIMAL(10,2))`) : rows.map((r) => `(${r})`)
  return `SELECT * FROM (VALUES ${values.join(', ')}) AS t(${columns})`
}

const ROWS = [
  "1::INTEGER, [1, 2147483647]::INTEGER[], [10, -32768]::SMALLINT[], [1, -128]::TINYINT[], [0.5]::FLOAT[], 'one'",
  "2::INTEGER, []::INTEGER[], NULL::SMALLINT[], [127]::TINYINT[], [2.25, -1.5]::FLOAT[], 'two'",
  "3::INTEGER, [-2147483648]::INTEGER[], [32767]::SMALLINT[], []::TINYINT[], []::FLOAT[], 'three'",
]

/** How the files Spark and pf write type the leaf columns: INT32 annotated with their widths, FLOAT. */
function narrowFileTypes(price: boolean): string {
  const decimal = price ? ',INT64:DECIMAL' : ''
  return `INT32,INT32,INT32:INT_16,INT32:INT_8,FLOAT,BYTE_ARRAY:UTF8${decimal}`
}

/** Each live data file's leaf column types as DuckDB's `parquet_schema` reports them, and its rows as text. */
async function duckView(
  root: string,
  files: readonly string[],
): Promise<{ types: string[]; rows: string[][] }> {
  const view = await duckFileView(
    root,
    files,
    (from) =>
      `SELECT id::VARCHAR AS id, typeof(counts) || typeof(shorts) || typeof(bytes) || typeof(ratios) AS t,
         counts::VARCHAR AS counts, shorts::VARCHAR AS shorts, bytes::VARCHAR AS bytes, ratios::VARCHAR AS ratios,
         label FROM ${from} ORDER BY id::INTEGER`,
    { names: false },
  )
  const rows = view.rows.map((r) =>
    [r.id, r.t, r.counts, r.shorts, r.bytes, r.ratios, r.label].map((v) => String(v)),
  )
  return { types: view.types, rows }
}

/** A DuckDB row of `duckView` (the lists as DuckDB prints them; a null list is "null"). */
const duckRow = (
  id: number,
  counts: string,
  shorts: string,
  bytes: string,
  ratios: string,
  label: string,
) => [String(id), 'INTEGER[]SMALLINT[]TINYINT[]FLOAT[]', counts, shorts, bytes, ratios, label]

/** The rows Spark stored, as `duckView` reads them. */
const SPARK_VIEW = [
  duckRow(1, '[1, 2147483647]', '[10, -32768]', '[1, -128]', '[0.5]', 'one'),
  duckRow(2, '[]', 'null', '[127]', '[2.25, -1.5]', 'two'),
  duckRow(3, '[-2147483648]', '[32767]', '[]', '[]', 'three'),
]

describe('adopting a table with Spark arrays of narrow types (array<integer|short|byte|float>, containsNull)', () => {
  it.each([
    ['copy-on-write', 'polars', 'samples', SPARK_PROTOCOL, false],
    ['merge-on-read', 'polars', 'samples-dv', DV_PROTOCOL, false],
    ['copy-on-write', 'arrow-rs', 'samples-decimal', SPARK_PROTOCOL, true],
    ['merge-on-read', 'arrow-rs', 'samples-decimal-dv', DV_PROTOCOL, true],
  ])(
    '%s, %s writer: keeps the schema byte for byte; creates, updates, deletes and compaction write the elements narrow',
    async (mode, _writer, name, protocol, price) => {
      const schema = schemaString(price)
      const root = await sparkTable(ws.dir, name, { schemaString: schema, rows: sparkRows(price), protocol })
      const registry = sampleRegistry(name, price)
      await withRegistry(registry, () => openStore(ws.dir).adopt(Sample))

      await expectAdoptionCommit(root, schema, mode)

      await withRegistry(registry, async () => {
        const repo = openStore(ws.dir).repository(Sample)
        const check = async (step: string, rows: string[][]) => {
          const view = (files: readonly string[]) => duckView(root, files)
          const expected = { schemaString: schema, fileTypes: narrowFileTypes(price), rows, view }
          const sorted = await expectAdoptedStep(ws, await repo.table(), root, step, expected)
          // `read()` of the folder (by the table's Delta schema) gives the same lists.
          const records = (await (await read(root)).toRecords()) as Record<string, unknown>[]
          expect(
            records
              .map((r) =>
                [r.id, r.counts, r.shorts, r.bytes, r.ratios, r.label].map((v) => JSON.stringify(v)),
              )
              .sort((a, b) => Number(a[0]) - Number(b[0])),
            step,
          ).toEqual(
            sorted.map(([id, , counts, shorts, bytes, ratios, label]) => [
              id,
              ...[counts, shorts, bytes].map((l) => jsonOfDuck(l ?? '', false)),
              jsonOfDuck(ratios ?? '', true),
              JSON.stringify(label),
            ]),
          )
        }
        await check('adopted', SPARK_VIEW)
        // Reads give the app plain numbers, as for any Int[] and Float[].
        const one = await repo.find(1)
        expect([one?.counts, one?.shorts, one?.bytes, one?.ratios]).toEqual([
          [1, 2147483647],
          [10, -32768],
          [1n, -128n],
          [0.5],
        ])
        await repo.create({
          id: 4,
          counts: [-2147483648, 0, 2147483647],
          shorts: [],
          bytes: [-128n, 127n],
          ratios: [3.4028234663852886e38, -0.125],
          label: 'four',
        })
        let expected = [
          ...SPARK_VIEW,
          duckRow(4, '[-2147483648, 0, 2147483647]', '[]', '[-128, 127]', '[3.4028235e+38, -0.125]', 'four'),
        ]
        await check('create', expected)
        if (!one) throw new Error('row 1 of the other writer is not found by key')
        one.counts = [7, 8, 9]
        one.shorts = null
        one.ratios = [0.75]
        await repo.save(one)
        expected = expected.map((r) =>
          r[0] === '1' ? duckRow(1, '[7, 8, 9]', 'null', '[1, -128]', '[0.75]', 'one') : r,
        )
        await check('update of a row another writer stored', expected)
        const two = await repo.find(2)
        if (!two) throw new Error('row 2 of the other writer is not found by key')
        await repo.delete(two)
        expected = expected.filter((r) => r[0] !== '2')
        await check('delete', expected)
        await repo.saveAll([
          { id: 10, counts: [], shorts: [1], bytes: [0n], ratios: [1], label: 'ten' },
          { id: 11, counts: [11], shorts: null, bytes: [], ratios: [-0], label: 'eleven' },
        ])
        expected = [
          ...expected,
          duckRow(10, '[]', '[1]', '[0]', '[1.0]', 'ten'),
          duckRow(11, '[11]', 'null', '[]', '[-0.0]', 'eleven'),
        ]
        await check('saveAll of two new rows', expected)
        await (await repo.table()).compact()
        await check('compaction', expected)
        expect((await ws.oracle.snapshot(root)).files).toHaveLength(1)
      })
    },
  )

  it('refuses an element outside the array type, naming Entity.field[index], the value and the range; nothing is written', async () => {
    const root = await sparkTable(ws.dir, 'samples-range', {
      schemaString: schemaString(false),
      rows: sparkRows(false),
    })
    const registry = sampleRegistry('samples-range', false)
    await withRegistry(registry, () => openStore(ws.dir).adopt(Sample))
    const cases: [Partial<Sample>, string][] = [
      [
        { counts: [1, 2, 2 ** 31] },
        "Sample.counts[2]: 2147483648 does not fit the table's array<integer> column (-2147483648 to 2147483647)",
      ],
      [{ shorts: [-32769] }, "Sample.shorts[0]: -32769 does not fit the table's array<short> column"],
      [
        { bytes: [0n, 128n] },
        "Sample.bytes[1]: 128 does not fit the table's array<byte> column (-128 to 127)",
      ],
      [{ ratios: [1, 2, 1e39] }, "Sample.ratios[2]: 1e+39 does not fit the table's array<float> column"],
    ]
    await withRegistry(registry, async () => {
      const repo = openStore(ws.dir).repository(Sample)
      await expectRangeRefusals(root, cases, (change) =>
        repo.create({ id: 7, counts: [1], shorts: null, bytes: [1n], ratios: [1], label: 'x', ...change }),
      )
      // An update is refused the same way; the stored row stays as it was.
      const three = await repo.find(3)
      if (!three) throw new Error('row 3 is not found')
      three.shorts = [1, 70000]
      const error = await repo.save(three).catch((e: unknown) => e)
      expect((error as ColumnRangeError).subject).toBe('Sample.shorts[1]')
      expect((await repo.find(3))?.shorts).toEqual([32767])
    })
  })

  it('a migration keeps the arrays: a renamed list stays array<integer>, its elements range-checked under the new name', async () => {
    const root = await sparkTable(ws.dir, 'samples-migrated', {
      schemaString: schemaString(false),
      rows: sparkRows(false),
    })
    const registry = sampleRegistry('samples-migrated', false)
    await withRegistry(registry, () => openStore(ws.dir).adopt(Sample))
    const { entity, enums } = schemaOf(`
      entity Sample @storage("samples-migrated") {
        id     Int @id
        tally  Int[]
        shorts Int[]?
        bytes  BigInt[]
        ratios Float[]
        label  String
      }`)
    const table = await openTable(root)
    await table.evolveSchema(entity, enums, { renames: { counts: 'tally' } })
    const migrated = (await ws.oracle.snapshot(root)).metaData.schemaString
    const columns = JSON.parse(migrated) as { fields: { name: string; type: unknown }[] }
    expect(columns.fields.map((f) => [f.name, f.type])).toEqual([
      ['id', 'integer'],
      ['tally', { type: 'array', elementType: 'integer', containsNull: true }],
      ['shorts', { type: 'array', elementType: 'short', containsNull: true }],
      ['bytes', { type: 'array', elementType: 'byte', containsNull: true }],
      ['ratios', { type: 'array', elementType: 'float', containsNull: true }],
      ['label', 'string'],
    ])
    const row = (tally: number[]) =>
      pl.DataFrame([
        pl.Series('id', [20], pl.Int64),
        pl.Series('tally', [tally], pl.List(pl.Int64)),
        pl.Series('shorts', [[5, -6]], pl.List(pl.Int64)),
        pl.Series('bytes', [[2]], pl.List(pl.Int64)),
        pl.Series('ratios', [[1.5]], pl.List(pl.Float64)),
        pl.Series('label', ['x']),
      ])
    const error = await table.insert(row([1, -(2 ** 31) - 1])).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ColumnRangeError)
    expect((error as Error).message).toContain(
      "Sample.tally[1]: -2147483649 does not fit the table's array<integer> column",
    )
    await table.insert(row([1]))
    const latest = await ws.oracle.snapshot(root)
    expect(latest.metaData.schemaString).toBe(migrated)
    await expectSameRowsAt(ws.oracle, table, root, (await table.snapshot()).version, 'after the migration')
    // Column mapping (turned on by the rename) keeps the data files' column names: tally is still stored as counts.
    const view = await duckView(
      root,
      latest.files.map((f) => f.path),
    )
    expect(view.types).toEqual([narrowFileTypes(false)])
    expect(view.rows).toContainEqual(duckRow(20, '[1]', '[5, -6]', '[2]', '[1.5]', 'x'))
  })

  it("arrays of pf's own element types (array<long|double|string>, containsNull true) are kept as Spark declared them", async () => {
    const schema =
      '{"type":"struct","fields":[' +
      '{"name":"id","type":"long","nullable":false,"metadata":{}},' +
      `{"name":"longs","type":${array('long')},"nullable":true,"metadata":{}},` +
      `{"name":"doubles","type":${array('double')},"nullable":false,"metadata":{}},` +
      `{"name":"tags","type":${array('string')},"nullable":true,"metadata":{}}]}`
    const root = await sparkTable(ws.dir, 'tagged', {
      schemaString: schema,
      rows: `SELECT * FROM (VALUES (1::BIGINT, [9007199254740991]::BIGINT[], [0.1]::DOUBLE[], ['a', 'b']),
        (2::BIGINT, NULL::BIGINT[], []::DOUBLE[], NULL::VARCHAR[])) AS t(id, longs, doubles, tags)`,
    })
    const { entity, enums } = schemaOf(`
      entity Tagged @storage("tagged") {
        id      Int @id
        longs   Int[]?
        doubles Float[]
        tags    String[]?
      }`)
    const table = await adoptTable(root, { entity, enums })
    await table.insert(
      pl.DataFrame([
        pl.Series('id', [3], pl.Int64),
        pl.Series('longs', [[-1, 2]], pl.List(pl.Int64)),
        pl.Series('doubles', [[0.5]], pl.List(pl.Float64)),
        pl.Series('tags', [['c']], pl.List(pl.Utf8)),
      ]),
    )
    await table.deleteWhere(pl.col('id').eq(2))
    await table.compact()
    const latest = await ws.oracle.snapshot(root)
    expect(latest.metaData.schemaString).toBe(schema)
    await expectSameRowsAt(ws.oracle, table, root, (await table.snapshot()).version, 'compacted')
    expect((await table.read()).sort('id').toRecords()).toEqual([
      { id: 1, longs: [9007199254740991], doubles: [0.1], tags: ['a', 'b'] },
      { id: 3, longs: [-1, 2], doubles: [0.5], tags: ['c'] },
    ])
  })

  it('refuses to adopt stored null elements, naming the field and the count of lists holding one', async () => {
    const rows = [
      ROWS[0]?.replace('[1, 2147483647]::INTEGER[]', '[1, NULL]::INTEGER[]') ?? '',
      ROWS[1]?.replace('[2.25, -1.5]::FLOAT[]', '[NULL]::FLOAT[]') ?? '',
      ROWS[2]?.replace('[-2147483648]::INTEGER[]', '[NULL, NULL]::INTEGER[]') ?? '',
    ]
    const root = await sparkTable(ws.dir, 'samples-null-elements', {
      schemaString: schemaString(false),
      rows: sparkRows(false, rows),
    })
    const error = await withRegistry(sampleRegistry('samples-null-elements', false), () =>
      openStore(ws.dir).adopt(Sample),
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TableAdoptionError)
    expect((error as TableAdoptionError).problems).toEqual([
      'Sample.counts: 2 stored list(s) hold a null element, a list holds none',
      'Sample.ratios: 1 stored list(s) hold a null element, a list holds none',
    ])
    expect(await readdir(join(root, '_delta_log'))).toHaveLength(1)
  })
})

/**
 * DuckDB's text of a list as the JSON of `read()`'s value (`[0.5]`, `null`): DuckDB prints a float in its shortest
 * 32-bit form (`3.4028235e+38`), read() gives the float's exact double.
 */
function jsonOfDuck(text: string, float: boolean): string {
  if (text === 'null') return 'null'
  const items = text.slice(1, -1).trim()
  if (items === '') return '[]'
  return JSON.stringify(
    items.split(',').map((item) => (float ? Math.fround(Number(item.trim())) : Number(item.trim()))),
  )
}
