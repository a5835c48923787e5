// A table written by parquetframe 0.1 (log in `_pf_log/`) is never taken for a missing table: opening it, an entity
// write to it and creating a table over it are all refused with LegacyTableLogError, and nothing is written beside
// it (a new `_delta_log/` there would hide every 0.1 row from pf and from Delta readers, for good). `pf migrate
// legacy` converts it in one verified step: the fixtures are real 0.1 tables, written by the 0.1 code
// (__fixtures__/pf-0.1/generate-pf-0.1-tables.ts), and the rows below are what 0.1 read from them.
import { cp, mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { parseSchema } from '@parquetframe/codegen'
import {
  convertLegacyTable,
  createTable,
  Entity,
  EntityRegistry,
  LegacyTableLogError,
  openStore,
  openTable,
  registerEntity,
  withRegistry,
} from '@parquetframe/runtime'
import { FaultyFileSystem } from '@parquetframe/runtime/testing'
import { describe, expect, it } from 'vitest'
import { runMain } from '../../packages/cli/src/testing/run-main.js'
import { useOracleWorkspace } from './oracle-workspace.js'

class Note extends Entity {
  declare id: number
  declare text: string
}

const ws = useOracleWorkspace('pf-legacy-')

describe('a table of parquetframe 0.1 (_pf_log/)', () => {
  it('is refused by openTable, entity writes and createTable alike; nothing is written into its folder', async () => {
    const parsed = parseSchema('entity Note @storage("notes") { id Int @id\n text String }')
    const entity = parsed.ir?.entities[0]
    if (!entity) throw new Error(parsed.diagnostics.map((d) => d.message).join('\n'))
    const root = join(ws.dir, 'notes')
    await mkdir(join(root, '_pf_log'), { recursive: true })
    await writeFile(join(root, '_pf_log', '00000000000000000000.json'), '{"version":0}\n')
    await writeFile(join(root, 'part-00000000-0000-0000-0000-000000000000.parquet'), 'rows of 0.1')
    const before = await readdir(root, { recursive: true })
    const legacy = { code: 'PF_TABLE_LEGACY_LOG', folder: join(root, '_pf_log') }

    await expect(openTable(root)).rejects.toMatchObject(legacy)
    const registry = new EntityRegistry()
    withRegistry(registry, () => registerEntity(Note, entity, []))
    await withRegistry(registry, async () => {
      const created = openStore(ws.dir).repository(Note).create({ id: 1, text: 'new' })
      await expect(created).rejects.toMatchObject(legacy)
    })
    const error = await createTable(root, { entity }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(LegacyTableLogError)
    expect(error).toMatchObject(legacy)
    expect((await readdir(root, { recursive: true })).sort()).toEqual(before.sort())
    await expect(openTable(root)).rejects.toMatchObject(legacy)
    expect(error).toMatchObject({ message: expect.stringContaining(`pf migrate legacy ${root}`) })
  })
})

const FIXTURES = join(import.meta.dirname, '__fixtures__', 'pf-0.1', 'tables')

/** A row as 0.1 read it: id, name, age, role, region. */
type Row = [number, string, number | null, string, string]

/** Each fixture table's rows as parquetframe 0.1 read them (printed by the generator), by id. */
const ZERO_ONE_ROWS: Record<string, Row[]> = {
  // Inserts 1-6, upserts 2, 3, 7, deletes 4 (key tombstone), checkpoint, upserts 5, deletes 1.
  users: [
    [2, 'v2', 20, 'ADMIN', 'eu'],
    [3, 'v3', null, 'MEMBER', 'us'],
    [5, 'w5', 50, 'MEMBER', 'us'],
    [6, 'u6', null, 'ADMIN', 'eu'],
    [7, 'v7', 70, 'MEMBER', 'us'],
  ],
  // Copy-on-write: inserts 1-3, upserts 2, deletes 3.
  cow: [
    [1, 'u1', 10, 'MEMBER', 'us'],
    [2, 'c2', 20, 'ADMIN', 'eu'],
  ],
  // Partitioned by region: id 2 moved from eu to us, 3 deleted.
  regions: [
    [1, 'u1', 10, 'MEMBER', 'us'],
    [2, 'm2', 20, 'ADMIN', 'us'],
    [4, 'u4', 40, 'ADMIN', 'eu'],
  ],
  // Avro: inserts 1-3, upserts 2 and 4, deletes 1.
  events: [
    [2, 'a2', 20, 'ADMIN', 'eu'],
    [3, 'u3', null, 'MEMBER', 'us'],
    [4, 'a4', 40, 'ADMIN', 'eu'],
  ],
  // A committed multi-table transaction (2), an aborted one (3, void), then an insert (9).
  'txn-a': [
    [1, 'u1', 10, 'MEMBER', 'us'],
    [2, 't2', 20, 'ADMIN', 'eu'],
    [9, 'u9', null, 'MEMBER', 'us'],
  ],
  'txn-b': [[5, 't5', 50, 'MEMBER', 'us']],
}

const rowOf = (r: Record<string, unknown>): Row => [
  Number(r.id),
  r.name as string,
  r.age === null || r.age === undefined ? null : Number(r.age),
  r.role as string,
  r.region as string,
]
const byId = (rows: Row[]): Row[] => rows.sort((a, b) => a[0] - b[0])

/** A fresh copy of the fixture tables (with their `_pf_txn/`), so each test converts its own. */
async function copyFixtures(name: string): Promise<string> {
  const dir = join(ws.dir, name)
  await cp(FIXTURES, dir, { recursive: true })
  return dir
}

/** Every file under a folder with its bytes: what "nothing changed" compares. */
async function contents(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const entry of (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) =>
    e.isFile(),
  )) {
    const path = join(entry.parentPath, entry.name)
    out[path] = (await readFile(path)).toString('base64')
  }
  return out
}

