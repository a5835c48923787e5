// A Delta table another writer created (written here as delta-rs would: Parquet files by DuckDB, a hand-written
// JSON log), adopted by an entity: one commit that keeps the table's id, schema and configuration; then creates,
// updates and deletes through entities, each version checked against a reader that knows only the protocol.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import {
  adoptTable,
  ConflictError,
  Entity,
  type EntityRegistry,
  EntitySchemaError,
  type FileSystem,
  nodeFileSystem,
  openStore,
  openTable,
  read,
  TableAdoptionError,
  TableProtocolError,
  withRegistry,
} from '@parquetframe/runtime'
import { describe, expect, it } from 'vitest'
import { registryOf, schemaOf, useOracleWorkspace } from './oracle-workspace.js'
import { expectSameRowsAt } from './pf-agreement.js'

const ws = useOracleWorkspace('pf-delta-adopt-')

const TICKET_SCHEMA = `
enum Status { OPEN DONE }

entity Ticket @storage("tickets") {
  id     BigInt @id
  title  String?
  price  Decimal(10, 2)?
  status Status?
  done   Boolean
}`

class Ticket extends Entity {
  declare id: bigint
  declare title: string | null
  declare price: string | null
  declare status: 'OPEN' | 'DONE' | null
  declare done: boolean
}

/** Registers Ticket (with `schema`, default TICKET_SCHEMA) in a new registry, as generated code does. */
function ticketRegistry(schema = TICKET_SCHEMA): EntityRegistry {
  return registryOf(Ticket, schema)
}

const column = (name: string, type: string, nullable: boolean, metadata: object = {}) => ({
  name,
  type,
  nullable,
  metadata,
})

/** The columns delta-rs writes for the rows below (a comment on title, as `COMMENT` in SQL leaves it). */
const COLUMNS = [
  column('id', 'long', false),
  column('title', 'string', true, { comment: 'what the ticket is about' }),
  column('price', 'decimal(10,2)', true),
  column('status', 'string', true),
  column('done', 'boolean', false),
]

interface ForeignTable {
  readonly root: string
  readonly id: string
  readonly schemaString: string
  readonly configuration: Record<string, string>
}

