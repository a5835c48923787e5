// Adoption of Delta tables Spark wrote with its defaults (`integer`/`short`/`byte`/`float` columns, every column
// nullable), from the reference corpus: a copy of golden/basic-with-inserts-updates (Spark 3.5: an INT id, an UPDATE
// already applied) is adopted by an entity whose key is a non-null Int; its schema stays byte for byte, its rows are
// the ones Spark's expected output holds, and pf's writes keep the id column INT32 while a reader of the protocol
// alone agrees with pf at every version. golden/data-reader-primitives holds a row of nulls: adopting it by a key
// over one of its columns is refused, naming the column and the count. golden/data-reader-array-primitives: its
// arrays of narrow types (containsNull true) fit list fields. The corpus is only read (copied to a temp dir).
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { parseSchema } from '@parquetframe/codegen'
import { adoptTable, TableAdoptionError } from '@parquetframe/runtime'
import pl from 'nodejs-polars'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectSameRowsAt } from '../delta/pf-agreement.js'
import { SpecDeltaReader } from '../delta/spec-delta-reader.js'
import { CORPUS_ROOT } from './corpus-files.js'

/** The reference Delta tables: PF_TESTDATA_DELTA, else the `delta` folder next to the files corpus. */
const DELTA_ROOT = resolve(process.env.PF_TESTDATA_DELTA ?? join(CORPUS_ROOT, '..', 'delta'))

let oracle: SpecDeltaReader
let dir: string
beforeAll(async () => {
  oracle = await SpecDeltaReader.open()
  dir = await mkdtemp(join(tmpdir(), 'pf-adopt-conformance-'))
})
afterAll(async () => {
  oracle.close()
  await rm(dir, { recursive: true, force: true })
})

/** The entity of a schema text, as `pf adopt --entity` takes it. */
function entityOf(schema: string) {
  const parsed = parseSchema(schema)
  const entity = parsed.ir?.entities[0]
  if (!parsed.ir || !entity) throw new Error(parsed.diagnostics.map((d) => d.message).join('\n'))
  return { entity, enums: parsed.ir.enums }
}

/** A reference table copied to the temp dir (pf writes to the copy, never to the corpus). */
async function copyOf(table: string): Promise<string> {
  const root = join(dir, table.replaceAll('/', '-'))
  await cp(join(DELTA_ROOT, table), root, { recursive: true })
  return root
}

/** The `metaData.schemaString` of a commit file. */
async function schemaStringAt(root: string, version: number): Promise<string | undefined> {
  const text = await readFile(join(root, '_delta_log', `${String(version).padStart(20, '0')}.json`), 'utf8')
  for (const line of text.split('\n')) {
    if (!line.includes('"metaData"')) continue
    return (JSON.parse(line) as { metaData: { schemaString: string } }).metaData.schemaString
  }
  return undefined
}

/** Rows of Parquet files as DuckDB reads them, with the id column's SQL type, ordered by id. */
async function duckRows(files: readonly string[]): Promise<[number, string, string | null][]> {
  const duck = await (await DuckDBInstance.create(':memory:')).connect()
  try {
    const list = files.map((f) => `'${f}'`).join(', ')
    const reader = await duck.runAndReadAll(
      `SELECT id, typeof(id) AS t, str FROM read_parquet([${list}]) ORDER BY id`,
    )
    return reader.getRowObjects().map((r) => [Number(r.id), String(r.t), r.str as string | null])
  } finally {
    duck.closeSync()
  }
}