/** Rows of these data files as DuckDB reads them, outside pf and its log. */
async function duckRows(root: string, files: readonly string[]): Promise<Row[]> {
  const duck = await (await DuckDBInstance.create(':memory:')).connect()
  try {
    const list = files.map((f) => `'${join(root, f)}'`).join(', ')
    const reader = await duck.runAndReadAll(
      `SELECT id::DOUBLE AS id, name, age::DOUBLE AS age, role::VARCHAR AS role, region FROM read_parquet([${list}], hive_partitioning = false)`,
    )
    return byId(reader.getRowObjects().map((r) => rowOf(r as Record<string, unknown>)))
  } finally {
    duck.closeSync()
  }
}

describe('pf migrate legacy converts a 0.1 table to a Delta table', () => {
  it.each(Object.keys(ZERO_ONE_ROWS))(
    '%s: pf, the spec reader and DuckDB read exactly the rows 0.1 read',
    async (name) => {
      const dir = await copyFixtures(`convert-${name}`)
      const root = join(dir, name)
      const dead = (await readdir(root)).filter((f) => f.startsWith('part-'))
      const result = await runMain(dir, ['migrate', 'legacy', name])
      expect(result.err).toBe('')
      expect(result.code).toBe(0)
      const expected = ZERO_ONE_ROWS[name] ?? []
      expect(result.out).toContain(`${name}: converted 0.1 version`)
      expect(result.out).toContain(`: ${expected.length} row${expected.length === 1 ? '' : 's'} in`)

      const table = await openTable(root)
      expect(byId((await table.read()).toRecords().map(rowOf))).toEqual(expected)
      // The folder is a plain Delta table: the 0.1 log sits in pf's private folder, every data file stays.
      await expect(stat(join(root, '_pf_log'))).rejects.toMatchObject({ code: 'ENOENT' })
      await stat(join(root, '_pf', 'legacy-0.1', '_pf_log', '00000000000000000000.json'))
      expect((await readdir(root)).filter((f) => f.startsWith('part-'))).toEqual(dead)
      if (name === 'events') {
        // Avro data files stay Avro, read through pf's own reader feature.
        const snapshot = await ws.oracle.snapshot(root)
        expect(snapshot.protocol.readerFeatures).toContain('pfAvroDataFiles')
        expect(snapshot.files.every((f) => f.path.endsWith('.avro'))).toBe(true)
        return
      }
      const oracle = await ws.oracle.read(root)
      expect(byId(oracle.rows.map((r) => rowOf(r as Record<string, unknown>)))).toEqual(expected)
      const vectors = oracle.snapshot.files.filter((f) => f.deletionVector)
      const duck = await duckRows(
        root,
        oracle.snapshot.files.map((f) => f.path),
      )
      if (vectors.length === 0) expect(duck).toEqual(expected)
      // With deletion vectors DuckDB over the bare files also sees the rows 0.1 deleted by key, and only those.
      else
        expect(duck.length - expected.length).toBe(
          vectors.reduce((n, f) => n + (f.deletionVector?.cardinality ?? 0), 0),
        )
    },
  )

  it("without a folder, converts each entity's 0.1 table of the project and lists the others", async () => {
    const dir = await copyFixtures('project')
    await writeFile(
      join(dir, 'schema.pfschema'),
      `config { storage = "." }
enum Role { ADMIN
 MEMBER }
entity User @storage("users") { id Int @id
 name String
 age Int?
 role Role
 region String }
entity Cow @storage("cow") { id Int @id
 name String
 age Int?
 role Role
 region String }
entity Later @storage("later") { id Int @id }
`,
    )
    const result = await runMain(dir, ['migrate', 'legacy'])
    expect(result).toMatchObject({ code: 0, err: '' })
    expect(result.out.split('\n')).toEqual([
      'User (users): converted 0.1 version 5 to a Delta table: 5 rows in 3 files verified, 1 deletion vector for rows 0.1 deleted; the 0.1 log is in _pf/legacy-0.1/',
      'Cow (cow): converted 0.1 version 3 to a Delta table: 2 rows in 2 files verified; the 0.1 log is in _pf/legacy-0.1/',
      'Later (later): no table yet, nothing to convert',
      '',
    ])
    expect(byId((await (await openTable(join(dir, 'cow'))).read()).toRecords().map(rowOf))).toEqual(
      ZERO_ONE_ROWS.cow,
    )
    // Tables not selected stay 0.1 tables.
    await expect(openTable(join(dir, 'regions'))).rejects.toBeInstanceOf(LegacyTableLogError)
  })

  it('leaves dead files of 0.1 (an uncommitted write, an aborted transaction) out of the table, on disk', async () => {
    const dir = await copyFixtures('dead')
    for (const name of ['users', 'txn-a']) {
      expect((await runMain(dir, ['migrate', 'legacy', name])).code).toBe(0)
      const live = (await ws.oracle.snapshot(join(dir, name))).files.map((f) => f.path)
      const dead =
        name === 'users'
          ? 'part-00000000-0000-4000-8000-000000000000.parquet'
          : 'part-00000000-0000-4000-8000-00000000abcd.parquet'
      expect(live).not.toContain(dead)
      await stat(join(dir, name, dead))
    }
  })

  it('says so when run again, and finishes a conversion interrupted after its commit', async () => {
    const dir = await copyFixtures('twice')
    const root = join(dir, 'users')
    expect((await runMain(dir, ['migrate', 'legacy', 'users'])).code).toBe(0)
    const converted = await contents(root)
    const again = await runMain(dir, ['migrate', 'legacy', 'users'])
    expect(again.code).toBe(0)
    expect(again.out).toContain('users: already a Delta table (5 rows in 3 files), nothing to convert')
    expect(await contents(root)).toEqual(converted)
    // A crash between version 0 and moving the 0.1 log: the next run verifies the Delta table and moves it.
    await rename(join(root, '_pf', 'legacy-0.1', '_pf_log'), join(root, '_pf_log'))
    const finished = await runMain(dir, ['migrate', 'legacy', 'users'])
    expect(finished.code).toBe(0)
    expect(finished.out).toContain(
      'users: finished an interrupted conversion of 0.1 version 5: 5 rows in 3 files verified',
    )
    expect(await contents(root)).toEqual(converted)
  })

  it('refuses a damaged 0.1 log entry or data file with a typed error naming it; nothing changes', async () => {
    const dir = await copyFixtures('damaged')
    const root = join(dir, 'users')
    const entry = join(root, '_pf_log', '00000000000000000004.json')
    await writeFile(entry, (await readFile(entry, 'utf8')).slice(0, 40))
    const before = await contents(dir)
    const result = await runMain(dir, ['migrate', 'legacy', 'users'])
    expect(result.code).toBe(1)
    expect(result.err).toContain(
      `Cannot convert the parquetframe 0.1 table at ${root}: 0.1 log entry ${entry} (version 4): not valid JSON`,
    )
    await expect(convertLegacyTable(root)).rejects.toMatchObject({
      code: 'PF_TABLE_LEGACY_CONVERSION',
      path: root,
    })
    expect(await contents(dir)).toEqual(before)

    // A live data file whose bytes differ from its 0.1 checksum (the file with the key tombstone: a vector was due).
    const other = await copyFixtures('damaged-file')
    const table = join(other, 'users')
    const checkpoint = JSON.parse(
      await readFile(join(table, '_pf_log', '00000000000000000003.checkpoint.json'), 'utf8'),
    ) as {
      files: { add: { path: string }; deleted: string[] }[]
    }
    const tombstoned = checkpoint.files.find((f) => f.deleted.length > 0)?.add.path ?? ''
    const bytes = await readFile(join(table, tombstoned))
    bytes[8] = (bytes[8] ?? 0) ^ 0xff
    await writeFile(join(table, tombstoned), bytes)
    const unchanged = await contents(other)
    const refused = await convertLegacyTable(table).catch((e: unknown) => e)
    expect(refused).toMatchObject({ code: 'PF_TABLE_LEGACY_CONVERSION', path: table })
    expect(await contents(other)).toEqual(unchanged)
    await expect(openTable(table)).rejects.toBeInstanceOf(LegacyTableLogError)
  })

  it('takes its version 0 back when a step after it fails: the 0.1 table reads as before and converts again', async () => {
    const dir = await copyFixtures('rollback')
    const root = join(dir, 'users')
    const before = await contents(root)
    // Moving the 0.1 log away fails (after version 0 and the deletion vector were written and verified).
    const fs = new FaultyFileSystem().inject({ op: 'rename', path: /_pf_log$/, code: 'EIO' })
    const failed = await convertLegacyTable(root, { fs }).catch((e: unknown) => e)
    expect(failed).toMatchObject({ code: 'PF_TABLE_LEGACY_CONVERSION', path: root })
    expect(await contents(root)).toEqual(before)
    await expect(openTable(root)).rejects.toBeInstanceOf(LegacyTableLogError)
    expect(await convertLegacyTable(root)).toMatchObject({ outcome: 'converted', legacyVersion: 5, rows: 5 })
    expect(byId((await (await openTable(root)).read()).toRecords().map(rowOf))).toEqual(ZERO_ONE_ROWS.users)
  })

  it('refuses a 0.1 checkpoint that disagrees with the log entries (0.1 read the checkpoint)', async () => {
    const dir = await copyFixtures('checkpoint')
    const root = join(dir, 'users')
    const file = join(root, '_pf_log', '00000000000000000003.checkpoint.json')
    const checkpoint = JSON.parse(await readFile(file, 'utf8')) as { files: { deleted: string[] }[] }
    for (const f of checkpoint.files) f.deleted = []
    await writeFile(file, JSON.stringify(checkpoint))
    const before = await contents(root)
    const refused = await convertLegacyTable(root).catch((e: unknown) => e)
    expect(refused).toMatchObject({ code: 'PF_TABLE_LEGACY_CONVERSION', path: root })
    expect((refused as Error).message).toContain(
      `its checkpoint ${file} lists other live files or deleted keys`,
    )
    expect(await contents(root)).toEqual(before)
  })

  it('gives a table an entity store opens and writes to', async () => {
    const dir = await copyFixtures('store')
    expect((await runMain(dir, ['migrate', 'legacy', 'users'])).code).toBe(0)
    const parsed = parseSchema(
      'enum Role { ADMIN\n MEMBER }\nentity User @storage("users") { id Int @id\n name String\n age Int?\n role Role\n region String }',
    )
    const entity = parsed.ir?.entities[0]
    if (!entity || !parsed.ir) throw new Error(parsed.diagnostics.map((d) => d.message).join('\n'))
    class User extends Entity {
      declare id: number
      declare name: string
      declare age: number | null
      declare role: 'ADMIN' | 'MEMBER'
      declare region: string
    }
    const registry = new EntityRegistry()
    withRegistry(registry, () => registerEntity(User, entity, parsed.ir?.enums ?? []))
    await withRegistry(registry, async () => {
      const users = openStore(dir).repository(User)
      await users.create({ id: 8, name: 'n8', age: null, role: 'ADMIN', region: 'eu' })
      const two = await users.find(2)
      expect(two).toMatchObject({ id: 2, name: 'v2', age: 20, role: 'ADMIN', region: 'eu' })
      if (two) await users.delete(two)
    })
    const rows = byId((await (await openTable(join(dir, 'users'))).read()).toRecords().map(rowOf))
    expect(rows.map((r) => r[0])).toEqual([3, 5, 6, 7, 8])
    expect(rows.at(-1)).toEqual([8, 'n8', null, 'ADMIN', 'eu'])
  })
})
