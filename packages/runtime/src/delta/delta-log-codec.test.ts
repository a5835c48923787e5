import { describe, expect, it } from 'vitest'
import { TableCorruptError } from '../table/table-errors.js'
import { deletionVectorId } from './delta-actions.js'
import { commitAnchor, encodeDeltaCommit, parseDeltaCommit } from './delta-log-codec.js'
import { decodeDeltaPath, encodeDeltaPath, partitionDirName, partitionTimestamp } from './delta-paths.js'
import {
  type DeltaStatKind,
  decodeDeltaStats,
  encodeDeltaStats,
  formatDeltaTimestamp,
  parseDeltaTimestamp,
} from './delta-stats.js'

const source = { table: 'users', file: '/t/_delta_log/00000000000000000003.json', version: 3 }

describe('Delta commit codec', () => {
  it('reads the actions of a commit written by another engine, ignoring unknown fields and action kinds', () => {
    const text = [
      '{"commitInfo":{"timestamp":1,"operation":"WRITE","somethingNew":{"x":1}}}',
      '{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}',
      '{"domainMetadata":{"domain":"d","configuration":"{}","removed":false}}',
      '{"add":{"path":"a=1/part-0%20x.parquet","partitionValues":{"a":"1"},"size":10,"modificationTime":5,"dataChange":true,"stats":"{\\"numRecords\\":2}","newField":true}}',
      '{"remove":{"path":"part-1.parquet","deletionTimestamp":7,"dataChange":true}}',
      '{"txn":{"appId":"app","version":4}}',
      '',
    ].join('\n')
    const commit = parseDeltaCommit(text, source)
    expect(commit.commitInfo?.operation).toBe('WRITE')
    expect(commit.protocol).toEqual({ minReaderVersion: 1, minWriterVersion: 2 })
    expect(commit.add.map((a) => a.path)).toEqual(['a=1/part-0%20x.parquet'])
    expect(commit.remove.map((r) => r.path)).toEqual(['part-1.parquet'])
    expect(commit.txn).toEqual([{ appId: 'app', version: 4 }])
  })

  it('names the file and line of a damaged line', () => {
    const text = '{"commitInfo":{}}\n{"add":{"path":"x.parquet"'
    expect(() => parseDeltaCommit(text, source)).toThrow(TableCorruptError)
    expect(() => parseDeltaCommit(text, source)).toThrow(
      /00000000000000000003\.json \(version 3\) is corrupt: line 2: not valid JSON/,
    )
  })

  it('refuses a known action of the wrong shape and a path leaving the table', () => {
    const bad =
      '{"add":{"path":"p.parquet","partitionValues":{},"size":"10","modificationTime":1,"dataChange":true}}'
    expect(() => parseDeltaCommit(bad, source)).toThrow(/line 1: add\.size: expected non-negative integer/)
    const outside =
      '{"remove":{"path":"..%2F..%2Fetc%2Fpasswd","dataChange":true}}\n{"add":{"path":"s3://b/x.parquet","partitionValues":{},"size":1,"modificationTime":1,"dataChange":true}}'
    expect(() => parseDeltaCommit(outside, source)).toThrow(/line 1: remove\.path: .*leaves its folder/)
    expect(() => parseDeltaCommit(outside.split('\n')[1] as string, source)).toThrow(/absolute URI/)
  })

  it('refuses two metaData actions in one commit and reader version 3 without readerFeatures', () => {
    const meta =
      '{"metaData":{"id":"x","format":{"provider":"parquet","options":{}},"schemaString":"{}","partitionColumns":[],"configuration":{}}}'
    expect(() => parseDeltaCommit(`${meta}\n${meta}`, source)).toThrow(/line 2: a second metaData/)
    expect(() =>
      parseDeltaCommit('{"protocol":{"minReaderVersion":3,"minWriterVersion":7}}', source),
    ).toThrow(/readerFeatures/)
  })

  it('writes one action per line, commitInfo first, and reads back what it wrote', () => {
    const commit = {
      commitInfo: { timestamp: 9, operation: 'DELETE' },
      add: [
        {
          path: 'part-2.parquet',
          partitionValues: {},
          size: 3,
          modificationTime: 9,
          dataChange: true,
          deletionVector: {
            storageType: 'u' as const,
            pathOrInlineDv: 'ab',
            offset: 1,
            sizeInBytes: 4,
            cardinality: 2,
          },
        },
      ],
      remove: [{ path: 'part-2.parquet', dataChange: true, deletionTimestamp: 9 }],
      txn: [],
    }
    const text = encodeDeltaCommit(commit)
    const lines = text
      .trimEnd()
      .split('\n')
      .map((l) => Object.keys(JSON.parse(l) as object))
    expect(lines).toEqual([['commitInfo'], ['remove'], ['add']])
    expect(parseDeltaCommit(text, source)).toEqual(commit)
    expect(deletionVectorId(commit.add[0]?.deletionVector)).toBe('uab@1')
    expect(deletionVectorId({ storageType: 'i', pathOrInlineDv: 'zz', sizeInBytes: 1, cardinality: 1 })).toBe(
      'izz',
    )
  })
})

