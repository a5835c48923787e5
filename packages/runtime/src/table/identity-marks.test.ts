import { describe, expect, it } from 'vitest'
import { entityIRFor } from '../entity/__fixtures__/test-ir.js'
import { testTableMetadata } from './__fixtures__/table-metadata.js'
import { identityMarksByField } from './identity-columns.js'
import { committedMetadata } from './identity-marks.js'
import type { AddAction, TableMetadata } from './log-entry.js'
import type { TableState } from './table-state.js'

const base = entityIRFor('Ticket', { id: 'BigInt', n: 'Int' })
const entity = {
  ...base,
  fields: base.fields.map((f) =>
    f.name === 'id' ? { ...f, default: { kind: 'autoincrement' as const } } : f,
  ),
}
const metadata = (marks?: Record<string, string>): TableMetadata =>
  testTableMetadata(entity, [], {
    updateMode: 'copy-on-write',
    checkpointInterval: 10,
    ...(marks ? { identityHighWaterMarks: marks } : {}),
  })
const add = (path: string, maxId: string): AddAction => ({
  path,
  size: 1,
  partitionValues: {},
  stats: {
    numRows: 1,
    columns: { id: { nullCount: 0, min: '1', max: maxId }, n: { nullCount: 0, max: 99 } },
  },
})
const state = (meta: TableMetadata, files: AddAction[] = []): TableState => ({
  version: 3,
  timestamp: 0,
  protocol: { minReaderVersion: 1, minWriterVersion: 6 },
  metadata: meta,
  files: new Map(files.map((a) => [a.path, { add: a, version: 1, deleted: new Set(), deletedRows: 0 }])),
  rows: files.length,
})

describe('committedMetadata', () => {
  it('raises the mark to the largest value added, exactly beyond 2^53; none when it does not go up', () => {
    const raised = committedMetadata(undefined, state(metadata({ id: '5' })), [add('a', '9007199254740993')])
    expect(raised?.identityHighWaterMarks).toEqual({ id: '9007199254740993' })
    expect(raised && identityMarksByField(raised)).toEqual(new Map([['id', 9_007_199_254_740_993n]]))
    expect(committedMetadata(undefined, state(metadata({ id: '5' })), [add('a', '4')])).toBeUndefined()
  })

  it('a planned schema change never lowers the mark another commit raised since it was planned', () => {
    const planned = metadata({ id: '5' })
    const newest = state(metadata({ id: '10' }))
    expect(committedMetadata(planned, newest, [])?.identityHighWaterMarks).toEqual({ id: '10' })
  })

  it('a table without a mark starts from its live files; a column that is no identity column loses its mark', () => {
    const first = committedMetadata(undefined, state(metadata(), [add('old', '41')]), [add('new', '7')])
    expect(first?.identityHighWaterMarks).toEqual({ id: '41' })
    const plain = { ...metadata({ id: '41', n: '3' }) }
    expect(committedMetadata(plain, state(plain), [])?.identityHighWaterMarks).toEqual({ id: '41' })
  })
})
