// End to end: a .pfschema → parse → generate → write to a temp project → type-check under the repo's strict
// flags → run CRUD and relations from user code against real files → read the data files back with DuckDB
// (Parquet) and avsc with the generated .avsc (Avro), independent readers, and check rows and types.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { DuckDBInstance } from '@duckdb/node-api'
import { generate, loadSchema } from '@parquetframe/codegen'
import { openTable, resetConfig, setConfig } from '@parquetframe/runtime'
import avro from 'avsc'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  makeTempProject,
  removeTempProject,
  renderDiagnostics,
  typeCheck,
  writeFiles,
} from '../../packages/codegen/src/emit/__fixtures__/compile-harness.js'

const SCHEMA = `config {
  storage = "./data"
  format  = parquet
  output  = "./src/generated"
}

/// How much a customer pays.
enum Tier { FREE PRO }

/// Someone who buys things.
entity Customer @storage("customers") {
  id       Int      @id
  /// Full name.
  name     String   @index
  email    String   @unique
  tier     Tier     @default(FREE)
  age      Int?
  balance  Decimal(10, 2)
  score    Float?
  visits   BigInt
  active   Boolean  @default(true)
  tags     String[]
  born     Date?
  meta     Json?
  avatar   Bytes?
  joinedAt DateTime @default(now())
  orders   Order[]  @relation(foreignKey: customerId)
}

/// One purchase. Stored as Avro.
entity Order @storage("orders") @format(avro) {
  id         BigInt   @id
  customerId Int      @index
  customer   Customer @relation(foreignKey: customerId)
  total      Float
  note       String?  @map("note_text")
  placedAt   DateTime
}
`

// The user's code, compiled with the generated code and then run.
const APP = `import { Customer, CustomerCreateSchema, Order, type OrderWhere, Tier } from './generated/index.js'

const placedAt = new Date('2024-01-02T03:04:05.123Z')

export async function run() {
  const alice = await Customer.create({
    id: 1,
    name: 'Alice',
    email: 'alice@example.com',
    age: 34,
    balance: '12.50',
    score: 4.5,
    visits: 9007199254740993n,
    tags: ['vip', 'early'],
    born: '1990-05-17',
    meta: { likes: ['tea'], n: 1 },
    avatar: new Uint8Array([1, 2, 3]),
  })
  const bob = await Customer.create({ id: 2, name: 'Bob', email: 'bob@example.com', tier: Tier.PRO, balance: '0', visits: 1n, tags: [] })
  await Customer.create({ id: 3, name: 'Carol', email: 'carol@example.com', age: 15, balance: '3.25', visits: 2n, tags: ['new'] })
  await Order.create({ id: 10n, customerId: 1, total: 99.5, placedAt })
  await Order.create({ id: 11n, customerId: 1, total: 5, note: 'gift', placedAt })
  await Order.create({ id: 12n, customerId: 2, total: 7.25, placedAt })

  const found = await Customer.find(1)
  const pros = await Customer.findBy({ tier: 'PRO' })
  const adults = await Customer.findMany({
    where: { age: { gte: 18 } },
    orderBy: { name: 'asc' },
    include: { orders: true },
  })
  const adultOrders = adults.length > 0 ? adults[0]!.orders : []
  const aliceOrders = await alice.orders({ orderBy: { id: 'desc' } })
  const bigOrders: OrderWhere = { total: { gt: 6 } }
  const big = await Order.findMany({ where: bigOrders, orderBy: { id: 'asc' } })
  const gift = await Order.find(11n)
  const giftCustomer = gift === null ? null : await gift.customer()
  const names = await Customer.findMany({ select: { name: true }, orderBy: { id: 'asc' } })

  bob.name = 'Robert'
  await bob.save()
  const order12 = await Order.find(12n)
  const deleted = order12 === null ? false : await order12.delete()
  const young = await Customer.findOne({ age: { lt: 18 } })
  if (young !== null) await young.delete()

  return {
    found: found && {
      name: found.name,
      tier: found.tier,
      visits: found.visits,
      balance: found.balance,
      born: found.born,
      tags: found.tags,
      meta: found.meta,
      avatar: found.avatar && [...found.avatar],
      active: found.active,
      joinedIsDate: found.joinedAt instanceof Date,
    },
    pros: pros.map((c) => c.name),
    adults: adults.map((c) => c.name),
    adultOrders: adultOrders.map((o) => o.id),
    aliceOrders: aliceOrders.map((o) => o.id),
    big: big.map((o) => o.id),
    giftCustomer: giftCustomer?.name ?? null,
    names: names.map((n) => n.name),
    deleted,
    customers: await Customer.count(),
    orders: await Order.count(),
    robert: (await Customer.find(2))?.name ?? null,
    // The generated schemas accept exactly what create stores: the runtime's rules for each stored type.
    schemaAccepts: [NaN, Infinity].map((score) => CustomerCreateSchema.safeParse({ ...input, score }).success),
    schemaRefuses: [
      { ...input, name: 'bad \\ud800' },
      { ...input, visits: 2n ** 63n },
    ].map((value) => CustomerCreateSchema.safeParse(value).success),
  }
}

const input = { id: 4, name: 'Dan', email: 'dan@example.com', balance: '1', visits: 1n, tags: [] }
`

