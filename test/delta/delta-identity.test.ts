// Autoincrement fields as Delta identity columns (PROTOCOL.md "Identity Columns"): other writers (Spark) generate
// values above the high-water mark, so every pf commit that writes ids keeps the mark at or above them, and pf
// numbers above a mark another writer raised. Checked by the spec oracle after every commit.
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  CREATE_INPUT,
  createTable,
  Entity,
  EntityRegistry,
  registerEntity,
  resetConfig,
  setConfig,
  withRegistry,
} from '@parquetframe/runtime'
import pl from 'nodejs-polars'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { entityOf, useOracleWorkspace } from './oracle-workspace.js'
import { expectSameRowsAt } from './pf-agreement.js'
import { identityProblems } from './spec-identity.js'

const TICKET_SCHEMA = `
entity Ticket @storage("tickets") {
  id    Int @id @default(autoincrement())
  title String
}`

/** What generated code declares for Ticket: `id` may be left out on create (it is generated). */
class Ticket extends Entity {
  declare id: number
  declare title: string
  declare readonly [CREATE_INPUT]?: { id?: number; title: string }
}

const ws = useOracleWorkspace('pf-delta-identity-')
const registry = new EntityRegistry()
beforeAll(() => {
  setConfig({ entityBasePath: ws.dir })
  withRegistry(registry, () => registerEntity(Ticket, entityOf(TICKET_SCHEMA), []))
})
afterAll(() => resetConfig())

/** The newest commit file of a table's Delta log, parsed into its actions. */
async function lastCommit(root: string, version: number): Promise<Record<string, Record<string, unknown>>[]> {
  const text = await readFile(join(root, '_delta_log', `${String(version).padStart(20, '0')}.json`), 'utf8')
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, Record<string, unknown>>)
}

/** What the oracle sees of the table's identity column `name`: its Delta metadata, and any spec problem. */
async function identityAt(root: string, name: string) {
  const read = await ws.oracle.read(root)
  const field = read.fields.find((f) => f.name === name)
  return { metadata: field?.metadata, problems: identityProblems(read), protocol: read.snapshot.protocol }
}

describe('autoincrement fields are Delta identity columns', () => {
  it('every commit that writes ids raises the high-water mark in its metaData; the oracle agrees', async () => {
    await withRegistry(registry, async () => {
      const root = join(ws.dir, 'tickets')
      const table = async () => Ticket.repo().table()
      const check = async (step: string) => {
        const t = await table()
        await expectSameRowsAt(ws.oracle, t, root, t.version, step)
        return identityAt(root, 'id')
      }
      await Ticket.saveAll([{ title: 'a' }, { title: 'b' }])
      let seen = await check('two creates')
      expect(seen.problems).toEqual([])
      // Merge-on-read (the default) uses deletion vectors: writer 7, listing identityColumns.
      expect(seen.protocol).toMatchObject({ minWriterVersion: 7 })
      expect(seen.protocol.writerFeatures).toContain('identityColumns')
      expect(seen.metadata).toEqual({
        'delta.identity.start': 1,
        'delta.identity.step': 1,
        'delta.identity.allowExplicitInsert': true,
        'delta.identity.highWaterMark': 2,
      })
      // The metaData action is in the commit that wrote the ids.
      const version = (await table()).version
      expect((await lastCommit(root, version)).some((action) => action.metaData !== undefined)).toBe(true)

      // An explicit id above the mark raises it too (another writer generates above the mark).
      await Ticket.create({ id: 10, title: 'explicit' })
      seen = await check('explicit id 10')
      expect(seen.metadata?.['delta.identity.highWaterMark']).toBe(10)
      expect((await Ticket.create({ title: 'next' })).id).toBe(11)

      // A delete keeps the mark: id 11 is never generated again.
      await Ticket.deleteBy({ id: 11 })
      seen = await check('delete the top id')
      expect(seen.problems).toEqual([])
      expect(seen.metadata?.['delta.identity.highWaterMark']).toBe(11)
      // A commit that writes no id above the mark adds no metaData action.
      await Ticket.create({ id: 3, title: 'below' })
      const below = (await table()).version
      expect((await lastCommit(root, below)).some((action) => action.metaData !== undefined)).toBe(false)
      expect((await Ticket.create({ title: 'after delete' })).id).toBe(12)
      expect((await check('after delete')).problems).toEqual([])
    })
  })

  it('numbers above a high-water mark another writer raised (a Spark-style commit written by hand)', async () => {
    await withRegistry(registry, async () => {
      const root = join(ws.dir, 'tickets')
      const t = await Ticket.repo().table()
      const version = t.version
      // The newest metaData of the log, as another engine copies it into its commit with the mark raised.
      let meta: Record<string, unknown> | undefined
      for (let v = version; v >= 0 && meta === undefined; v--)
        meta = (await lastCommit(root, v)).find((a) => a.metaData)?.metaData
      if (!meta) throw new Error('no metaData in the log')
      const schema = JSON.parse(String(meta.schemaString)) as {
        fields: { name: string; metadata: Record<string, unknown> }[]
      }
      const id = schema.fields.find((f) => f.name === 'id')
      if (!id) throw new Error('no id field')
      id.metadata['delta.identity.highWaterMark'] = 1000
      const commit = [
        {
          commitInfo: {
            timestamp: Date.now(),
            operation: 'WRITE',
            engineInfo: 'Apache-Spark/3.5.0 Delta-Lake/3.2.0',
          },
        },
        { metaData: { ...meta, schemaString: JSON.stringify(schema) } },
      ]
      await writeFile(
        join(root, '_delta_log', `${String(version + 1).padStart(20, '0')}.json`),
        `${commit.map((a) => JSON.stringify(a)).join('\n')}\n`,
        { flag: 'wx' },
      )
      const created = await Ticket.create({ title: 'after spark' })
      expect(created.id).toBe(1001)
      const seen = await identityAt(root, 'id')
      expect(seen.problems).toEqual([])
      expect(seen.metadata?.['delta.identity.highWaterMark']).toBe(1001)
    })
  })

  it('pf migrate: a field that becomes autoincrement starts at its largest value; one that stops loses the identity', async () => {
    const root = join(ws.dir, 'counters')
    const plain = entityOf('entity Counter @storage("counters") {\n id Int @id\n n Int\n}')
    const auto = entityOf(
      'entity Counter @storage("counters") {\n id Int @id\n n Int @default(autoincrement())\n}',
    )
    const table = await createTable(root, { entity: plain, autoCompact: false, updateMode: 'copy-on-write' })
    await table.insert(pl.DataFrame([pl.Series('id', [1, 2], pl.Int64), pl.Series('n', [40, 7], pl.Int64)]))
    expect((await identityAt(root, 'n')).metadata).toEqual({})

    await table.evolveSchema(auto, [])
    let seen = await identityAt(root, 'n')
    expect(seen.problems).toEqual([])
    expect(seen.protocol.minWriterVersion).toBe(6)
    expect(seen.metadata?.['delta.identity.highWaterMark']).toBe(40)
    await expectSameRowsAt(ws.oracle, table, root, table.version, 'n becomes autoincrement')

    await table.evolveSchema(plain, [])
    seen = await identityAt(root, 'n')
    expect(seen.metadata).toEqual({})
    // Protocols never go down; the column is no identity column any more.
    expect(seen.protocol.minWriterVersion).toBe(6)
  })
})
