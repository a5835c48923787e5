// A Delta table as Spark writes one by default (`CREATE TABLE t (id INT, ...)`: integer, short, byte and float
// columns, every column nullable), its log written by hand and its Parquet file by DuckDB, adopted by an entity whose
// key and required fields are non-null Int/Float: the table keeps its schema byte for byte, pf writes those columns
// narrow (INT32, FLOAT) through create, update, delete and compaction, refuses a value a column cannot hold before
// writing anything, and refuses to adopt stored nulls in key or required columns.
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import {
  DuplicateKeyError,
  Entity,
  type EntityRegistry,
  openStore,
  openTable,
  type ParquetFrameError,
  TableAdoptionError,
  UniqueConstraintError,
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

const ws = useOracleWorkspace('pf-delta-adopt-spark-')

const READING_SCHEMA = `
entity Reading @storage("readings") {
  id    Int @id
  qty   Int
  level Int?
  ratio Float
  label String
}`

class Reading extends Entity {
  declare id: number
  declare qty: number
  declare level: number | null
  declare ratio: number
  declare label: string
}

/** Registers Reading stored in folder `name`, as generated code does. */
function readingRegistry(name: string): EntityRegistry {
  return registryOf(Reading, READING_SCHEMA.replace('@storage("readings")', `@storage("${name}")`))
}

/** Spark's schemaString for `CREATE TABLE readings (id INT, qty SMALLINT, level TINYINT, ratio FLOAT, label STRING)`. */
const SCHEMA_STRING =
  '{"type":"struct","fields":[' +
  '{"name":"id","type":"integer","nullable":true,"metadata":{}},' +
  '{"name":"qty","type":"short","nullable":true,"metadata":{}},' +
  '{"name":"level","type":"byte","nullable":true,"metadata":{}},' +
  '{"name":"ratio","type":"float","nullable":true,"metadata":{}},' +
  '{"name":"label","type":"string","nullable":true,"metadata":{}}]}'

const ROWS = `SELECT * FROM (VALUES
  (1::INTEGER, 10::SMALLINT, 1::TINYINT, 0.5::FLOAT, 'one'),
  (2::INTEGER, -5::SMALLINT, NULL::TINYINT, 2.25::FLOAT, 'two'),
  (2147483647::INTEGER, 32767::SMALLINT, (-128)::TINYINT, -1.5::FLOAT, 'max')
) AS t(id, qty, level, ratio, label)`

/** Version 0 of the readings table at `<ws>/<name>` as Spark writes it (spark-table.ts). */
const readingsTable = (name: string, rows = ROWS, protocol: object = SPARK_PROTOCOL) =>
  sparkTable(ws.dir, name, { schemaString: SCHEMA_STRING, rows, protocol })

/** Each live data file's Parquet column types as DuckDB's `parquet_schema` reports them, and its rows. */
async function duckView(
  root: string,
  files: readonly string[],
): Promise<{ types: string[]; rows: unknown[][] }> {
  const view = await duckFileView(
    root,
    files,
    (from) =>
      `SELECT id, typeof(id) AS t_id, qty, typeof(qty) AS t_qty, level, typeof(level) AS t_level, ratio, typeof(ratio) AS t_ratio, label FROM ${from} ORDER BY id`,
    { names: true },
  )
  const rows = view.rows.map((r) => [
    r.id,
    r.t_id,
    r.qty,
    r.t_qty,
    r.level,
    r.t_level,
    r.ratio,
    r.t_ratio,
    r.label,
  ])
  return { types: view.types, rows }
}

/** A DuckDB row of `duckView` for these values (integer, smallint, tinyint and float columns). */
const duckRow = (id: number, qty: number, level: number | null, ratio: number, label: string) => [
  id,
  'INTEGER',
  qty,
  'SMALLINT',
  level,
  'TINYINT',
  ratio,
  'FLOAT',
  label,
]

/** How the files Spark and pf write type the columns: INT32 annotated with their bit widths, FLOAT, UTF-8 BYTE_ARRAY. */
const NARROW_FILE_TYPES = 'id:INT32,qty:INT32:INT_16,level:INT32:INT_8,ratio:FLOAT,label:BYTE_ARRAY:UTF8'

describe('adopting a table as Spark writes it by default (integer/short/byte/float, nullable columns)', () => {
  it.each([
    ['copy-on-write', 'readings', SPARK_PROTOCOL],
    ['merge-on-read', 'readings-dv', DV_PROTOCOL],
  ])(
    '%s: keeps the schema byte for byte; creates, updates, deletes and compaction write the columns narrow',
    async (mode, name, protocol) => {
      const root = await readingsTable(name, ROWS, protocol)
      const registry = readingRegistry(name)
      await withRegistry(registry, () => openStore(ws.dir).adopt(Reading))

      await expectAdoptionCommit(root, SCHEMA_STRING, mode)
      const before = await ws.oracle.snapshot(root)
      expect(
        (
          await duckView(
            root,
            before.files.map((f) => f.path),
          )
        ).types,
      ).toEqual([NARROW_FILE_TYPES])

      await withRegistry(registry, async () => {
        const repo = openStore(ws.dir).repository(Reading)
        const check = async (step: string, rows: unknown[][]) => {
          const view = (files: readonly string[]) => duckView(root, files)
          const expected = { schemaString: SCHEMA_STRING, fileTypes: NARROW_FILE_TYPES, rows, view }
          await expectAdoptedStep(ws, await repo.table(), root, step, expected)
        }
        // Reads give the app plain numbers, as for any Int and Float.
        const max = await repo.find(2147483647)
        expect(max?.qty).toBe(32767)
        expect(max?.level).toBe(-128)
        expect(max?.ratio).toBe(-1.5)
        // Keys another writer stored as INT32 are found by the insert check: a create of one is a duplicate.
        const again = { id: 2147483647, qty: 1, level: null, ratio: 1, label: 'again' }
        const duplicate = await repo.create(again).catch((e: unknown) => e)
        expect(duplicate).toBeInstanceOf(UniqueConstraintError)
        expect((duplicate as UniqueConstraintError).field).toBe('id')
        await repo.create({
          id: -2147483648,
          qty: -32768,
          level: 127,
          ratio: 3.4028234663852886e38,
          label: 'min',
        })
        let expected = [
          duckRow(-2147483648, -32768, 127, 3.4028234663852886e38, 'min'),
          duckRow(1, 10, 1, 0.5, 'one'),
          duckRow(2, -5, null, 2.25, 'two'),
          duckRow(2147483647, 32767, -128, -1.5, 'max'),
        ]
        await check('create', expected)
        const one = await repo.find(1)
        if (!one) throw new Error('row 1 of the other writer is not found by key')
        one.qty = 300
        one.ratio = 0.75
        await repo.save(one)
        expected = expected.map((r) => (r[0] === 1 ? duckRow(1, 300, 1, 0.75, 'one') : r))
        await check('update of a row another writer stored', expected)
        const two = await repo.find(2)
        if (!two) throw new Error('row 2 of the other writer is not found by key')
        await repo.delete(two)
        expected = expected.filter((r) => r[0] !== 2)
        await check('delete', expected)
        await repo.saveAll([
          { id: 10, qty: 1, level: null, ratio: 0.125, label: 'ten' },
          { id: 11, qty: 2, level: 3, ratio: -0, label: 'eleven' },
        ])
        expected = [...expected, duckRow(10, 1, null, 0.125, 'ten'), duckRow(11, 2, 3, -0, 'eleven')]
        await check('saveAll of two new rows', expected)
        await (await repo.table()).compact()
        await check('compaction', expected)
        expect((await ws.oracle.snapshot(root)).files).toHaveLength(1)
        const found = await repo.findMany({ where: { qty: { gte: 2 } }, orderBy: { id: 'asc' } })
        expect(found.map((r) => [r.id, r.qty, r.level, r.ratio, r.label])).toEqual([
          [1, 300, 1, 0.75, 'one'],
          [11, 2, 3, -0, 'eleven'],
          [2147483647, 32767, -128, -1.5, 'max'],
        ])
      })
    },
  )

  it('refuses a value outside the column type, naming Entity.field, the value and the range; nothing is written', async () => {
    const root = await readingsTable('readings-range')
    const registry = readingRegistry('readings-range')
    await withRegistry(registry, () => openStore(ws.dir).adopt(Reading))
    const cases: [Partial<Reading>, string][] = [
      [
        { id: 2 ** 31 },
        "Reading.id: 2147483648 does not fit the table's integer column (-2147483648 to 2147483647)",
      ],
      [{ qty: -32769 }, "Reading.qty: -32769 does not fit the table's short column (-32768 to 32767)"],
      [{ level: 128 }, "Reading.level: 128 does not fit the table's byte column (-128 to 127)"],
      [{ ratio: 1e39 }, "Reading.ratio: 1e+39 does not fit the table's float column"],
    ]
    await withRegistry(registry, async () => {
      const repo = openStore(ws.dir).repository(Reading)
      await expectRangeRefusals(root, cases, (change) =>
        repo.create({ id: 7, qty: 1, level: 1, ratio: 1, label: 'x', ...change }),
      )
      // An update is refused the same way; the stored row stays as it was.
      const one = await repo.find(1)
      if (!one) throw new Error('row 1 is not found')
      one.qty = 70000
      const error = await repo.save(one).catch((e: unknown) => e)
      expect((error as ParquetFrameError).code).toBe('PF_COLUMN_RANGE')
      expect((await repo.find(1))?.qty).toBe(10)
    })
  })

  it('a migration keeps the narrow columns: a renamed field and an Int made BigInt stay short and byte', async () => {
    const root = await readingsTable('readings-migrated')
    const registry = readingRegistry('readings-migrated')
    await withRegistry(registry, () => openStore(ws.dir).adopt(Reading))
    const { entity, enums } = schemaOf(`
      entity Reading @storage("readings-migrated") {
        id       Int @id
        quantity Int
        level    BigInt?
        ratio    Float
        label    String
      }`)
    const table = await openTable(root)
    await table.evolveSchema(entity, enums, { renames: { qty: 'quantity' } })
    const columns = (snapshotSchema: string) =>
      (
        JSON.parse(snapshotSchema) as { fields: { name: string; type: string; nullable: boolean }[] }
      ).fields.map((f) => [f.name, f.type, f.nullable])
    const migrated = (await ws.oracle.snapshot(root)).metaData.schemaString
    expect(columns(migrated)).toEqual([
      ['id', 'integer', true],
      ['quantity', 'short', true],
      ['level', 'byte', true],
      ['ratio', 'float', true],
      ['label', 'string', true],
    ])
    const error = await table
      .insert(pl.DataFrame({ id: [20], quantity: [7], level: [200], ratio: [1.5], label: ['x'] }))
      .catch((e: unknown) => e)
    expect((error as ParquetFrameError).code).toBe('PF_COLUMN_RANGE')
    expect((error as Error).message).toContain("Reading.level: 200 does not fit the table's byte column")
    await table.insert(pl.DataFrame({ id: [20], quantity: [7], level: [5], ratio: [1.5], label: ['x'] }))
    // The Table API's insert check finds a key another writer stored as INT32.
    const duplicate = await table
      .insert(pl.DataFrame({ id: [1], quantity: [7], level: [5], ratio: [1.5], label: ['x'] }))
      .catch((e: unknown) => e)
    expect(duplicate).toBeInstanceOf(DuplicateKeyError)
    const latest = await ws.oracle.snapshot(root)
    expect(latest.metaData.schemaString).toBe(migrated)
    await expectSameRowsAt(ws.oracle, table, root, (await table.snapshot()).version, 'after the migration')
    const view = await duckView(
      root,
      latest.files.map((f) => f.path),
    )
    // Column mapping (turned on by the rename) keeps the data files' column names: qty is still stored as qty.
    expect(view.types).toEqual([NARROW_FILE_TYPES])
    expect(view.rows).toContainEqual(duckRow(20, 7, 5, 1.5, 'x'))
  })

  it('refuses to adopt stored nulls in the key or a required field, naming the column and the count', async () => {
    const cases: [string, string, string][] = [
      [
        'readings-null-key',
        ROWS.replace('(2::INTEGER, -5::SMALLINT', '(NULL::INTEGER, -5::SMALLINT'),
        'Reading.id: 1 stored row(s) have no primary key',
      ],
      [
        'readings-null-label',
        ROWS.replace("'two'", 'NULL').replace("'one'", 'NULL'),
        'Reading.label: 2 stored row(s) hold null, the field is required',
      ],
      [
        'readings-null-qty',
        ROWS.replace('-5::SMALLINT', 'NULL::SMALLINT'),
        'Reading.qty: 1 stored row(s) hold null, the field is required',
      ],
    ]
    for (const [name, rows, problem] of cases) {
      const root = await readingsTable(name, rows)
      const error = await withRegistry(readingRegistry(name), () => openStore(ws.dir).adopt(Reading)).catch(
        (e: unknown) => e,
      )
      expect(error, name).toBeInstanceOf(TableAdoptionError)
      expect((error as TableAdoptionError).problems, name).toContain(problem)
      expect(await readdir(join(root, '_delta_log')), name).toHaveLength(1)
    }
  })
})