/** An Avro field type without its null branch, and without `avsc`'s type wrappers. */
function valueType(type: unknown): unknown {
  const branches = Array.isArray(type) ? type.filter((t) => t !== 'null') : [type]
  const t = branches.length === 1 ? branches[0] : branches
  return typeof t === 'object' && t !== null && 'logicalType' in t
    ? { type: (t as { type: unknown }).type, logicalType: (t as { logicalType: unknown }).logicalType }
    : t
}

let dir: string
let dataDir: string
let generatedFiles: ReadonlyMap<string, string>

beforeAll(async () => {
  dir = makeTempProject('pf-codegen-e2e-')
  dataDir = join(dir, 'data')
  mkdirSync(join(dir, 'schema'))
  writeFileSync(join(dir, 'schema/shop.pfschema'), SCHEMA)
  const parsed = await loadSchema(join(dir, 'schema/shop.pfschema'))
  expect(parsed.diagnostics).toEqual([])
  generatedFiles = generate(parsed.ir!, { outDir: join(dir, 'src/generated') })
  writeFiles(dir, new Map([...generatedFiles].map(([p, c]) => [`src/generated/${p}`, c])))
  writeFileSync(join(dir, 'src/app.ts'), APP)
  setConfig({ entityBasePath: dataDir })
})

afterAll(() => {
  resetConfig()
  removeTempProject(dir)
})

