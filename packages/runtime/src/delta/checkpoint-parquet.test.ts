import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useSharedTempDir } from '../table/__fixtures__/temp-dir.js'
import {
  CheckpointFormatError,
  type DeltaCheckpointAction,
  decodeCheckpoint,
  encodeCheckpoint,
} from './checkpoint-parquet.js'
import type { DeltaDeletionVector } from './delta-actions.js'

const inlineDv: DeltaDeletionVector = {
  storageType: 'i',
  pathOrInlineDv: 'wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L',
  sizeInBytes: 40,
  cardinality: 6,
}
// maxRowIndex: in Spark's checkpoint schema, not (yet) in DeltaDeletionVector.
const fileDv: DeltaDeletionVector & { maxRowIndex: number } = {
  storageType: 'u',
  pathOrInlineDv: 'ab^-aqEH.-t@S}K{vb[*k^',
  offset: 4,
  sizeInBytes: 40,
  cardinality: 6,
  maxRowIndex: 9_007_199_254_740_991,
}

/** One action of every kind, with the edge values a checkpoint must keep. */
const everyKind: DeltaCheckpointAction[] = [
  { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
  {
    protocol: {
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ['deletionVectors', 'columnMapping'],
      writerFeatures: [],
    },
  },
  {
    metaData: {
      id: 'af23c9d7-fff1-4a5a-a2c8-55c59bd782aa',
      name: 'users',
      description: 'Ünïcödé table — 用户',
      format: { provider: 'parquet', options: {} },
      schemaString: '{"type":"struct","fields":[{"name":"id","type":"long","nullable":false,"metadata":{}}]}',
      partitionColumns: ['region', 'día'],
      createdTime: 1_700_000_000_123,
      configuration: { 'delta.enableDeletionVectors': 'true', 'pf.keys': '["id"]', 'pf.empty': '' },
    },
  },
  {
    metaData: {
      id: 'minimal',
      format: { provider: 'parquet', options: {} },
      schemaString: '{"type":"struct","fields":[]}',
      partitionColumns: [],
      configuration: {},
    },
  },
  {
    add: {
      path: 'region=%C3%A9t%C3%A9/d%C3%ADa=__HIVE_DEFAULT_PARTITION__/part-0 ü 🚀.parquet',
      partitionValues: { region: 'été', día: null },
      size: 0,
      modificationTime: 0,
      dataChange: true,
      stats: '{"numRecords":3,"minValues":{"id":1},"maxValues":{"id":3},"nullCount":{"id":0}}',
      tags: {},
      deletionVector: inlineDv,
      baseRowId: 0,
      defaultRowCommitVersion: 12,
      clusteringProvider: 'liquid',
    },
  },
  {
    add: {
      path: 'part-1.parquet',
      partitionValues: {},
      size: Number.MAX_SAFE_INTEGER,
      modificationTime: 1_700_000_000_000,
      dataChange: false,
      tags: { INSERTION_TIME: '1700000000000000', empty: '', ['__proto__']: 'kept as data' },
      deletionVector: fileDv,
    },
  },
  { remove: { path: 'gone.parquet', dataChange: true } },
  {
    remove: {
      path: 'région/gone 2.parquet',
      deletionTimestamp: 1_700_000_000_999,
      dataChange: false,
      extendedFileMetadata: true,
      partitionValues: { région: null },
      size: 1234,
      deletionVector: inlineDv,
      baseRowId: 40,
      defaultRowCommitVersion: 3,
    },
  },
  { txn: { appId: 'app-1', version: 0 } },
  { txn: { appId: '3ba13872-2d47-4e17-86a0-21afd2a22395', version: 364475, lastUpdated: 1_700_000_000_000 } },
  {
    domainMetadata: {
      domain: 'delta.rowTracking',
      configuration: '{"rowIdHighWaterMark":41}',
      removed: false,
    },
  },
  { domainMetadata: { domain: 'pf.app', configuration: '', removed: true } },
]

describe('encodeCheckpoint / decodeCheckpoint', () => {
  it('round-trips every action kind, in order, with unicode paths, null partition values, empty maps and DVs', () => {
    expect(decodeCheckpoint(encodeCheckpoint(everyKind))).toStrictEqual(everyKind)
  })

  it('keeps a map key named __proto__ as data', () => {
    const [, , , , , second] = decodeCheckpoint(encodeCheckpoint(everyKind))
    const tags = (second as { add: { tags: Record<string, unknown> } }).add.tags
    expect(Object.getPrototypeOf(tags)).toBe(Object.prototype)
    expect(Object.keys(tags)).toContain('__proto__')
  })

  it('leaves stats and tags out of remove actions, as the spec says checkpoints do', () => {
    const bytes = encodeCheckpoint([
      { remove: { path: 'a.parquet', dataChange: true, stats: '{"numRecords":1}', tags: { a: 'b' } } },
    ])
    expect(decodeCheckpoint(bytes)).toStrictEqual([{ remove: { path: 'a.parquet', dataChange: true } }])
  })

  it('writes and reads a checkpoint of no actions', () => {
    expect(decodeCheckpoint(encodeCheckpoint([]))).toStrictEqual([])
  })

  it('round-trips 10,000 adds', () => {
    const adds: DeltaCheckpointAction[] = Array.from({ length: 10_000 }, (_, i) => ({
      add: {
        path: `p=${i % 7}/part-${i}.parquet`,
        partitionValues: { p: String(i % 7) },
        size: 1000 + i,
        modificationTime: 1_700_000_000_000 + i,
        dataChange: true,
        stats: `{"numRecords":${i}}`,
      },
    }))
    expect(decodeCheckpoint(encodeCheckpoint(adds))).toStrictEqual(adds)
  })

  describe('refuses what a checkpoint cannot hold', () => {
    const add = { path: 'a.parquet', partitionValues: {}, size: 1, modificationTime: 1, dataChange: true }
    const refusal = (actions: unknown[]): CheckpointFormatError => {
      try {
        encodeCheckpoint(actions as DeltaCheckpointAction[], {
          file: '00000000000000000010.checkpoint.parquet',
        })
      } catch (error) {
        expect(error).toBeInstanceOf(CheckpointFormatError)
        expect((error as CheckpointFormatError).code).toBe('PF_DELTA_CHECKPOINT')
        return error as CheckpointFormatError
      }
      throw new Error('encodeCheckpoint did not refuse')
    }

    it('a long that is not a safe integer', () => {
      const error = refusal([{ add: { ...add, size: 2 ** 53 } }])
      expect(error.column).toBe('add.size')
      expect(error.message).toContain('00000000000000000010.checkpoint.parquet, add.size')
      expect(refusal([{ txn: { appId: 'a', version: 1.5 } }]).column).toBe('txn.version')
    })

    it('an int beyond 32 bits', () => {
      expect(refusal([{ protocol: { minReaderVersion: 2 ** 31, minWriterVersion: 2 } }]).column).toBe(
        'protocol.minReaderVersion',
      )
    })

    it('a missing required field, also inside a deletion vector', () => {
      expect(refusal([{ add: { ...add, path: undefined } }]).column).toBe('add.path')
      expect(
        refusal([{ add: { ...add, deletionVector: { storageType: 'i', sizeInBytes: 1, cardinality: 1 } } }])
          .column,
      ).toBe('add.deletionVector.pathOrInlineDv')
    })

    it('commitInfo, cdc and unknown actions, and actions of no or two kinds', () => {
      expect(refusal([{ commitInfo: { operation: 'WRITE' } }]).column).toBe('commitInfo')
      expect(refusal([{ cdc: { path: 'c.parquet' } }]).column).toBe('cdc')
      expect(refusal([{}]).message).toContain('action 0 must have exactly one kind, has none')
      expect(refusal([{ add, txn: { appId: 'a', version: 1 } }]).message).toContain('has add, txn')
    })

    it('map values and array items that are not strings', () => {
      expect(refusal([{ add: { ...add, partitionValues: { n: 1 } } }]).column).toBe('add.partitionValues.n')
      expect(
        refusal([{ protocol: { minReaderVersion: 3, minWriterVersion: 7, readerFeatures: [null] } }]).column,
      ).toBe('protocol.readerFeatures[0]')
    })
  })

  it('refuses bytes that are not Parquet with a typed error naming the file', () => {
    const decode = () =>
      decodeCheckpoint(new TextEncoder().encode('not parquet'), { file: 'x.checkpoint.parquet' })
    expect(decode).toThrow(CheckpointFormatError)
    expect(decode).toThrow(/Delta checkpoint x\.checkpoint\.parquet: not a readable Parquet file/)
  })
})

describe('checkpoints and DuckDB', () => {
  const tmp = useSharedTempDir('pf-checkpoint-')
  let duck: DuckDBConnection
  beforeAll(async () => {
    duck = await (await DuckDBInstance.create(':memory:')).connect()
  })
  afterAll(async () => {
    duck.closeSync()
  })

  async function query(sql: string): Promise<Record<string, unknown>[]> {
    return (await duck.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[]
  }

  it("reads an encoded checkpoint with the spec's columns, types and values", async () => {
    const file = join(tmp.dir, '00000000000000000010.checkpoint.parquet')
    await writeFile(file, encodeCheckpoint(everyKind))
    const columns = await query(
      `select column_name, column_type from (describe select * from read_parquet('${file}'))`,
    )
    const typeOf = Object.fromEntries(columns.map((c) => [c.column_name, c.column_type]))
    expect(Object.keys(typeOf)).toStrictEqual([
      'txn',
      'add',
      'remove',
      'metaData',
      'protocol',
      'domainMetadata',
    ])
    expect(typeOf.add).toBe(
      'STRUCT(path VARCHAR, partitionValues MAP(VARCHAR, VARCHAR), size BIGINT, modificationTime BIGINT, ' +
        'dataChange BOOLEAN, tags MAP(VARCHAR, VARCHAR), deletionVector STRUCT(storageType VARCHAR, ' +
        'pathOrInlineDv VARCHAR, "offset" INTEGER, sizeInBytes INTEGER, cardinality BIGINT, maxRowIndex BIGINT), ' +
        'baseRowId BIGINT, defaultRowCommitVersion BIGINT, stats VARCHAR, clusteringProvider VARCHAR)',
    )
    expect(typeOf.metaData).toBe(
      'STRUCT(id VARCHAR, "name" VARCHAR, description VARCHAR, format STRUCT(provider VARCHAR, ' +
        '"options" MAP(VARCHAR, VARCHAR)), schemaString VARCHAR, partitionColumns VARCHAR[], ' +
        '"configuration" MAP(VARCHAR, VARCHAR), createdTime BIGINT)',
    )
    expect(typeOf.protocol).toBe(
      'STRUCT(minReaderVersion INTEGER, minWriterVersion INTEGER, readerFeatures VARCHAR[], writerFeatures VARCHAR[])',
    )
    expect(typeOf.txn).toBe('STRUCT(appId VARCHAR, "version" BIGINT, lastUpdated BIGINT)')

    // Parquet's MAP and LIST layouts with the group names Spark writes (key_value; list/element).
    const groups = await query(
      `select name, repetition_type as repetition, count(*)::int as n from parquet_schema('${file}')
       where name in ('key_value', 'entries', 'list', 'element', 'key', 'value') group by all order by name`,
    )
    expect(groups).toStrictEqual([
      { name: 'element', repetition: 'OPTIONAL', n: 3 },
      { name: 'key', repetition: 'REQUIRED', n: 5 },
      { name: 'key_value', repetition: 'REPEATED', n: 5 },
      { name: 'list', repetition: 'REPEATED', n: 3 },
      { name: 'value', repetition: 'OPTIONAL', n: 5 },
    ])

    const adds = await query(
      `select add.path as path, add.partitionValues['region'] as region, add.partitionValues['día'] as dia,
        cardinality(add.partitionValues) as parts, add.size::varchar as size, add.deletionVector.storageType as dv,
        add.deletionVector.maxRowIndex::varchar as maxRowIndex, cardinality(add.tags) as tags
       from read_parquet('${file}') where add is not null`,
    )
    expect(adds).toStrictEqual([
      {
        path: 'region=%C3%A9t%C3%A9/d%C3%ADa=__HIVE_DEFAULT_PARTITION__/part-0 ü 🚀.parquet',
        region: 'été',
        dia: null,
        parts: '2',
        size: '0',
        dv: 'i',
        maxRowIndex: null,
        tags: '0',
      },
      {
        path: 'part-1.parquet',
        region: null,
        dia: null,
        parts: '0',
        size: String(Number.MAX_SAFE_INTEGER),
        dv: 'u',
        maxRowIndex: String(Number.MAX_SAFE_INTEGER),
        tags: '3',
      },
    ])
    const rows = await query(
      `select count(*) as n, count(txn) as txn, count(remove) as remove, count(metaData) as meta,
        count(protocol) as protocol, count(domainMetadata) as domains,
        max(metaData.configuration['pf.keys']) as keys, max(protocol.readerFeatures[2]) as feature,
        count(protocol.readerFeatures) as featureLists
       from read_parquet('${file}')`,
    )
    expect(rows).toStrictEqual([
      {
        n: String(everyKind.length),
        txn: '2',
        remove: '2',
        meta: '2',
        protocol: '2',
        domains: '2',
        keys: '["id"]',
        feature: 'columnMapping',
        featureLists: '1',
      },
    ])
  })

  it('decodes a checkpoint another writer (DuckDB) wrote, ignoring columns the spec does not list', async () => {
    const file = join(tmp.dir, 'duckdb-written.parquet')
    await duck.run(
      `copy (select * from (values
         ({'appId': 'a', 'version': 7::bigint}, null, null),
         (null, {'path': 'x.parquet', 'partitionValues': map {'k': 'v'}, 'size': 3::bigint,
                 'modificationTime': 4::bigint, 'dataChange': true,
                 'partitionValues_parsed': {'k': 'v'}}, 1))
       as t(txn, add, extra)) to '${file}' (format parquet)`,
    )
    expect(decodeCheckpoint(await readFile(file))).toStrictEqual([
      { txn: { appId: 'a', version: 7 } },
      {
        add: {
          path: 'x.parquet',
          partitionValues: { k: 'v' },
          size: 3,
          modificationTime: 4,
          dataChange: true,
        },
      },
    ])
  })

  it('decodes the V2-spec checkpointMetadata and sidecar rows', async () => {
    const file = join(tmp.dir, 'v2.parquet')
    await duck.run(
      `copy (select * from (values
         ({'version': 2::bigint, 'tags': map {'numOfAddFiles': '4'}}, null),
         (null, {'path': 'a%20b.parquet', 'sizeInBytes': 9::bigint, 'modificationTime': 10::bigint,
                 'tags': map([], [])::map(varchar, varchar)}))
       as t(checkpointMetadata, sidecar)) to '${file}' (format parquet)`,
    )
    expect(decodeCheckpoint(await readFile(file))).toStrictEqual([
      { checkpointMetadata: { version: 2, tags: { numOfAddFiles: '4' } } },
      { sidecar: { path: 'a%20b.parquet', sizeInBytes: 9, modificationTime: 10, tags: {} } },
    ])
  })

  it('refuses a long beyond 2^53 and a column of the wrong type, naming the column', async () => {
    const big = join(tmp.dir, 'big.parquet')
    await duck.run(
      `copy (select {'appId': 'a', 'version': 9007199254740993::bigint} as txn) to '${big}' (format parquet)`,
    )
    const bigBytes = await readFile(big)
    expect(() => decodeCheckpoint(bigBytes, { file: 'big.parquet' })).toThrow(
      'Delta checkpoint big.parquet, txn.version: row 0: 9007199254740993 is beyond 2^53',
    )
    const late = join(tmp.dir, 'late.parquet')
    await duck.run(
      `copy (select {'appId': 'a', 'version': case when i = 1500 then 9007199254740993 else i end::bigint} as txn
       from range(2000) t(i)) to '${late}' (format parquet)`,
    )
    const lateBytes = await readFile(late)
    expect(() => decodeCheckpoint(lateBytes)).toThrow(
      'txn.version: row 1500: 9007199254740993 is beyond 2^53',
    )
    const wrong = join(tmp.dir, 'wrong.parquet')
    await duck.run(`copy (select {'appId': 'a', 'version': 'seven'} as txn) to '${wrong}' (format parquet)`)
    const wrongBytes = await readFile(wrong)
    expect(() => decodeCheckpoint(wrongBytes)).toThrow(
      /txn\.version: expected an integer \(long\), the file has Utf8/,
    )
    const missing = join(tmp.dir, 'missing.parquet')
    await duck.run(
      `copy (select {'appId': null::varchar, 'version': 1::bigint} as txn) to '${missing}' (format parquet)`,
    )
    const missingBytes = await readFile(missing)
    expect(() => decodeCheckpoint(missingBytes)).toThrow('txn.appId: row 0: required, but null or absent')
  })
})
