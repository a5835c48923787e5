import { mkdir, readdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { openTable } from '@parquetframe/runtime'
import pl from 'nodejs-polars'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { main } from '../main.js'
import { captureIo } from '../testing/capture-io.js'
import { type TempProject, tempProject } from '../testing/temp-project.js'

const SCHEMA = `config { storage = "./data" }

entity Ticket @storage("tickets") {
  id    Int    @id
  title String?
}
`

let project: TempProject
beforeEach(async () => {
  project = await tempProject({ 'schema.pfschema': SCHEMA })
})
afterEach(async () => {
  await project.dispose()
})

async function pf(args: string) {
  const io = captureIo(project.dir, {})
  const code = await main(args.split(' '), io)
  return { code, out: io.out(), err: io.err() }
}

/** A Delta table as delta-rs writes it (no pf.* configuration), `id` of the given Delta type. */
async function foreignTable(root: string, idType: 'long' | 'integer' | 'double'): Promise<void> {
  await mkdir(join(root, '_delta_log'), { recursive: true })
  const dtype = { long: pl.Int64, integer: pl.Int32, double: pl.Float64 }[idType]
  pl.DataFrame({ id: pl.Series('id', [1, 2], dtype), title: ['a', null] }).writeParquet(
    join(root, 'part-0.parquet'),
  )
  const { size } = await stat(join(root, 'part-0.parquet'))
  const field = (name: string, type: string, nullable: boolean) => ({ name, type, nullable, metadata: {} })
  const actions = [
    { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
    {
      metaData: {
        id: '6c1f0b8e-2f7a-4d3c-9a51-1d2e3f4a5b6c',
        format: { provider: 'parquet', options: {} },
        schemaString: JSON.stringify({
          type: 'struct',
          fields: [field('id', idType, false), field('title', 'string', true)],
        }),
        partitionColumns: [],
        configuration: { 'team.owner': 'data' },
      },
    },
    {
      add: {
        path: 'part-0.parquet',
        partitionValues: {},
        size,
        modificationTime: 0,
        dataChange: true,
        stats: '{"numRecords":2}',
      },
    },
    { commitInfo: { timestamp: 1, operation: 'CREATE TABLE' } },
  ]
  await writeFile(
    join(root, '_delta_log', '00000000000000000000.json'),
    actions.map((a) => JSON.stringify(a)).join('\n'),
  )
}

describe('pf adopt', () => {
  it("adopts the entity's table in one commit; then the Table API writes it; a second adopt is refused", async () => {
    const root = project.path('data/tickets')
    await foreignTable(root, 'long')
    const adopted = await pf('adopt --entity Ticket')
    expect(adopted).toMatchObject({ code: 0, err: '' })
    expect(adopted.out).toBe('Ticket (data/tickets): adopted at version 1, copy-on-write, 2 rows in 1 file\n')
    const table = await openTable(root)
    await table.upsert(pl.DataFrame({ id: pl.Series('id', [2, 3], pl.Int64), title: ['b', 'c'] }))
    const rows = await (await table.snapshot()).read()
    expect(rows.sort('id').toRecords()).toEqual([
      { id: 1, title: 'a' },
      { id: 2, title: 'b' },
      { id: 3, title: 'c' },
    ])
    const again = await pf('adopt --entity Ticket')
    expect(again.code).toBe(1)
    expect(again.err).toContain("already carries pf's metadata")
  })

  it('refuses a table that does not fit, naming the field, and writes nothing (folder given as an argument)', async () => {
    const root = project.path('lake/tickets')
    await foreignTable(root, 'double')
    const refused = await pf('adopt lake/tickets --entity Ticket')
    expect(refused.code).toBe(1)
    expect(refused.err).toContain(`Cannot adopt the Delta table at ${root}`)
    expect(refused.err).toContain(
      'Ticket.id: column id is double in the Delta table, the field is stored as long',
    )
    expect(await readdir(join(root, '_delta_log'))).toEqual(['00000000000000000000.json'])
  })

  it("adopts Spark's integer id column for an Int field and keeps it integer", async () => {
    const root = project.path('data/tickets')
    await foreignTable(root, 'integer')
    expect(await pf('adopt --entity Ticket')).toMatchObject({ code: 0, err: '' })
    const table = await openTable(root)
    await table.upsert(pl.DataFrame({ id: pl.Series('id', [3], pl.Int64), title: ['c'] }))
    expect((await (await table.snapshot()).read()).sort('id').getColumn('id').toArray()).toEqual([1, 2, 3])
    // pf's new data file stores the id as the table declares it: INT32 (polars reads Int32).
    const written = (await readdir(root)).filter((f) => f.endsWith('.parquet') && f !== 'part-0.parquet')
    expect(written).toHaveLength(1)
    expect(String(pl.readParquet(join(root, written[0] ?? '')).getColumn('id').dtype)).toBe('DataType(Int32)')
  })

  it('needs --entity, and names an unknown entity', async () => {
    expect((await pf('adopt')).err).toContain('Name the entity with --entity NAME')
    expect((await pf('adopt --entity Nope')).err).toContain('Unknown entity "Nope"')
    expect((await pf('adopt --entity ticket')).err).toContain(
      'Unknown entity "ticket". Did you mean "Ticket"?',
    )
  })

  it('adopts for one entity: several in --entity are refused before anything is read', async () => {
    const refused = await pf('adopt --entity Ticket,Other')
    expect(refused.code).toBe(1)
    expect(refused.err).toContain('"pf adopt" takes one entity, got 2: Ticket, Other')
  })
})