describe('schema → generate → compile → run → read back', () => {
  it('generates the files, with headers naming the schema relative to the output folder', () => {
    expect([...generatedFiles.keys()]).toEqual([
      'customer.ts',
      'enums.ts',
      'index.ts',
      'json-value.ts',
      'order.ts',
      'orders.avsc',
    ])
    expect(generatedFiles.get('customer.ts')!.split('\n')[0]).toBe(
      '// Generated by @parquetframe/codegen from ../../schema/shop.pfschema. Do not edit.',
    )
  })

  it('compiles the generated code and the app under the strict flags', () => {
    const roots = [...generatedFiles.keys()]
      .filter((p) => p.endsWith('.ts'))
      .map((p) => join(dir, 'src/generated', p))
    const diagnostics = typeCheck(dir, [...roots, join(dir, 'src/app.ts')])
    expect(renderDiagnostics(diagnostics)).toBe('')
  })

  it('runs CRUD and relations against real files', async () => {
    const app = (await import(pathToFileURL(join(dir, 'src/app.ts')).href)) as { run: () => Promise<unknown> }
    const result = await app.run()
    expect(result).toEqual({
      found: {
        name: 'Alice',
        tier: 'FREE',
        visits: 9007199254740993n,
        balance: '12.50',
        born: '1990-05-17',
        tags: ['vip', 'early'],
        meta: { likes: ['tea'], n: 1 },
        avatar: [1, 2, 3],
        active: true,
        joinedIsDate: true,
      },
      pros: ['Bob'],
      adults: ['Alice'],
      adultOrders: [10n, 11n],
      aliceOrders: [11n, 10n],
      big: [10n, 12n],
      giftCustomer: 'Alice',
      names: ['Alice', 'Bob', 'Carol'],
      deleted: true,
      customers: 2,
      orders: 2,
      robert: 'Robert',
      schemaAccepts: [true, true],
      schemaRefuses: [false, false],
    })
  })

  it('wrote Parquet that DuckDB reads with the declared types and the current rows', async () => {
    const table = await openTable(join(dataDir, 'customers'))
    await table.compact()
    const files = (await table.snapshot()).files.map((f) => join(dataDir, 'customers', f.add.path))
    const db = await DuckDBInstance.create(':memory:')
    const conn = await db.connect()
    try {
      const list = files.map((f) => `'${f}'`).join(', ')
      const reader = await conn.runAndReadAll(`SELECT * FROM read_parquet([${list}]) ORDER BY id`)
      const types = Object.fromEntries(
        reader.columnNames().map((n, i) => [n, reader.columnTypes()[i]!.toString()]),
      )
      expect(types).toMatchObject({
        id: 'BIGINT',
        name: 'VARCHAR',
        tier: expect.stringMatching(/^(VARCHAR|ENUM)/),
        age: 'BIGINT',
        balance: 'DECIMAL(10,2)',
        score: 'DOUBLE',
        visits: 'BIGINT',
        active: 'BOOLEAN',
        tags: 'VARCHAR[]',
        born: 'DATE',
        // Bytes are stored as Parquet binary (written through arrow-rs: polars 0.24 cannot write Binary).
        avatar: 'BLOB',
        joinedAt: expect.stringMatching(/^TIMESTAMP/),
      })
      const rows = (
        await conn.runAndReadAll(
          `SELECT id, name, tier::VARCHAR AS tier, age, visits, balance::VARCHAR AS balance, born::VARCHAR AS born, array_to_string(tags, ',') AS tags, active, hex(avatar) AS avatar
         FROM read_parquet([${list}]) ORDER BY id`,
        )
      ).getRowObjectsJS()
      expect(rows).toEqual([
        {
          id: 1n,
          name: 'Alice',
          tier: 'FREE',
          age: 34n,
          visits: 9007199254740993n,
          balance: '12.50',
          born: '1990-05-17',
          tags: 'vip,early',
          active: true,
          avatar: '010203',
        },
        {
          id: 2n,
          name: 'Robert',
          tier: 'PRO',
          age: null,
          visits: 1n,
          balance: '0.00',
          born: null,
          tags: '',
          active: true,
          avatar: null,
        },
      ])
    } finally {
      conn.closeSync()
    }
  })

  it('wrote Avro that avsc reads, with the columns and types of the generated .avsc', async () => {
    const table = await openTable(join(dataDir, 'orders'))
    await table.compact()
    const files = (await table.snapshot()).files.map((f) => join(dataDir, 'orders', f.add.path))
    const rows: Record<string, unknown>[] = []
    let written: { fields: { name: string; type: unknown }[] } | undefined
    for (const file of files) {
      await new Promise<void>((resolve, reject) => {
        avro
          .createFileDecoder(file)
          .on('metadata', (_type: avro.Type, _codec: string, header: { meta: Record<string, Buffer> }) => {
            // The schema as written in the file header (avsc's own Type drops unknown logical types).
            written = JSON.parse(header.meta['avro.schema']!.toString('utf8')) as typeof written
          })
          .on('data', (row: Record<string, unknown>) => rows.push({ ...row }))
          .on('error', reject)
          .on('end', () => resolve())
      })
    }
    rows.sort((a, b) => Number(a.id) - Number(b.id))
    expect(rows).toEqual([
      { id: 10, customerId: 1, total: 99.5, note_text: null, placedAt: 1704164645123000 },
      { id: 11, customerId: 1, total: 5, note_text: 'gift', placedAt: 1704164645123000 },
    ])
    // The runtime writes every column as a nullable union today; compare names and value types.
    const generated = JSON.parse(
      readFileSync(join(dir, 'src/generated/orders.avsc'), 'utf8'),
    ) as typeof written
    const shape = (s: typeof written) => s!.fields.map((f) => [f.name, valueType(f.type)])
    expect(shape(written)).toEqual(shape(generated))
  })
})
