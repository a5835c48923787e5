import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import pl from 'nodejs-polars'
import { describe, expect, it } from 'vitest'
import { encodeCheckpoint } from '../delta/checkpoint-parquet.js'
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

  it('casts widened values nested in lists and structs of older files', async () => {
    const root = temp.dir
    await duck(
      `copy (select [1, 2]::integer[] as l, {'x': 3::integer} as s) to '${join(root, 'old.parquet')}' (format parquet)`,
    )
    const list = (element: string) => ({ type: 'array', elementType: element, containsNull: true })
    const struct = (type: string, metadata: Record<string, unknown> = {}) => ({
      type: 'struct',
      fields: [field('x', type, metadata)],
    })
    const before = [field('l', list('integer')), field('s', struct('integer'))]
    await commit(root, 0, [WIDENING_PROTOCOL, metaData(before), add('old.parquet', 1)])
    // Only the schema changes: the one file still holds 32-bit integers, read as the 64-bit type now declared.
    const elementChange = {
      'delta.typeChanges': [{ fromType: 'integer', toType: 'long', fieldPath: 'element' }],
    }
    const fieldChange = { 'delta.typeChanges': [{ fromType: 'integer', toType: 'long' }] }
    await commit(root, 1, [
      metaData([field('l', list('long'), elementChange), field('s', struct('long', fieldChange))]),
    ])
    const df = await (await read(root)).toDataFrame()
    expect(df.dtypes.map(String)).toEqual([
      'DataType(List(DataType(Int64)))',
      'DataType(Struct(Field("x", DataType(Int64))))',
    ])
    expect(await (await read(root)).toRecords()).toEqual([{ l: [1, 2], s: { x: 3 } }])
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

describe('read() of a table with V2 checkpoints (v2Checkpoint)', () => {
  const features = ['v2Checkpoint']
  const protocol = {
    protocol: {
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: features,
      writerFeatures: features,
    },
  }
  const meta = metaData([field('a', 'integer')], { 'delta.checkpointPolicy': 'v2' })
  const uuid = '6374b053-df23-479b-b2cf-c9c550132b49'
  const sidecar =
    '00000000000000000001.checkpoint.0000000001.0000000001.d55fb2cb-b8d3-4362-8572-c52142a9da1f.parquet'

  /** DuckDB SQL writing a top-level V2 checkpoint in Parquet: protocol, metaData, checkpointMetadata, sidecar rows. */
  function v2ParquetCheckpoint(path: string, schemaString: string): string {
    const features = "['v2Checkpoint']"
    return `copy (select * from (values
        ({'minReaderVersion': 3, 'minWriterVersion': 7, 'readerFeatures': ${features}, 'writerFeatures': ${features}},
         null, null, null),
        (null, {'id': '${meta.metaData.id}', 'format': {'provider': 'parquet', 'options': map([], [])::map(varchar, varchar)},
                'schemaString': '${schemaString}', 'partitionColumns': []::varchar[],
                'configuration': map {'delta.checkpointPolicy': 'v2'}, 'createdTime': 1::bigint}, null, null),
        (null, null, {'version': 1::bigint}, null),
        (null, null, null, {'path': '${sidecar}', 'sizeInBytes': 1::bigint, 'modificationTime': 1::bigint}))
      as t(protocol, metaData, checkpointMetadata, sidecar)) to '${path}' (format parquet)`
  }

  /**
   * Versions 0 and 1 (files a, b), a V2 checkpoint of version 1 (`top` names its form) whose adds are in a sidecar,
   * version 2 (file c); then the commits before the checkpoint are cleaned up, so only the checkpoint holds a and b.
   */
  async function cleanedTable(root: string, top: 'json' | 'parquet'): Promise<void> {
    await duck(
      ...['a', 'b', 'c'].map(
        (name, i) => `copy (select ${i + 1} as a) to '${join(root, `${name}.parquet`)}' (format parquet)`,
      ),
    )
    await commit(root, 0, [protocol, meta, add('a.parquet', 1)])
    await commit(root, 1, [add('b.parquet', 1)])
    await commit(root, 2, [add('c.parquet', 1)])
    const log = join(root, '_delta_log')
    await mkdir(join(log, '_sidecars'))
    const adds = [add('a.parquet', 1), add('b.parquet', 1)].map((a) => ({
      add: { ...a.add, dataChange: false },
    }))
    await writeFile(join(log, '_sidecars', sidecar), encodeCheckpoint(adds))
    const nonFile = [{ checkpointMetadata: { version: 1 } }, protocol, meta]
    const sidecarAction = { sidecar: { path: sidecar, sizeInBytes: 1, modificationTime: 1 } }
    const name = `00000000000000000001.checkpoint.${uuid}.${top}`
    if (top === 'json')
      await writeFile(
        join(log, name),
        `${[...nonFile, sidecarAction].map((a) => JSON.stringify(a)).join('\n')}\n`,
      )
    else await duck(v2ParquetCheckpoint(join(log, name), meta.metaData.schemaString))
    const pointer = { version: 1, size: 3, v2Checkpoint: { path: name, sizeInBytes: 1, modificationTime: 1 } }
    await writeFile(join(log, '_last_checkpoint'), JSON.stringify(pointer))
    await rm(join(log, '00000000000000000000.json'))
    await rm(join(log, '00000000000000000001.json'))
  }

  it.each(['json', 'parquet'] as const)(
    'opens from a UUID-named %s checkpoint and its sidecar',
    async (top) => {
      const root = temp.dir
      await cleanedTable(root, top)
      const df = await (await read(root)).toDataFrame()
      expect(df.getColumn('a').toArray().sort()).toEqual([1, 2, 3])
    },
  )

  it('does not open from a checkpoint whose sidecar is gone: the table cannot be read (typed), not read short', async () => {
    const root = temp.dir
    await cleanedTable(root, 'json')
    await rm(join(root, '_delta_log', '_sidecars', sidecar))
    const error = await read(root).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TableCorruptError)
    expect((error as Error).message).toContain(
      `00000000000000000001.checkpoint.${uuid}.json (version 1) is corrupt`,
    )
  })
})