/** One data file written by DuckDB from a SELECT, and its `add` action (stats: the row count, as delta-rs). */
async function writeDataFile(
  root: string,
  name: string,
  select: string,
  partitionValues: Record<string, string | null> = {},
): Promise<object> {
  const duck = await (await DuckDBInstance.create(':memory:')).connect()
  try {
    const path = join(root, name)
    await mkdir(dirname(path), { recursive: true })
    await duck.run(`COPY (${select}) TO '${path}' (FORMAT parquet)`)
    const count = await duck.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM read_parquet('${path}')`)
    const n = count.getRowObjects()[0]?.n
    const size = (await readFile(path)).length
    return {
      add: {
        path: name,
        partitionValues,
        size,
        modificationTime: 1_700_000_000_000,
        dataChange: true,
        stats: JSON.stringify({ numRecords: n }),
      },
    }
  } finally {
    duck.closeSync()
  }
}

const ROWS_V0 = `SELECT * FROM (VALUES
  (1::BIGINT, 'printer jam', 12.50::DECIMAL(10,2), 'OPEN', false),
  (2::BIGINT, NULL, NULL, NULL, true),
  (3::BIGINT, 'screen', 0.99::DECIMAL(10,2), 'DONE', true)
) AS t(id, title, price, status, done)`
const ROWS_V1 = `SELECT * FROM (VALUES
  (4::BIGINT, 'keyboard', 45.00::DECIMAL(10,2), 'OPEN', false),
  (5::BIGINT, 'mouse', NULL, 'OPEN', false)
) AS t(id, title, price, status, done)`

/** A version's data files: one file, or one per status without the status column (as Spark partitions). */
async function dataFiles(root: string, name: string, select: string, partitioned = false): Promise<object[]> {
  if (!partitioned) return [await writeDataFile(root, `part-0000${name}.snappy.parquet`, select)]
  const adds: object[] = []
  for (const status of ['OPEN', 'DONE', null]) {
    const where = status === null ? 'status IS NULL' : `status = '${status}'`
    const folder = `status=${status ?? '__HIVE_DEFAULT_PARTITION__'}`
    const rows = `SELECT id, title, price, done FROM (${select}) WHERE ${where}`
    adds.push(await writeDataFile(root, `${folder}/part-${name}.snappy.parquet`, rows, { status }))
  }
  return adds
}

/** Writes `_delta_log/<version>.json` with these actions. */
async function commit(root: string, version: number, actions: readonly object[]): Promise<void> {
  const name = `${String(version).padStart(20, '0')}.json`
  await writeFile(join(root, '_delta_log', name), `${actions.map((a) => JSON.stringify(a)).join('\n')}\n`, {
    flag: 'wx',
  })
}

/**
 * A table as delta-rs writes it: version 0 creates it with 3 rows, version 1 appends 2. `protocol` and extra
 * configuration vary per test; the table properties below are another writer's and must survive adoption.
 */
async function foreignTable(
  name: string,
  options: {
    readonly protocol?: object
    readonly configuration?: Record<string, string>
    readonly columns?: readonly object[]
    readonly rowsV0?: string
    readonly rowsV1?: string
    /** Partitioned by status: each version's rows in one file per status, the column left out of the files. */
    readonly partitioned?: boolean
  } = {},
): Promise<ForeignTable> {
  const root = join(ws.dir, name)
  await mkdir(join(root, '_delta_log'), { recursive: true })
  const id = `0e7a${name.length.toString(16).padStart(4, '0')}-1111-4222-8333-444455556666`
  const schemaString = JSON.stringify({ type: 'struct', fields: options.columns ?? COLUMNS })
  const configuration = {
    'delta.logRetentionDuration': 'interval 30 days',
    'team.owner': 'data-platform',
    ...options.configuration,
  }
  await commit(root, 0, [
    { protocol: options.protocol ?? { minReaderVersion: 1, minWriterVersion: 2 } },
    {
      metaData: {
        id,
        format: { provider: 'parquet', options: {} },
        schemaString,
        partitionColumns: options.partitioned ? ['status'] : [],
        configuration,
        createdTime: 1_700_000_000_000,
      },
    },
    ...(await dataFiles(root, 'a', options.rowsV0 ?? ROWS_V0, options.partitioned)),
    {
      commitInfo: {
        timestamp: 1_700_000_000_000,
        operation: 'CREATE TABLE',
        clientVersion: 'delta-rs.0.17.0',
      },
    },
  ])
  await commit(root, 1, [
    ...(await dataFiles(root, 'b', options.rowsV1 ?? ROWS_V1, options.partitioned)),
    {
      commitInfo: {
        timestamp: 1_700_000_001_000,
        operation: 'WRITE',
        operationParameters: { mode: 'Append' },
        readVersion: 0,
        clientVersion: 'delta-rs.0.17.0',
      },
    },
  ])
  return { root, id, schemaString, configuration }
}

/** The actions of one commit file, parsed. */
async function actionsOf(root: string, version: number): Promise<Record<string, Record<string, unknown>>[]> {
  const text = await readFile(join(root, '_delta_log', `${String(version).padStart(20, '0')}.json`), 'utf8')
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, Record<string, unknown>>)
}

/** The rows the table holds, as the expectations below spell them (sorted by id). */
type Row = [id: number, title: string | null, price: string | null, status: string | null, done: boolean]

/** Rows by id, read by a reader of the protocol only (the oracle: log replay, DuckDB, deletion vectors). */
async function oracleRows(root: string, version?: number): Promise<Row[]> {
  const read = await ws.oracle.read(root, version)
  return read.rows
    .map((r): Row => {
      const value = (name: string) => r[name] as unknown
      return [
        Number(value('id')),
        value('title') as string | null,
        value('price') === null ? null : String(value('price')),
        value('status') as string | null,
        value('done') as boolean,
      ]
    })
    .sort((a, b) => a[0] - b[0])
}

/** Rows by id as DuckDB reads the live data files directly (files removed by the log left out; no DV here). */
async function duckRows(root: string, files: readonly string[]): Promise<Row[]> {
  const duck = await (await DuckDBInstance.create(':memory:')).connect()
  try {
    const list = files.map((f) => `'${join(root, f)}'`).join(', ')
    const reader = await duck.runAndReadAll(
      `SELECT id::DOUBLE AS id, title, price::VARCHAR AS price, status, done FROM read_parquet([${list}]) ORDER BY id`,
    )
    return reader.getRowObjects().map((r) => [Number(r.id), r.title, r.price, r.status, r.done] as Row)
  } finally {
    duck.closeSync()
  }
}

/**
 * pf's Delta reader and the protocol-only reader agree at every version: `read()` before the adoption (version 2;
 * another writer's versions read by their Delta schema), the adopted table's `at(version)` from it on.
 */
async function expectSameRowsAtEveryVersion(root: string, latest: number): Promise<void> {
  const table = await openTable(root)
  for (let v = 0; v < 2; v++) {
    const records = await (await read(root, { version: v })).toRecords()
    const rows = records
      .map(
        (r): Row => [
          Number(r.id),
          r.title as string | null,
          r.price as string | null,
          r.status as string | null,
          r.done as boolean,
        ],
      )
      .sort((a, b) => a[0] - b[0])
    expect(rows, `version ${v}`).toEqual(await oracleRows(root, v))
    expect(rows, `version ${v}`).toEqual(v === 0 ? STORED.slice(0, 3) : STORED)
  }
  for (let v = 2; v <= latest; v++) await expectSameRowsAt(ws.oracle, table, root, v, `version ${v}`)
}

const STORED: Row[] = [
  [1, 'printer jam', '12.50', 'OPEN', false],
  [2, null, null, null, true],
  [3, 'screen', '0.99', 'DONE', true],
  [4, 'keyboard', '45.00', 'OPEN', false],
  [5, 'mouse', null, 'OPEN', false],
]

/** Create, update and delete through the entity; after each, pf and the oracle agree and hold `expected`. */
async function exerciseEntities(registry: EntityRegistry, foreign: ForeignTable): Promise<number> {
  return withRegistry(registry, async () => {
    const store = openStore(ws.dir)
    const repo = store.repository(Ticket)
    // Version 2 is the adoption; each step below is one more commit.
    expect((await repo.table()).version).toBe(2)
    const check = async (step: string, expected: Row[]) => {
      const fresh = await repo.table()
      await fresh.snapshot()
      await expectSameRowsAt(ws.oracle, fresh, foreign.root, fresh.version, step)
      expect(await oracleRows(foreign.root), step).toEqual(expected)
    }
    const found = await repo.find(3n)
    expect(found?.title).toBe('screen')
    expect(found?.price).toBe('0.99')
    const first = await repo.find(1n)
    if (!first) throw new Error('row 1 of the other writer is not found by key')
    first.title = 'printer jam (fixed)'
    first.status = 'DONE'
    first.done = true
    await repo.save(first)
    let expected: Row[] = STORED.map((r) =>
      r[0] === 1 ? [1, 'printer jam (fixed)', '12.50', 'DONE', true] : r,
    )
    await check('update of a row another writer stored', expected)
    await repo.create({ id: 6n, title: 'cable', price: '3.10', status: 'OPEN', done: false })
    expected = [...expected, [6, 'cable', '3.10', 'OPEN', false]]
    await check('create', expected)
    const gone = await repo.find(4n)
    if (!gone) throw new Error('row 4 of the other writer is not found by key')
    await repo.delete(gone)
    expected = expected.filter((r) => r[0] !== 4)
    await check('delete of a row another writer stored', expected)
    await repo.deleteBy({ done: true, id: { lt: 3n } })
    expected = expected.filter((r) => !(r[4] && r[0] < 3))
    await check('deleteBy', expected)
    expect((await repo.findMany({ orderBy: { id: 'asc' } })).map((t) => Number(t.id))).toEqual(
      expected.map((r) => r[0]),
    )
    const latest = (await repo.table()).version
    expect(latest).toBe(6)
    return latest
  })
}

describe('adopting a Delta table another writer created', () => {
  it('without the opt-in it stays read-only: the entity error says how to adopt it, nothing is written', async () => {
    const foreign = await foreignTable('tickets-readonly')
    const registry = ticketRegistry(
      TICKET_SCHEMA.replace('@storage("tickets")', '@storage("tickets-readonly")'),
    )
    await withRegistry(registry, async () => {
      const error = await openStore(ws.dir)
        .repository(Ticket)
        .findMany()
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(EntitySchemaError)
      expect((error as EntitySchemaError).problems.at(-1)).toContain('store.adopt(Ticket)')
      expect((error as EntitySchemaError).problems.at(-1)).toContain(
        `pf adopt ${foreign.root} --entity Ticket`,
      )
    })
    expect(await openTable(foreign.root).catch((e: unknown) => e)).toBeInstanceOf(TableProtocolError)
    expect(await readdir(join(foreign.root, '_delta_log'))).toHaveLength(2)
  })

  it('copy-on-write (no deletion vectors in its protocol): one commit keeps id, schema, configuration; rows found, updated, deleted', async () => {
    const foreign = await foreignTable('tickets')
    const registry = ticketRegistry()
    await withRegistry(registry, () => openStore(ws.dir).adopt(Ticket))

    // The adoption commit: metaData with the table's id, schema and every configuration key, pf's keys added.
    const actions = await actionsOf(foreign.root, 2)
    const meta = actions.find((a) => a.metaData)?.metaData
    if (!meta) throw new Error('the adoption commit has no metaData')
    expect(meta.id).toBe(foreign.id)
    expect(meta.partitionColumns).toEqual([])
    expect(JSON.parse(meta.schemaString as string)).toEqual(JSON.parse(foreign.schemaString))
    const configuration = meta.configuration as Record<string, string>
    expect(configuration).toMatchObject(foreign.configuration)
    expect(configuration['pf.updateMode']).toBe('"copy-on-write"')
    expect(configuration['delta.constraints.pf_enum_status']).toBe(
      "status IS NULL OR status IN ('OPEN', 'DONE')",
    )
    expect(actions.find((a) => a.commitInfo)?.commitInfo?.operation).toBe('SET TBLPROPERTIES')
    // The enum's CHECK constraint needs writer version 3 (legacy protocols only: the table had (1, 2)).
    expect(actions.find((a) => a.protocol)?.protocol).toEqual({ minReaderVersion: 1, minWriterVersion: 3 })
    expect(actions.some((a) => a.add || a.remove)).toBe(false)
    expect(await oracleRows(foreign.root, 2)).toEqual(STORED)

    const latest = await exerciseEntities(registry, foreign)
    // Every version, the other writer's and pf's, reads the same for pf and the protocol-only reader.
    await expectSameRowsAtEveryVersion(foreign.root, latest)
    // Copy-on-write: DuckDB over the live files alone (no deletion vectors) holds exactly the rows.
    const snapshot = await ws.oracle.snapshot(foreign.root)
    expect(snapshot.files.every((f) => f.deletionVector === undefined || f.deletionVector === null)).toBe(
      true,
    )
    expect(
      await duckRows(
        foreign.root,
        snapshot.files.map((f) => f.path),
      ),
    ).toEqual(await oracleRows(foreign.root))
    // The other writer's table properties are still in the newest metaData.
    expect(snapshot.metaData.configuration).toMatchObject(foreign.configuration)
  })

  it('merge-on-read when the protocol has deletion vectors; checkpoints keep the configuration', async () => {
    const foreign = await foreignTable('tickets-dv', {
      protocol: {
        minReaderVersion: 3,
        minWriterVersion: 7,
        readerFeatures: ['deletionVectors'],
        writerFeatures: ['deletionVectors', 'invariants'],
      },
      configuration: { 'delta.enableDeletionVectors': 'true', 'delta.checkpointInterval': '2' },
    })
    const registry = ticketRegistry(TICKET_SCHEMA.replace('@storage("tickets")', '@storage("tickets-dv")'))
    await withRegistry(registry, () => openStore(ws.dir).adopt(Ticket))
    const meta = (await actionsOf(foreign.root, 2)).find((a) => a.metaData)?.metaData ?? {}
    expect((meta.configuration as Record<string, string>)['pf.updateMode']).toBe('"merge-on-read"')
    const latest = await exerciseEntities(registry, foreign)
    await expectSameRowsAtEveryVersion(foreign.root, latest)
    const snapshot = await ws.oracle.snapshot(foreign.root)
    expect(snapshot.files.some((f) => f.deletionVector)).toBe(true)
    const log = await readdir(join(foreign.root, '_delta_log'))
    expect(log.some((f) => f.endsWith('.checkpoint.parquet'))).toBe(true)
    expect(snapshot.metaData.configuration).toMatchObject(foreign.configuration)
    expect(snapshot.protocol.writerFeatures).toContain('checkConstraints')
  })

  it('column mapping (name mode): the physical names are kept, data files written under them', async () => {
    const mapped = COLUMNS.map((c, i) => ({
      ...c,
      metadata: {
        ...c.metadata,
        'delta.columnMapping.id': i + 1,
        'delta.columnMapping.physicalName': `col-${c.name}-x`,
      },
    }))
    const physical = (select: string) =>
      `SELECT id AS "col-id-x", title AS "col-title-x", price AS "col-price-x", status AS "col-status-x", done AS "col-done-x" FROM (${select})`
    const foreign = await foreignTable('tickets-mapped', {
      protocol: { minReaderVersion: 2, minWriterVersion: 5 },
      configuration: { 'delta.columnMapping.mode': 'name', 'delta.columnMapping.maxColumnId': '5' },
      columns: mapped,
      rowsV0: physical(ROWS_V0),
      rowsV1: physical(ROWS_V1),
    })
    const registry = ticketRegistry(
      TICKET_SCHEMA.replace('@storage("tickets")', '@storage("tickets-mapped")'),
    )
    await withRegistry(registry, () => openStore(ws.dir).adopt(Ticket))
    const meta = (await actionsOf(foreign.root, 2)).find((a) => a.metaData)?.metaData ?? {}
    expect(JSON.parse(meta.schemaString as string)).toEqual(JSON.parse(foreign.schemaString))
    const latest = await exerciseEntities(registry, foreign)
    await expectSameRowsAtEveryVersion(foreign.root, latest)
    // pf's own data files use the physical names too.
    const snapshot = await ws.oracle.snapshot(foreign.root)
    const duck = await (await DuckDBInstance.create(':memory:')).connect()
    try {
      for (const file of snapshot.files) {
        const names = await duck.runAndReadAll(
          `SELECT name FROM parquet_schema('${join(foreign.root, file.path)}')`,
        )
        expect(names.getRowObjects().map((r) => r.name)).toContain('col-id-x')
      }
    } finally {
      duck.closeSync()
    }
  })

  it('partitioned (files without the partition column, as Spark writes them): rows read, moved and deleted', async () => {
    const foreign = await foreignTable('tickets-parts', { partitioned: true })
    const registry = ticketRegistry(
      TICKET_SCHEMA.replace('@storage("tickets")', '@storage("tickets-parts") @partitionBy(status)'),
    )
    await withRegistry(registry, () => openStore(ws.dir).adopt(Ticket))
    // The update of row 1 moves it from status=OPEN to status=DONE.
    const latest = await exerciseEntities(registry, foreign)
    await expectSameRowsAtEveryVersion(foreign.root, latest)
  })

  it('refuses a column of another type, a missing column and stored rows breaking pf rules; nothing is written', async () => {
    const cases: [string, Parameters<typeof foreignTable>[1], string][] = [
      [
        'tickets-double',
        { columns: COLUMNS.map((c) => (c.name === 'id' ? column('id', 'double', false) : c)) },
        'Ticket.id: column id is double in the Delta table, the field is stored as long',
      ],
      [
        'tickets-missing',
        { columns: COLUMNS.filter((c) => c.name !== 'price') },
        'Ticket.price: the Delta table has no column price',
      ],
      [
        'tickets-dup',
        { rowsV1: ROWS_V1.replace('(4::BIGINT', '(3::BIGINT') },
        'Ticket.id: 1 primary key value(s) stored more than once',
      ],
      [
        'tickets-enum',
        { rowsV1: ROWS_V1.replace("'mouse', NULL, 'OPEN'", "'mouse', NULL, 'LOST'") },
        'Ticket.status: 1 stored value(s) are not values of enum Status ("LOST")',
      ],
      [
        'tickets-check',
        { configuration: { 'delta.constraints.positive': 'price > 0' } },
        'Ticket: CHECK constraint delta.constraints.positive = price > 0, which pf does not evaluate when it writes',
      ],
    ]
    for (const [name, options, problem] of cases) {
      const foreign = await foreignTable(name, options)
      const registry = ticketRegistry(TICKET_SCHEMA.replace('@storage("tickets")', `@storage("${name}")`))
      const error = await withRegistry(registry, () => openStore(ws.dir).adopt(Ticket)).catch(
        (e: unknown) => e,
      )
      expect(error, name).toBeInstanceOf(TableAdoptionError)
      expect((error as TableAdoptionError).code).toBe('PF_TABLE_ADOPTION')
      expect((error as TableAdoptionError).problems.join('\n'), name).toContain(problem)
      expect(await readdir(join(foreign.root, '_delta_log')), name).toHaveLength(2)
    }
  })

  it('refuses a writer feature pf does not support with TableProtocolError naming it', async () => {
    const foreign = await foreignTable('tickets-rowtracking', {
      protocol: {
        minReaderVersion: 1,
        minWriterVersion: 7,
        writerFeatures: ['domainMetadata', 'invariants', 'rowTracking'],
      },
    })
    const registry = ticketRegistry(
      TICKET_SCHEMA.replace('@storage("tickets")', '@storage("tickets-rowtracking")'),
    )
    const error = await withRegistry(registry, () => openStore(ws.dir).adopt(Ticket)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TableProtocolError)
    expect((error as Error).message).toContain('domainMetadata, rowTracking')
    expect(await readdir(join(foreign.root, '_delta_log'))).toHaveLength(2)
  })

  it('a commit of another writer racing the adoption wins; the adoption fails with ConflictError, then adopts on top', async () => {
    const foreign = await foreignTable('tickets-race')
    const { entity, enums } = schemaOf(
      TICKET_SCHEMA.replace('@storage("tickets")', '@storage("tickets-race")'),
    )
    const racing = await writeDataFile(
      foreign.root,
      'part-00002-c.snappy.parquet',
      `SELECT 7::BIGINT AS id, 'race' AS title, NULL::DECIMAL(10,2) AS price, NULL AS status, false AS done`,
    )
    const version2 = join(foreign.root, '_delta_log', `${'2'.padStart(20, '0')}.json`)
    // The other writer's append lands just before pf's put-if-absent of the same version.
    const fs: FileSystem = Object.assign(Object.create(nodeFileSystem) as FileSystem, {
      createExclusive: async (...[path, data, options]: Parameters<FileSystem['createExclusive']>) => {
        if (path === version2) await commit(foreign.root, 2, [racing, { commitInfo: { operation: 'WRITE' } }])
        return nodeFileSystem.createExclusive(path, data, options)
      },
    })
    const error = await adoptTable(foreign.root, { entity, enums, fs }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConflictError)
    expect((error as ConflictError).reason).toBe('version-taken')
    expect((await actionsOf(foreign.root, 2)).some((a) => a.metaData)).toBe(false)
    expect(await openTable(foreign.root).catch((e: unknown) => e)).toBeInstanceOf(TableProtocolError)
    const table = await adoptTable(foreign.root, { entity, enums })
    expect(table.version).toBe(3)
    expect((await oracleRows(foreign.root)).map((r) => r[0])).toEqual([1, 2, 3, 4, 5, 7])
    await expectSameRowsAt(ws.oracle, table, foreign.root, 3, 'adopted after the race')
  })
})