describe('adopting the Delta tables Spark wrote with its defaults', () => {
  it('golden/basic-with-inserts-updates (integer id, nullable columns): adopted, written, still integer', async () => {
    const source = join(DELTA_ROOT, 'golden/basic-with-inserts-updates')
    const original = await schemaStringAt(source, 0)
    const root = await copyOf('golden/basic-with-inserts-updates')
    const { entity, enums } = entityOf(`
      entity Item @storage("items") {
        id  Int @id
        str String
      }`)
    const table = await adoptTable(root, { entity, enums })
    expect(table.version).toBe(2)
    // The adoption keeps Spark's schema byte for byte (integer, nullable) while pf holds both fields non-null.
    expect(await schemaStringAt(root, 2)).toBe(original)
    // The rows are the ones Spark's expected output (golden-expected) holds.
    const expectedFiles = ['part-00000', 'part-00001'].map((p) =>
      join(
        DELTA_ROOT,
        'golden-expected/basic-with-inserts-updates',
        `${p}-13fd7417-9fa6-4229-985d-357ae24c8def-c000.snappy.parquet`,
      ),
    )
    const spark = await duckRows(expectedFiles)
    expect(spark).toHaveLength(100)
    const rows = (await table.read())
      .sort('id')
      .toRecords()
      .map((r) => [r.id, r.str])
    expect(rows).toEqual(spark.map(([id, , str]) => [id, str]))
    await expectSameRowsAt(oracle, table, root, 2, 'adopted')

    await table.upsert(pl.DataFrame({ id: [0, 2147483647], str: ['changed', 'largest integer'] }))
    await table.deleteWhere(pl.col('id').isIn([98, 99]))
    await table.compact()
    const latest = await table.snapshot()
    for (let v = 3; v <= latest.version; v++) await expectSameRowsAt(oracle, table, root, v, `version ${v}`)
    const live = (await oracle.snapshot(root)).files.map((f) => join(root, f.path))
    const stored = await duckRows(live)
    expect(stored.every(([, type]) => type === 'INTEGER')).toBe(true)
    expect(stored.map(([id, , str]) => [id, str])).toEqual([
      [0, 'changed'],
      ...spark.filter(([id]) => id !== 0 && id < 98).map(([id, , str]) => [id, str]),
      [2147483647, 'largest integer'],
    ])
    expect((await oracle.snapshot(root)).metaData.schemaString).toBe(original)
  })

  it('golden/data-reader-primitives: a key over a column holding a null row is refused, naming it and the count', async () => {
    const root = await copyOf('golden/data-reader-primitives')
    const { entity, enums } = entityOf(`
      entity Primitive @storage("primitives") {
        as_int         Int @id
        as_long        Int?
        as_byte        Int?
        as_short       Int?
        as_boolean     Boolean?
        as_float       Float?
        as_double      Float?
        as_string      String?
        as_binary      Bytes?
        as_big_decimal Decimal(1, 0)?
      }`)
    const error = await adoptTable(root, { entity, enums }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TableAdoptionError)
    // Every column fits (byte, short, float kept): the stored null key is the one problem.
    expect((error as TableAdoptionError).problems).toEqual([
      'Primitive.as_int: 1 stored row(s) have no primary key',
    ])
  })

  it('golden/data-reader-array-primitives: its array<integer|byte|short|float> columns (containsNull true) fit Int[]/Float[] fields', async () => {
    // No table of the corpus with arrays of narrow types can be adopted as a whole: this one has no scalar column to
    // key on (pf keys are Int, BigInt, String or an enum), the others hold struct, map or nested array columns pf has
    // no field for. So the check is that every array column fits its field (before, the four narrow arrays and the
    // containsNull of all ten were refused) and the key column the entity adds is the one problem named.
    const root = await copyOf('golden/data-reader-array-primitives')
    const { entity, enums } = entityOf(`
      entity ArrayPrimitive @storage("array-primitives") {
        id                   Int @id
        as_array_int         Int[]?
        as_array_long        Int[]?
        as_array_byte        Int[]?
        as_array_short       BigInt[]?
        as_array_boolean     Boolean[]?
        as_array_float       Float[]?
        as_array_double      Float[]?
        as_array_string      String[]?
        as_array_binary      Bytes[]?
        as_array_big_decimal Decimal(1, 0)[]?
      }`)
    const error = await adoptTable(root, { entity, enums }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TableAdoptionError)
    expect((error as TableAdoptionError).problems).toEqual([
      'ArrayPrimitive.id: the Delta table has no column id',
    ])
    // An Int[] over the float array (or Float[] over an integer one) stays refused, saying what keeps it.
    const misfit = entityOf(`
      entity ArrayPrimitive @storage("array-primitives") {
        id             Int @id
        as_array_int   Float[]?
        as_array_long  Int[]?
        as_array_byte  Int[]?
        as_array_short Int[]?
        as_array_boolean     Boolean[]?
        as_array_float       Int[]?
        as_array_double      Float[]?
        as_array_string      String[]?
        as_array_binary      Bytes[]?
        as_array_big_decimal Decimal(1, 0)[]?
      }`)
    const refused = await adoptTable(root, misfit).catch((e: unknown) => e)
    expect((refused as TableAdoptionError).problems).toEqual([
      'ArrayPrimitive.id: the Delta table has no column id',
      'ArrayPrimitive.as_array_int: column as_array_int is array<integer> in the Delta table, the field is stored as array<double> (an Int[] or BigInt[] field keeps array<integer>)',
      'ArrayPrimitive.as_array_float: column as_array_float is array<float> in the Delta table, the field is stored as array<long> (a Float[] field keeps array<float>)',
    ])
  })
})
