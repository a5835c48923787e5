import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
import { parseDeltaSchema } from '../delta/delta-schema.js'
import { writeForeignDeltaTable } from '../table/__fixtures__/foreign-delta-table.js'
import { useTempDir } from '../table/__fixtures__/temp-dir.js'
import { foreignTableProblems } from '../table/foreign-table-check.js'
import { entityIRFor } from './__fixtures__/test-ir.js'
import { EntitySchemaError } from './entity-errors.js'
import * as pf from './index.js'

const column = (name: string, type: unknown, nullable: boolean) => ({ name, type, nullable, metadata: {} })
const schemaOf = (...fields: unknown[]) => JSON.stringify({ type: 'struct', fields })

describe('foreignTableProblems', () => {
  const ticket = entityIRFor('Ticket', {
    id: 'Int',
    label: 'String?',
    tags: 'String[]?',
    price: 'Decimal(10,2)?',
  })

  it('accepts columns of the Delta types pf stores the fields as (arrays whatever their containsNull)', () => {
    const schema = parseDeltaSchema(
      schemaOf(
        column('id', 'long', false),
        column('label', 'string', true),
        column('tags', { type: 'array', elementType: 'string', containsNull: true }, true),
        column('price', 'decimal(10,2)', true),
      ),
    )
    expect(foreignTableProblems(ticket, schema, [])).toEqual([])
  })

  it("accepts Spark's defaults: integer/short/byte columns of Int fields, float of Float, nullable columns of required fields", () => {
    const reading = entityIRFor('Reading', { id: 'Int', qty: 'Int', level: 'Int?', ratio: 'Float' })
    const schema = parseDeltaSchema(
      schemaOf(
        column('id', 'integer', true),
        column('qty', 'short', true),
        column('level', 'byte', true),
        column('ratio', 'float', true),
      ),
    )
    expect(foreignTableProblems(reading, schema, [])).toEqual([])
  })

  it('names each field and column that does not fit', () => {
    const schema = parseDeltaSchema(
      schemaOf(
        column('id', 'double', true),
        column('tags', { type: 'array', elementType: 'string', containsNull: true }, false),
        column('price', 'decimal(12,2)', true),
        column('extra', 'string', true),
      ),
    )
    expect(foreignTableProblems(ticket, schema, ['extra'])).toEqual([
      'Ticket.id: column id is double in the Delta table, the field is stored as long',
      'Ticket.label: the Delta table has no column label',
      // An optional field over a NOT NULL column: pf would store nulls the table forbids.
      'Ticket.tags: column tags is not nullable, the field is optional',
      'Ticket.price: column price is decimal(12,2) in the Delta table, the field is stored as decimal(10,2)',
      'Ticket: column extra (string) is not a field',
      'Ticket: the Delta table is partitioned by (extra), the entity by ()',
    ])
  })
})

describe('an entity over a Delta table another writer created', () => {
  const tmp = useTempDir('pf-foreign-')

  it('is refused with the fields that do not fit, and the table is left as its writer wrote it', async () => {
    const root = join(tmp.dir, 'Ticket')
    await writeForeignDeltaTable(root, {
      frame: pl.DataFrame({ id: pl.Series('id', [1], pl.Int32), label: pl.Series('label', [1], pl.Int64) }),
      columns: [column('id', 'integer', false), column('label', 'long', true)],
      id: 'e0b5a1c4-0000-4000-8000-000000000001',
    })
    class Ticket extends pf.Entity {}
    pf.withRegistry(new pf.EntityRegistry(), () =>
      pf.registerEntity(Ticket, entityIRFor('Ticket', { id: 'Int', label: 'String?' })),
    )
    const repo = pf.openStore(tmp.dir).repository(Ticket)
    const error = await repo.findMany().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(EntitySchemaError)
    expect((error as EntitySchemaError).problems).toEqual([
      'Ticket.label: column label is long in the Delta table, the field is stored as string',
      `Ticket: ${root} is a Delta table another writer created (no pf.* configuration); read() reads it, entities write it once adopted: store.adopt(Ticket) or \`pf adopt ${root} --entity Ticket\``,
    ])
    expect(readdirSync(join(root, '_delta_log'))).toEqual(['00000000000000000000.json'])
    expect(readdirSync(root).sort()).toEqual(['_delta_log', 'a.parquet'])
  })
})
