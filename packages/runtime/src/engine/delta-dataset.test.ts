import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
import { read } from '../frame/read-frame.js'
import { useTempDir } from '../table/__fixtures__/temp-dir.js'
import { TableCorruptError, TableProtocolError } from '../table/table-errors.js'

// read() of Delta tables another writer made, built by hand: data files written by DuckDB, the log as JSON lines.

const temp = useTempDir('pf-delta-dataset-')

/** A Delta schema field (column mapping and type-change metadata as given). */
function field(name: string, type: unknown, metadata: Record<string, unknown> = {}) {
  return { name, type, nullable: true, metadata }
}

/** Writes a Delta commit of `actions` as version `version` of the table at `root`. */
async function commit(root: string, version: number, actions: readonly unknown[]): Promise<void> {
  await mkdir(join(root, '_delta_log'), { recursive: true })
  const name = `${String(version).padStart(20, '0')}.json`
  await writeFile(join(root, '_delta_log', name), `${actions.map((a) => JSON.stringify(a)).join('\n')}\n`)
}

/** The `metaData` action of a table with these fields and configuration. */
function metaData(fields: readonly unknown[], configuration: Record<string, string> = {}) {
  return {
    metaData: {
      id: '6f1e5d84-5f4b-4a51-9d7e-2f0c9a8b7c61',
      format: { provider: 'parquet', options: {} },
      schemaString: JSON.stringify({ type: 'struct', fields }),
      partitionColumns: [],
      configuration,
      createdTime: 1,
    },
  }
}

/** The `add` action of a data file holding `rows` rows. */
function add(path: string, rows: number) {
  return {
    add: {
      path,
      partitionValues: {},
      size: 1,
      modificationTime: 1,
      dataChange: true,
      stats: JSON.stringify({ numRecords: rows }),
    },
  }
}

/** Runs DuckDB statements (Parquet files written with `copy ... to`). */
async function duck(...statements: string[]): Promise<void> {
  const connection = await (await DuckDBInstance.create(':memory:')).connect()
  for (const statement of statements) await connection.run(statement)
  connection.closeSync()
}

const WIDENING_PROTOCOL = {
  protocol: {
    minReaderVersion: 3,
    minWriterVersion: 7,
    readerFeatures: ['typeWidening'],
    writerFeatures: ['typeWidening'],
  },
}

describe('read() of a Delta table whose columns were widened (typeWidening)', () => {
  it('reads files written before the change as the current, wider type', async () => {
    const root = temp.dir
    await duck(
      `copy (select 7::integer as n, 1.5::float as f, date '2024-09-09' as d, 12.5::decimal(5,1) as m)
         to '${join(root, 'old.parquet')}' (format parquet)`,
      `copy (select 9007199254740993::bigint as n, 1.234567890123::double as f,
                    timestamp '2024-09-09 12:34:56.123456' as d, 123456789.12::decimal(12,2) as m)
         to '${join(root, 'new.parquet')}' (format parquet)`,
    )
    const changes = (fromType: string, toType: string) => ({ 'delta.typeChanges': [{ fromType, toType }] })
    await commit(root, 0, [
      WIDENING_PROTOCOL,
      metaData([field('n', 'integer'), field('f', 'float'), field('d', 'date'), field('m', 'decimal(5,1)')]),
      add('old.parquet', 1),
    ])
    await commit(root, 1, [
      metaData([
        field('n', 'long', changes('integer', 'long')),
        field('f', 'double', changes('float', 'double')),
        field('d', 'timestamp_ntz', changes('date', 'timestamp_ntz')),
        field('m', 'decimal(12,2)', changes('decimal(5,1)', 'decimal(12,2)')),
      ]),
      add('new.parquet', 1),
    ])
    const df = (await (await read(root)).toDataFrame()).sort('n')
    expect(df.columns).toEqual(['n', 'f', 'd', 'm'])
    expect(df.dtypes.map(String)).toEqual([
      'DataType(Int64)',
      'DataType(Float64)',
      'DataType(Datetime(us,))',
      'DataType(String)',
    ])
    // Every digit of the long (beyond a double's 2^53).
    expect(df.getColumn('n').cast(pl.Utf8).toArray()).toEqual(['7', '9007199254740993'])
    expect(df.getColumn('f').toArray()).toEqual([1.5, 1.234567890123])
    expect(df.getColumn('d').dt.strftime('%Y-%m-%d %H:%M:%S%.6f').toArray()).toEqual([
      '2024-09-09 00:00:00.000000',
      '2024-09-09 12:34:56.123456',
    ])
    expect(df.getColumn('m').toArray()).toEqual(['12.50', '123456789.12'])
  })

  it('refuses a recorded type change the spec does not allow, naming the column and the change', async () => {
    const root = temp.dir
    await duck(`copy (select 'x' as s) to '${join(root, 'old.parquet')}' (format parquet)`)
    await commit(root, 0, [
      WIDENING_PROTOCOL,
      metaData([field('s', 'long', { 'delta.typeChanges': [{ fromType: 'string', toType: 'long' }] })]),
      add('old.parquet', 1),
    ])
    const error = await read(root).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TableProtocolError)
    expect((error as Error).message).toContain(
      'column s: type change string → long is not a widening pf reads',
    )
  })
})

