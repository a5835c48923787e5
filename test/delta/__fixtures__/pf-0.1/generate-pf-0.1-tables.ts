/**
 * ONE-OFF GENERATOR (not run by tests): writes the parquetframe 0.1 tables (`_pf_log/`) under tables/ with the
 * 0.1 table code, which lives only in git history. Run it from the repository root:
 *   mkdir -p .tmp/pf01 && git archive f56c751^ packages/runtime | tar -x -C .tmp/pf01
 *   ln -sfn "$PWD/node_modules" .tmp/pf01/node_modules
 *   npx tsx test/delta/__fixtures__/pf-0.1/generate-pf-0.1-tables.ts .tmp/pf01
 * It prints each table's rows as 0.1 reads them: the tests hold those rows as their expectations.
 */
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import pl from 'nodejs-polars'

const oldRoot = resolve(process.argv[2] ?? '.tmp/pf01')
const out = resolve(import.meta.dirname, 'tables')
const tableCode = await import(pathToFileURL(join(oldRoot, 'packages/runtime/src/table/table.ts')).href)
const txnCode = await import(
  pathToFileURL(join(oldRoot, 'packages/runtime/src/table/multi-table-commit.ts')).href
)
const { createTable } = tableCode
const { commitTables } = txnCode

type Field = Record<string, unknown>
const field = (id: number, name: string, type: unknown, extra: Field = {}): Field => ({
  id,
  name,
  column: name,
  type,
  optional: false,
  isId: false,
  unique: false,
  index: false,
  ...extra,
})
const entity = (name: string, storage: string, format: string, partitionBy: string[]) => ({
  name,
  storage,
  format,
  primaryKey: ['id'],
  partitionBy,
  fields: [
    field(1, 'id', { kind: 'scalar', name: 'Int' }, { isId: true }),
    field(2, 'name', { kind: 'scalar', name: 'String' }),
    field(3, 'age', { kind: 'scalar', name: 'Int' }, { optional: true }),
    field(4, 'role', { kind: 'enum', name: 'Role' }),
    field(5, 'region', { kind: 'scalar', name: 'String' }),
  ],
  relations: [],
  indexes: [],
  uniques: [],
})
const enums = [{ name: 'Role', values: ['ADMIN', 'MEMBER'] }]
const rows = (ids: number[], prefix = 'u', region = (i: number) => (i % 2 === 0 ? 'eu' : 'us')) =>
  pl.DataFrame({
    id: pl.Series('id', ids, pl.Int64),
    name: pl.Series(
      'name',
      ids.map((i) => `${prefix}${i}`),
      pl.Utf8,
    ),
    age: pl.Series(
      'age',
      ids.map((i) => (i % 3 === 0 ? null : i * 10)),
      pl.Int64,
    ),
    role: pl.Series(
      'role',
      ids.map((i) => (i % 2 === 0 ? 'ADMIN' : 'MEMBER')),
      pl.Utf8,
    ),
    region: pl.Series('region', ids.map(region), pl.Utf8),
  })
const opts = { autoCompact: false as const }

await rm(out, { recursive: true, force: true })
await mkdir(out, { recursive: true })

// users: merge-on-read inserts, upserts, deletes (key tombstones inside live files), a checkpoint, then more.
const users = await createTable(join(out, 'users'), {
  entity: entity('User', 'users', 'parquet', []),
  enums,
  ...opts,
})
await users.insert(rows([1, 2, 3, 4, 5, 6]))
await users.upsert(rows([2, 3, 7], 'v'))
await users.deleteKeys([4])
await users.checkpoint()
await users.upsert(rows([5], 'w'))
await users.deleteKeys([1])
// A data file of a write that never committed (a crash before its log entry): not part of the table.
const live = (await users.snapshot()).files[0].add.path as string
await copyFile(
  join(out, 'users', live),
  join(out, 'users', 'part-00000000-0000-4000-8000-000000000000.parquet'),
)

// cow: copy-on-write upserts and deletes (files removed and rewritten).
const cow = await createTable(join(out, 'cow'), {
  entity: entity('Cow', 'cow', 'parquet', []),
  enums,
  updateMode: 'copy-on-write',
  ...opts,
})
await cow.insert(rows([1, 2, 3]))
await cow.upsert(rows([2], 'c'))
await cow.deleteKeys([3])

// regions: partitioned by region; id 2 moves from eu to us.
const regions = await createTable(join(out, 'regions'), {
  entity: entity('Region', 'regions', 'parquet', ['region']),
  enums,
  ...opts,
})
await regions.insert(rows([1, 2, 3, 4]))
await regions.upsert(rows([2], 'm', () => 'us'))
await regions.deleteKeys([3])

// events: an Avro table with an upsert and a delete.
const events = await createTable(join(out, 'events'), {
  entity: entity('Event', 'events', 'avro', []),
  enums,
  ...opts,
})
await events.insert(rows([1, 2, 3]))
await events.upsert(rows([2, 4], 'a'))
await events.deleteKeys([1])

// txn-a, txn-b: a committed multi-table transaction (decision file in tables/_pf_txn), then an aborted one.
const a = await createTable(join(out, 'txn-a'), {
  entity: entity('TxnA', 'txn-a', 'parquet', []),
  enums,
  ...opts,
})
const b = await createTable(join(out, 'txn-b'), {
  entity: entity('TxnB', 'txn-b', 'parquet', []),
  enums,
  ...opts,
})
await a.insert(rows([1]))
await commitTables([
  { table: a, build: (tx: { upsert(df: pl.DataFrame): void }) => tx.upsert(rows([2], 't')) },
  { table: b, build: (tx: { upsert(df: pl.DataFrame): void }) => tx.upsert(rows([5], 't')) },
])
// An aborted transaction: its entry and data file are on disk, its decision file says `abort` (a coordinator
// that gave up). 0.1 reads the version as void; its data file is dead.
const abortedTxn = '00000000-0000-4000-8000-00000000abcd'
const abortedFile = 'part-00000000-0000-4000-8000-00000000abcd.parquet'
const committedFile = (await a.snapshot()).files.find((f: { version: number }) => f.version === 2).add
await copyFile(join(out, 'txn-a', committedFile.path), join(out, 'txn-a', abortedFile))
await writeFile(
  join(out, '_pf_txn', `${abortedTxn}.json`),
  JSON.stringify({ txnId: abortedTxn, decision: 'abort', timestamp: Date.now() }),
)
await writeFile(
  join(out, 'txn-a', '_pf_log', '00000000000000000003.json'),
  JSON.stringify({
    version: 3,
    commitInfo: {
      timestamp: Date.now(),
      operation: 'TRANSACTION',
      readVersion: 2,
      rowsAdded: 1,
      rowsRemoved: 0,
      txnId: abortedTxn,
      tableFiles: 3,
      tableRows: 3,
    },
    add: [{ ...committedFile, path: abortedFile }],
    txn: {
      id: abortedTxn,
      decision: `../_pf_txn/${abortedTxn}.json`,
      deadline: Date.now() + 30_000,
      tables: ['../txn-a'],
    },
  }),
)
await a.insert(rows([9]))

const report: Record<string, unknown> = {}
for (const [name, t] of Object.entries({ users, cow, regions, events, 'txn-a': a, 'txn-b': b })) {
  const df: pl.DataFrame = await (t as { read(): Promise<pl.DataFrame> }).read()
  report[name] = df.sort('id').toRecords()
}
await writeFile(join(import.meta.dirname, 'expected-rows.json'), `${JSON.stringify(report, null, 1)}\n`)
console.log(JSON.stringify(report))
