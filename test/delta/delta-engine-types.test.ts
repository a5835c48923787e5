// The types other engines see: the Delta schema a user would declare in SQL for each pf type, and data files whose
// Parquet types (as DuckDB DESCRIBEs them) are what that Delta schema promises (PROTOCOL.md "Primitive Types":
// timestamp is stored with isAdjustedToUTC=true, so DuckDB sees TIMESTAMP WITH TIME ZONE).
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { withRegistry } from '@parquetframe/runtime'
import { describe, expect, it } from 'vitest'
import { usePersonWorkspace } from './oracle-workspace.js'
import { Person } from './person-entity.js'
import { duckDescribedType, parseSchemaString, physicalName } from './spec-delta-schema.js'
import { tablePath } from './spec-table-path.js'

const ws = usePersonWorkspace('pf-delta-types-')

describe('the data types other engines see', () => {
  it('the Delta schema says what a user would declare in SQL, and the data files hold exactly those types', async () => {
    await withRegistry(ws.registry, async () => {
      await Person.saveAll([
        {
          id: 1,
          name: 'a',
          region: 'r',
          role: 'ADMIN',
          price: '1.5',
          born: '2020-01-02',
          at: new Date(1),
          big: 1n,
        },
        { id: 2, name: 'b', region: null, role: 'MEMBER', tags: ['x'], blob: new Uint8Array([1]), meta: [1] },
      ])
      // Published as a Delta version by a pf read (a save of new entities is acknowledged at its log record and
      // published a few milliseconds later: docs/tables.md, "Log-first inserts"); the outside reader comes after.
      expect(await Person.count()).toBe(2)
    })
    const root = join(ws.dir, 'people')
    const snapshot = await ws.oracle.snapshot(root)
    const fields = parseSchemaString(snapshot.metaData.schemaString)
    expect(Object.fromEntries(fields.map((f) => [f.name, [f.type, f.nullable]]))).toEqual({
      id: ['long', false],
      name: ['string', false],
      region: ['string', true],
      role: ['string', false],
      price: ['decimal(38,18)', true],
      born: ['date', true],
      at: ['timestamp', true],
      tags: [{ type: 'array', elementType: 'string', containsNull: expect.any(Boolean) }, true],
      blob: ['binary', true],
      big: ['long', true],
      ok: ['boolean', true],
      score: ['double', true],
      meta: ['string', true],
    })
    expect(snapshot.metaData.partitionColumns).toEqual(['region'])
    const read = await ws.oracle.read(root)
    const duck = await (await DuckDBInstance.create(':memory:')).connect()
    try {
      expect(snapshot.files.length).toBeGreaterThan(0)
      for (const file of snapshot.files) {
        const path = tablePath(root, file.path)
        const described = await duck.runAndReadAll(
          `describe select * from read_parquet('${path.replaceAll("'", "''")}')`,
        )
        const types = new Map(described.getRows().map((r) => [String(r[0]), String(r[1])]))
        for (const field of fields) {
          if (snapshot.metaData.partitionColumns.includes(field.name)) continue
          expect(types.get(physicalName(field, read.mode)), `${file.path}: column ${field.name}`).toBe(
            duckDescribedType(field.type),
          )
        }
      }
    } finally {
      duck.closeSync()
    }
  }, 120_000)
})
