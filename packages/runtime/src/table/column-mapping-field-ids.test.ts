// Every Parquet data file pf writes for a column-mapped table carries each column's Delta column id as its
// Parquet field_id (PROTOCOL.md "Writer Requirements for Column Mapping"), whichever path writes it: polars, the
// small writer, an upsert's new file, compaction, a format rewrite. Checked with DuckDB's parquet_schema as the
// independent reader, with DuckDB reading columns by field id only, and with pf's own mode-id reader.
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
import { entityIRFor } from '../entity/__fixtures__/test-ir.js'
import { frameFromEntities } from '../entity/entity-frame-codec.js'
import { read } from '../frame/read-frame.js'
import { writeColumnMappedTable } from './__fixtures__/column-mapped-delta-table.js'
import { withDuckDB } from './__fixtures__/duckdb-session.js'
import { range, userEntity, userEnums, users } from './__fixtures__/user-entity.js'
import { useUsersTablePath } from './__fixtures__/users-table-setup.js'
import { RowBatch } from './row-batch.js'
import { createTable, openTable, type Table } from './table.js'
import { adoptTable } from './table-adoption.js'

const at = useUsersTablePath()

/** The User entity (its scalar fields: a list field would send small inserts down the frame path). */
const entity = { ...userEntity, fields: userEntity.fields.filter((f) => f.type.kind !== 'list') }

/** The entity with `name` renamed to `fullName` (its data stays in column "name"). */
const renamed = {
  ...entity,
  fields: entity.fields.map((f) => (f.name === 'name' ? { ...f, name: 'fullName', column: 'fullName' } : f)),
}

/** Each live file's top-level columns → their Parquet field_id (null: none), as DuckDB reads the footer. */
async function fileFieldIds(table: Table): Promise<Map<string, Record<string, string | null>>> {
  const out = new Map<string, Record<string, string | null>>()
  await withDuckDB(async (run) => {
    for (const file of (await table.snapshot()).files) {
      const path = join(table.path, file.add.path)
      const elements = await run(`select name, field_id, num_children from parquet_schema('${path}')`)
      const ids: Record<string, string | null> = {}
      // Depth-first: the root's children, each subtree (a list's groups) skipped.
      let i = 1
      for (let c = 0; c < Number(elements[0]?.num_children); c++) {
        const element = elements[i] as Record<string, unknown>
        ids[String(element.name)] = element.field_id === null ? null : String(element.field_id)
        let pending = Number(element.num_children ?? 0)
        i++
        while (pending > 0) pending += Number(elements[i++]?.num_children ?? 0) - 1
      }
      out.set(file.add.path, ids)
    }
  })
  return out
}

/** What the table's column mapping says each stored column's field id is. */
function mappedIds(table: Table): Record<string, string> {
  const columns = table.metadata.columnMapping?.columns ?? {}
  return Object.fromEntries(Object.values(columns).map((e) => [e.physicalName, String(e.id)]))
}

/** Every live file's columns carry their mapped ids, except the files in `older` (written before the mapping). */
async function expectFieldIds(table: Table, older: ReadonlySet<string> = new Set()): Promise<number> {
  const expected = mappedIds(table)
  let checked = 0
  for (const [path, ids] of await fileFieldIds(table)) {
    if (older.has(path)) continue
    const columns = Object.keys(ids)
    expect(columns.length).toBeGreaterThan(0)
    expect(ids, path).toEqual(Object.fromEntries(columns.map((c) => [c, expected[c]])))
    checked++
  }
  return checked
}

/** The table's rows as text, sorted by id (pf's types and a foreign read's differ only in dtype). */
function asText(df: pl.DataFrame): Record<string, unknown>[] {
  const columns = ['id', 'fullName', 'age', 'role', 'score']
  return df
    .sort('id')
    .select(...columns.map((c) => pl.col(c).cast(pl.Utf8)))
    .toRecords()
}

describe('Parquet field ids in a column-mapped table', () => {
  it('are in every file pf writes after a rename, by each write path, and a mode-id reader finds the rows', async () => {
    const table = await createTable(at.path, { entity, enums: userEnums, checkpointInterval: 1000 })
    await table.append(users(range(0, 10)))
    expect(table.metadata.columnMapping).toBeUndefined()
    // Without column mapping pf writes no field ids.
    for (const ids of (await fileFieldIds(table)).values())
      expect(Object.values(ids).every((id) => id === null)).toBe(true)

    const older = new Set((await table.snapshot()).files.map((f) => f.add.path))
    await table.evolveSchema(renamed, userEnums, { renames: { name: 'fullName' } })
    expect(mappedIds(table)).toMatchObject({ id: '1', name: '2' })

    // polars path (a frame append), the small writer (a few rows from JS values), an upsert's new file.
    await table.append(users(range(10, 20)).rename({ name: 'fullName' }))
    const row = { id: 20, fullName: 'small', age: 3, role: 'ADMIN', score: 1.5, createdAt: null }
    await table.insertBatch(new RowBatch(table.metadata.entity.fields, [row], frameFromEntities))
    await table.upsert(users([3, 12], 'changed').rename({ name: 'fullName' }))
    await table.deleteKeys([4])
    expect(await expectFieldIds(table, older)).toBe(3)

    // Compaction rewrites the files from before the rename too: then every file has them.
    await table.compact()
    expect(await expectFieldIds(table)).toBeGreaterThan(0)
    const expected = asText(await table.read())
    expect(expected).toHaveLength(20)
    expect(expected.find((r) => r.id === '3')?.fullName).toBe('changed3')
    // A cold point read checks the rewritten footer's bytes against the checksums the log took of them.
    const reopened = await openTable(at.path)
    expect((await reopened.findByKey(12))?.getColumn('fullName').get(0)).toBe('changed12')
    expect((await reopened.findByKey(20))?.getColumn('fullName').get(0)).toBe('small')

    // DuckDB finding each column by its field id alone (the names it is given are none of the file's).
    const byId = await withDuckDB(async (run) => {
      const files = (await table.snapshot()).files.map((f) => `'${join(table.path, f.add.path)}'`)
      const schema = `map {1: {name: 'k', type: 'BIGINT', default_value: NULL}, 2: {name: 'who', type: 'VARCHAR', default_value: NULL}}`
      return run(`select k, who from read_parquet([${files.join(', ')}], schema = ${schema}) order by k`)
    })
    expect(byId).toEqual(expected.map((r) => ({ k: r.id, who: r.fullName })))

    // pf's mode-id reader on a copy whose log says mode id and names no physical column the files hold.
    const copy = join(at.dir, 'as-id-mode')
    // Background work (a state cache written after the commits pause) done first: a copy is of a quiet folder.
    await table.settled()
    await reopened.settled()
    await cp(at.path, copy, { recursive: true })
    await asIdModeLog(copy)
    expect(asText(await (await read(copy)).toDataFrame())).toEqual(expected)
  })

  it('are in the files `pf migrate format --to parquet` writes for an Avro table with column mapping', async () => {
    const table = await createTable(at.path, { entity: { ...entity, format: 'avro' }, enums: userEnums })
    await table.append(users(range(0, 30)))
    await table.evolveSchema({ ...renamed, format: 'avro' }, userEnums, { renames: { name: 'fullName' } })
    await table.upsert(users([30], 'late').rename({ name: 'fullName' }))
    const before = asText(await table.read())
    await table.rewriteFormat('parquet')
    expect(table.metadata.format).toBe('parquet')
    expect(await expectFieldIds(table)).toBeGreaterThan(0)
    expect(asText(await table.read())).toEqual(before)
  })
})