describe('Delta paths', () => {
  it('percent-encodes what a URI path may not hold and decodes it back', () => {
    const path = 'name=a%3Ab c/part-ü#?.parquet'
    const uri = encodeDeltaPath(path)
    expect(uri).toBe('name=a%253Ab%20c/part-%C3%BC%23%3F.parquet')
    expect(decodeDeltaPath(uri)).toEqual({ ok: true, path })
  })

  it('names partition folders and timestamps as the spec serializes them', () => {
    expect(partitionDirName('city', 'a/b')).toBe('city=a%2Fb')
    expect(partitionDirName('city', null)).toBe('city=__HIVE_DEFAULT_PARTITION__')
    expect(partitionTimestamp(1_700_000_000_123_456n)).toBe('2023-11-14 22:13:20.123456')
    expect(partitionTimestamp(-1n)).toBe('1969-12-31 23:59:59.999999')
  })
})

describe('Delta statistics', () => {
  const kinds = new Map<string, DeltaStatKind>([
    ['id', 'long'],
    ['score', 'double'],
    ['born', 'date'],
    ['at', 'timestamp'],
    ['name', 'string'],
  ])

  it('writes bounds in the spec serialization (timestamps truncated down to the millisecond, as Spark writes them)', () => {
    const json = encodeDeltaStats(
      {
        numRows: 3,
        columns: {
          id: { nullCount: 0, min: '-9223372036854775808', max: '9007199254740993' },
          score: { nullCount: 1, min: 1.5, max: 2 },
          born: { nullCount: 0, min: -1, max: 19_000 },
          at: { nullCount: 0, min: '-1', max: '1700000000123456' },
          name: { nullCount: 2, min: 'a', max: 'z'.repeat(2000) },
        },
      },
      kinds,
    )
    expect(json).toContain('"id":-9223372036854775808')
    expect(json).toContain('"id":9007199254740993')
    const parsed = JSON.parse(json) as Record<string, Record<string, unknown>>
    expect(parsed.numRecords).toBe(3)
    expect(parsed.minValues).toMatchObject({
      score: 1.5,
      born: '1969-12-31',
      at: '1969-12-31T23:59:59.999Z',
    })
    expect(parsed.maxValues).toMatchObject({ born: '2022-01-08', at: '2023-11-14T22:13:20.123Z' })
    // A 2,000-character string gets no bound at all (a cut one would not be an upper bound).
    expect(parsed.maxValues).not.toHaveProperty('name')
    expect(parsed.nullCount).toEqual({ id: 0, score: 1, born: 0, at: 0, name: 2 })
  })

  it('reads bounds back (a millisecond timestamp max up to its last microsecond) and drops what it cannot take exactly', () => {
    const decoded = decodeDeltaStats(
      JSON.stringify({
        numRecords: 4,
        minValues: { id: 1, score: 0.5, born: '2024-02-29', at: '2024-01-01T00:00:00.000001Z', name: 'b' },
        maxValues: {
          id: 2 ** 60,
          score: 9,
          born: '2024-03-01',
          at: '2024-01-01T00:00:00.5+01:00',
          name: 'c',
        },
        nullCount: { id: 0, score: 0, born: 0, at: 0 },
      }),
      kinds,
    )
    expect(decoded).toEqual({
      ok: true,
      value: {
        numRows: 4,
        columns: {
          id: { nullCount: 0 },
          score: { nullCount: 0, min: 0.5, max: 9 },
          born: { nullCount: 0, min: 19782, max: 19783 },
          at: { nullCount: 0, min: '1704067200000001', max: '1704063600500999' },
        },
      },
    })
    expect(decodeDeltaStats('{"minValues":{}}', kinds)).toMatchObject({ ok: false, problem: /numRecords/ })
    // A max with digits below the millisecond was written exact (pf before truncation): kept as it is.
    const exact = decodeDeltaStats(
      JSON.stringify({
        numRecords: 1,
        minValues: { at: '2024-01-01T00:00:00.000500Z' },
        maxValues: { at: '2024-01-01T00:00:00.000500Z' },
        nullCount: { at: 0 },
      }),
      kinds,
    )
    expect(exact).toMatchObject({
      ok: true,
      value: { columns: { at: { min: '1704067200000500', max: '1704067200000500' } } },
    })
    expect(parseDeltaTimestamp('2024-01-01T00:00:00.0000001Z')).toBeUndefined()
    expect(formatDeltaTimestamp(0n)).toBe('1970-01-01T00:00:00.000000Z')
  })
})

describe('commit anchor', () => {
  it("reads a commit's table id and recorded totals without decoding its actions", () => {
    const text = [
      '{"commitInfo":{"timestamp":1,"operation":"WRITE","tableFiles":2,"tableRows":30}}',
      '{"metaData":{"id":"t-1","format":{"provider":"parquet"},"schemaString":"not decoded","partitionColumns":[]}}',
      '{"add":{"path":"p","partitionValues":{},"size":"not decoded"}}',
      '',
    ].join('\n')
    expect(commitAnchor(text)).toEqual({ tableId: 't-1', tableFiles: 2, tableRows: 30 })
    // Another writer's commit: no totals, no metaData.
    expect(commitAnchor('{"commitInfo":{"operation":"DELETE"}}\n{"remove":{"path":"p"}}\n')).toEqual({})
  })

  it('gives no anchor (the caller decodes the commit) for a line that is not an object, a repeated action or a field of another shape', () => {
    for (const text of [
      '{"commitInfo":{}}\nnot json\n',
      '[1]\n',
      '{"commitInfo":{}}\n{"commitInfo":{}}\n',
      '{"metaData":{"id":"a"}}\n{"metaData":{"id":"b"}}\n',
      '{"metaData":{"id":7}}\n',
      '{"commitInfo":{"tableFiles":-1}}\n',
      '{"commitInfo":{"tableRows":"3"}}\n',
    ])
      expect(commitAnchor(text)).toBeUndefined()
  })
})