describe('read() of a table with the vacuumProtocolCheck feature', () => {
  it('reads it: the feature constrains VACUUM only', async () => {
    const root = temp.dir
    await duck(`copy (select 1 as a union all select 2) to '${join(root, 'a.parquet')}' (format parquet)`)
    const features = ['vacuumProtocolCheck']
    await commit(root, 0, [
      {
        protocol: {
          minReaderVersion: 3,
          minWriterVersion: 7,
          readerFeatures: features,
          writerFeatures: features,
        },
      },
      metaData([field('a', 'integer')]),
      add('a.parquet', 2),
    ])
    const df = (await (await read(root)).toDataFrame()).sort('a')
    expect(df.getColumn('a').toArray()).toEqual([1, 2])
  })
})

describe('read() of a table in column mapping mode id', () => {
  /** Schema field metadata of column mapping: the id and a physical name (which id mode does not use). */
  const mapped = (id: number) => ({
    'delta.columnMapping.id': id,
    'delta.columnMapping.physicalName': `col-${id}`,
  })
  const schema = [
    field('a', 'long', mapped(1)),
    field(
      's',
      { type: 'struct', fields: [field('x', 'string', mapped(3)), field('y', 'long', mapped(4))] },
      mapped(2),
    ),
    field('later', 'string', mapped(5)),
  ]
  const ID_MODE = { 'delta.columnMapping.mode': 'id', 'delta.columnMapping.maxColumnId': '5' }
  const protocol = { protocol: { minReaderVersion: 2, minWriterVersion: 5 } }

  it('finds columns and nested fields by Parquet field id, whatever their names; an id the file lacks reads null', async () => {
    const root = temp.dir
    // Names in the file are neither the logical nor the physical ones: only the ids tie them to the schema.
    await duck(
      `copy (select 10::bigint as renamed, {'q': 'one', 'r': 7::bigint} as st
             union all select 20, {'q': 'two', 'r': 8})
         to '${join(root, 'a.parquet')}'
         (format parquet, field_ids {renamed: 1, st: {__duckdb_field_id: 2, q: 3, r: 4}})`,
    )
    await commit(root, 0, [protocol, metaData(schema, ID_MODE), add('a.parquet', 2)])
    const records = await (await read(root)).toRecords()
    expect(records.sort((l, r) => Number(l.a) - Number(r.a))).toEqual([
      { a: 10, s: { x: 'one', y: 7 }, later: null },
      { a: 20, s: { x: 'two', y: 8 }, later: null },
    ])
  })

  it('refuses a data file without field ids (TableCorruptError naming the file), not nulls for its values', async () => {
    const root = temp.dir
    await duck(`copy (select 1::bigint as "col-1") to '${join(root, 'a.parquet')}' (format parquet)`)
    await commit(root, 0, [protocol, metaData([schema[0]], ID_MODE), add('a.parquet', 1)])
    const error = await read(root).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TableCorruptError)
    expect((error as Error).message).toContain(join(root, 'a.parquet'))
    expect((error as Error).message).toContain('no Parquet field ids')
  })
})