describe('Parquet field ids in an adopted table in column mapping mode name', () => {
  it('are in every file pf writes to it, by the ids its other writer gave (physical names col-…)', async () => {
    const root = at.path
    await writeColumnMappedTable(root, {
      mode: 'name',
      columns: [
        { name: 'id', type: 'long', nullable: false, id: 11, physicalName: 'col-a1' },
        { name: 'label', type: 'string', nullable: true, id: 12, physicalName: 'col-b2' },
      ],
      rows: `select 1::bigint as "col-a1", 'one' as "col-b2" union all select 2, 'two'`,
      id: '5d0c8f7e-1111-4222-8333-444455556677',
    })
    const item = entityIRFor('Item', { id: 'BigInt', label: 'String?' }, { storage: 'items' })
    const table = await adoptTable(root, { entity: item })
    const frame = (ids: number[], label: string) =>
      pl.DataFrame({
        id: pl.Series('id', ids, pl.Int64),
        label: pl.Series(
          'label',
          ids.map((i) => `${label}${i}`),
          pl.Utf8,
        ),
      })
    await table.append(frame([3, 4], 'new'))
    await table.upsert(frame([1], 'changed'))
    const expected = { 'col-a1': '11', 'col-b2': '12' }
    for (const ids of (await fileFieldIds(table)).values()) expect(ids).toEqual(expected)
    await table.compact()
    const files = await fileFieldIds(table)
    expect([...files.values()]).toEqual([...files.keys()].map(() => expected))
    const byId = await withDuckDB((run) =>
      run(
        `select k, v from read_parquet([${[...files.keys()].map((p) => `'${join(root, p)}'`).join(', ')}],
           schema = map {11: {name: 'k', type: 'BIGINT', default_value: NULL}, 12: {name: 'v', type: 'VARCHAR', default_value: NULL}})
         order by k`,
      ),
    )
    expect(byId).toEqual([
      { k: '1', v: 'changed1' },
      { k: '2', v: 'two' },
      { k: '3', v: 'new3' },
      { k: '4', v: 'new4' },
    ])
  })
})

/**
 * Rewrites a table copy's log as another writer's table in column mapping mode id: pf's own `pf.` properties
 * dropped (so it reads by its Delta schema) and every physical name replaced by one no file holds, so that only the
 * Parquet field ids lead to the columns. Only the numbered commit files are kept (no checkpoint, no pf cache).
 */
async function asIdModeLog(root: string): Promise<void> {
  const log = join(root, '_delta_log')
  const names = (await readdir(log)).filter((n) => /^\d{20}\.json$/.test(n))
  const entries = await Promise.all(
    names.map(async (n) => [n, await readFile(join(log, n), 'utf8')] as const),
  )
  await rm(log, { recursive: true })
  await mkdir(log)
  for (const [name, text] of entries) {
    const lines = text
      .split('\n')
      .filter((l) => l !== '')
      .map((line) => {
        const action = JSON.parse(line) as {
          metaData?: { configuration: Record<string, string>; schemaString: string }
        }
        const meta = action.metaData
        if (meta === undefined) return line
        const configuration = Object.fromEntries(
          Object.entries(meta.configuration).filter(([k]) => !k.startsWith('pf.')),
        )
        if (configuration['delta.columnMapping.mode'] !== undefined)
          configuration['delta.columnMapping.mode'] = 'id'
        const schema = JSON.parse(meta.schemaString) as { fields: { metadata: Record<string, unknown> }[] }
        for (const field of schema.fields) {
          const physical = field.metadata['delta.columnMapping.physicalName']
          if (typeof physical === 'string')
            field.metadata['delta.columnMapping.physicalName'] = `hidden-${physical}`
        }
        return JSON.stringify({ metaData: { ...meta, configuration, schemaString: JSON.stringify(schema) } })
      })
    await writeFile(join(log, name), `${lines.join('\n')}\n`)
  }
}
