// Changing a Decimal's precision or scale: a widening rewrites the data as the new DECIMAL(p, s) (every value
// checked to fit), a narrowing is refused, and an entity declaring another precision than its stored table does
// not open silently.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
import { entityIRFor } from '../entity/__fixtures__/test-ir.js'
import * as pf from '../entity/index.js'
import { useTempDir } from './__fixtures__/temp-dir.js'
import { DecimalRangeError } from './decimal-range-error.js'
import { planSchemaChanges } from './schema-change-plan.js'
import { createTable } from './table.js'
import { SchemaChangeRefusedError } from './table-errors.js'

const tmp = useTempDir('pf-decimal-migration-')

const priced = (type: string) => entityIRFor('Item', { id: 'Int', price: type })

describe('Decimal precision and scale changes', () => {
  it('plans a rewrite when no digits are lost, refuses otherwise; a Decimal without precision rewrites', () => {
    const cost = (from: string, to: string) =>
      planSchemaChanges(priced(from), [], priced(to), []).map((c) => `${c.kind} ${c.cost}: ${c.message}`)
    expect(cost('Decimal(10,2)', 'Decimal(14,4)')).toEqual([
      'change-type rewrite: widen Decimal(10, 2) → Decimal(14, 4) (rewrites the data)',
    ])
    expect(cost('Decimal(10,2)', 'Decimal(10,3)')).toEqual([
      'change-type incompatible: type Decimal(10, 2) → Decimal(10, 3) is not a widening and could lose or reject values; add a new field and copy the data instead',
    ])
    expect(cost('Decimal(10,2)', 'Decimal(12,1)')[0]).toMatch(/^change-type incompatible/)
    expect(cost('Decimal', 'Decimal(12,2)')).toEqual([
      'change-type rewrite: widen Decimal → Decimal(12, 2) (rewrites the data)',
    ])
    expect(cost('Decimal(10,2)', 'Decimal(10,2)')).toEqual([])
  })

  it('a widening rewrites the files as the new DECIMAL(p, s), values unchanged', async () => {
    const table = await createTable(`${tmp.dir}/items`, { entity: priced('Decimal(10,2)'), enums: [] })
    await table.append(
      pl.DataFrame([
        pl.Series('id', [1, 2], pl.Int64),
        pl.Series('price', ['12345678.99', '-0.01'], pl.Utf8),
      ]),
    )
    const result = await table.evolveSchema(priced('Decimal(14,4)'), [])
    expect(result.rewritten).toBe(true)
    expect((await table.read()).sort('id').toRecords()).toEqual([
      { id: 1, price: '12345678.9900' },
      { id: 2, price: '-0.0100' },
    ])
    const files = readdirSync(`${tmp.dir}/items`).filter((n) => n.endsWith('.parquet'))
    const live = (await table.snapshot()).files.map((f) => f.add.path)
    for (const file of files.filter((f) => live.includes(f)))
      expect(
        String(
          pl
            .scanParquet(join(tmp.dir, 'items', file))
            .limit(0)
            .collectSync().dtypes[1],
        ),
      ).toBe('DataType(Decimal(14,4))')
    await expect(table.evolveSchema(priced('Decimal(14,2)'), [])).rejects.toBeInstanceOf(
      SchemaChangeRefusedError,
    )
  })

  it('Avro (decimal bytes) → Parquet stores DECIMAL(p, s) exactly; a value that does not fit stops the rewrite', async () => {
    const table = await createTable(`${tmp.dir}/items`, {
      entity: priced('Decimal(10,3)'),
      enums: [],
      format: 'avro',
    })
    const frame = (prices: string[]) =>
      pl.DataFrame([
        pl.Series(
          'id',
          prices.map((_, i) => i + 1),
          pl.Int64,
        ),
        pl.Series('price', prices, pl.Utf8),
      ])
    await table.append(frame(['1.5', '-2', '1234567.125']))
    // Avro files hold the unscaled value; reads give `scale` digits, as Parquet tables do.
    expect((await table.read()).sort('id').getColumn('price').toArray()).toEqual([
      '1.500',
      '-2.000',
      '1234567.125',
    ])
    await table.rewriteFormat('parquet')
    expect((await table.read()).sort('id').getColumn('price').toArray()).toEqual([
      '1.500',
      '-2.000',
      '1234567.125',
    ])
    const other = await createTable(`${tmp.dir}/others`, {
      entity: priced('Decimal(10,3)'),
      enums: [],
      format: 'avro',
    })
    // Avro files hold Decimal as bytes with the decimal logical type: a value that does not fit is refused when
    // written, as in Parquet tables, and nothing is committed.
    const version = other.version
    const error = await other.append(frame(['1.2345'])).catch((e: unknown) => e)
    const cause = (error as Error).cause
    expect(cause).toBeInstanceOf(DecimalRangeError)
    expect((cause as Error).message).toBe(
      'price: 1.2345 has 4 digits after the point; Decimal(10, 3) keeps 3',
    )
    expect(other.version).toBe(version)
    expect((await other.read()).height).toBe(0)
  })

  it('a table whose stored schema has a Decimal without precision opens as Decimal(38, 18), the default', async () => {
    class Old extends pf.Entity {}
    pf.withRegistry(new pf.EntityRegistry(), () => pf.registerEntity(Old, priced('Decimal')))
    await pf.openStore(tmp.dir).repository(Old).create({ id: 1, price: '1.5' })
    class New extends pf.Entity {}
    pf.withRegistry(new pf.EntityRegistry(), () => pf.registerEntity(New, priced('Decimal(38,18)')))
    const found = await pf.openStore(tmp.dir).repository(New).find(1)
    expect({ ...found }).toEqual({ id: 1, price: '1.500000000000000000' })
    class Narrow extends pf.Entity {}
    pf.withRegistry(new pf.EntityRegistry(), () => pf.registerEntity(Narrow, priced('Decimal(12,2)')))
    await expect(pf.openStore(tmp.dir).repository(Narrow).count()).rejects.toThrow(
      'Item.price: stored as Decimal(38, 18) (column price), declared as Decimal(12, 2)',
    )
  })

  it('an entity declaring another precision than its table is refused at open, naming both', async () => {
    class Item extends pf.Entity {}
    pf.withRegistry(new pf.EntityRegistry(), () => pf.registerEntity(Item, priced('Decimal(10,2)')))
    await pf.openStore(tmp.dir).repository(Item).create({ id: 1, price: '1.50' })
    class Item2 extends pf.Entity {}
    pf.withRegistry(new pf.EntityRegistry(), () => pf.registerEntity(Item2, priced('Decimal(12,2)')))
    const error = await pf
      .openStore(tmp.dir)
      .repository(Item2)
      .count()
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(pf.EntitySchemaError)
    expect((error as Error).message).toContain(
      'Item.price: stored as Decimal(10, 2) (column price), declared as Decimal(12, 2)',
    )
  })
})
