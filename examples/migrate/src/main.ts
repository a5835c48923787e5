// The migration example: a Product table moved Parquet → Avro → Parquet with `pf migrate format`, then changed
// from schema/v1.pfschema to schema/v2.pfschema (a rename through @map, a field added with a default) with
// `pf migrate plan` / `apply` / `status`. The CLI runs as a child process, as in a build step; nothing goes
// through a shell. Data goes to examples/migrate/data (recreated each run), or to $EXAMPLE_DATA_DIR.
import { execFileSync } from 'node:child_process'
import { readFile, rm } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { parseSchema } from '@parquetframe/codegen'
import {
  ContentChecksum,
  createTable,
  Entity,
  openTable,
  registerEntity,
  setConfig,
} from '@parquetframe/runtime'
import type { SchemaIR } from '@parquetframe/runtime/schema'
import pl from 'nodejs-polars'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))
const dataDir = process.env.EXAMPLE_DATA_DIR ?? here('../data')
const pfBin = here('../../../packages/cli/bin/pf.js')
await rm(dataDir, { recursive: true, force: true })

/** Runs `pf` with this process's Node flags (so `tsx` and export conditions carry over); returns its stdout. */
function pf(...args: string[]): string {
  return execFileSync(process.execPath, [...process.execArgv, pfBin, ...args, '--storage', dataDir], {
    cwd: here('..'),
    encoding: 'utf8',
    env: { ...process.env, PARQUETFRAME_PROGRESS: '0' },
  })
}

async function schema(file: string): Promise<SchemaIR> {
  const result = parseSchema(await readFile(here(`../schema/${file}`), 'utf8'), file)
  if (!result.ir) throw new Error(`${file}: ${result.diagnostics.map((d) => d.message).join('; ')}`)
  return result.ir
}

const step = (title: string) => console.log(`\n== ${title}`)
const indent = (text: string) => console.log(text.trimEnd().replace(/^/gm, '   '))

async function describeTable(): Promise<void> {
  const table = await openTable(`${dataDir}/products`)
  const snapshot = await table.snapshot()
  const df = await table.read()
  const checksum = new ContentChecksum().add(df)
  console.log(
    `table: ${snapshot.metadata.format}, version ${snapshot.version}, ${df.height} rows in ` +
      `${snapshot.files.length} files, checksum ${checksum.value}`,
  )
}

// 1. A Product table of schema v1, filled in three commits (three data files).
step('create the table (schema/v1.pfschema)')
const v1 = await schema('v1.pfschema')
const products = await createTable(`${dataDir}/products`, { entity: v1.entities[0]! })
for (let commit = 0; commit < 3; commit++) {
  const ids = Array.from({ length: 400 }, (_, i) => commit * 400 + i + 1)
  await products.append(
    pl.DataFrame([
      pl.Series('id', ids, pl.Int64),
      pl.Series(
        'name',
        ids.map((id) => `Product ${id}`),
        pl.Utf8,
      ),
      pl.Series(
        'price',
        ids.map((id) => (id % 50) + 0.99),
        pl.Float64,
      ),
      pl.Series(
        'stock',
        ids.map((id) => id % 7),
        pl.Int64,
      ),
    ]),
  )
}
await describeTable()

// 2. Parquet → Avro → Parquet: each move rewrites every file, reads it back, checks rows and checksum, then
//    swaps the files in one commit. The checksum printed after each move is the same.
step('pf migrate format --entity Product --to avro')
indent(pf('migrate', 'format', '--entity', 'Product', '--to', 'avro', '--schema', 'schema/v1.pfschema'))
await describeTable()
step('pf migrate format --all --to parquet')
indent(pf('migrate', 'format', '--all', '--to', 'parquet', '--schema', 'schema/v1.pfschema'))
await describeTable()

// 3. The schema change: plan, apply (non-interactive, as in CI), status.
step('pf migrate plan (schema/v2.pfschema)')
indent(pf('migrate', 'plan', '--schema', 'schema/v2.pfschema'))
step('pf migrate apply')
indent(pf('migrate', 'apply', '--schema', 'schema/v2.pfschema'))
step('pf migrate status')
indent(pf('migrate', 'status', '--schema', 'schema/v2.pfschema'))
await describeTable()

// 4. Code of schema v2 (what `pf generate` emits registers the entity the same way) reads the old rows:
//    `title` from the column "name", `currency` filled with its default. New rows store their own currency.
step('read through schema v2')
const v2 = await schema('v2.pfschema')
class Product extends Entity {
  declare id: number
  declare title: string
  declare price: number
  declare stock: number
  declare currency: string
}
registerEntity(Product, v2.entities[0]!)
setConfig({ entityBasePath: dataDir })
await Product.create({ id: 5000, title: 'Imported tea', price: 4.5, stock: 12, currency: 'GBP' })
for (const p of await Product.findMany({ where: { id: { in: [1, 2, 5000] } }, orderBy: { id: 'asc' } })) {
  console.log(`product ${p.id}: ${p.title}, ${p.price} ${p.currency}, ${p.stock} in stock`)
}
console.log(`products in EUR: ${await Product.count({ currency: 'EUR' })}`)
await describeTable()
