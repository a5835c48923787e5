import { describe, expect, it } from 'vitest'
import { testTableMetadata } from './__fixtures__/table-metadata.js'
import { userEntity, userEnums } from './__fixtures__/user-entity.js'
import type { AddAction, LogEntry, TxnRef } from './log-entry.js'
import { ConflictError } from './table-errors.js'
import { replay, type TableState } from './table-state.js'
import { voidEntry } from './txn-decisions.js'
import { firstUnpublished, publicationPlan, publishedBy } from './txn-publish.js'

const metadata = testTableMetadata(userEntity, userEnums, {
  updateMode: 'copy-on-write',
  checkpointInterval: 0,
})
const info = {
  timestamp: 1,
  operation: 'TRANSACTION' as const,
  readVersion: 0,
  rowsAdded: 0,
  rowsRemoved: 0,
  txnId: 'c',
}
const file = (path: string, rows: number): AddAction => ({
  path,
  size: 1,
  partitionValues: {},
  stats: { numRows: rows, columns: {} },
})
const ref = (id: string): TxnRef => ({
  id,
  decision: `../_pf_txn/${id}.json`,
  deadline: 0,
  tables: ['a', 'b'],
})

/** Version 0 (the table) and version 1 (one file of 3 rows). */
function base(): TableState {
  return replay(undefined, [
    {
      version: 0,
      commitInfo: { ...info, operation: 'CREATE' },
      protocol: { minReaderVersion: 1, minWriterVersion: 2 },
      metadata,
    },
    { version: 1, commitInfo: info, add: [file('f1.parquet', 3)] },
  ])
}

/** A reservation at `version` replacing f1 by f2. */
function reservation(version: number, id = 'x'): LogEntry {
  return {
    version,
    commitInfo: info,
    txn: ref(id),
    reserved: {
      remove: [{ path: 'f1.parquet' }],
      add: [file('f2.parquet', 2)],
      rowsAdded: 2,
      rowsRemoved: 3,
    },
  }
}

describe('replay of reservations and publications', () => {
  it('a committed reservation changes nothing and waits to be published; its publication applies it once', () => {
    const reserved = replay(base(), [reservation(2)])
    expect([reserved.rows, [...reserved.files.keys()]]).toEqual([3, ['f1.parquet']])
    const r = firstUnpublished(reserved)
    expect(r).toMatchObject({ id: 'x', version: 2 })
    expect(firstUnpublished(reserved, 'x')).toBeUndefined()
    const plan = publicationPlan(reserved, r as NonNullable<typeof r>, 'User')
    expect(plan?.appTxns).toEqual([{ appId: 'pf-txn-x', version: 2 }])
    const entry: LogEntry = { version: 3, commitInfo: info, ...plan }
    expect(publishedBy(entry)).toEqual(['x'])
    const published = replay(reserved, [entry])
    expect([published.rows, [...published.files.keys()], published.unpublished]).toEqual([
      2,
      ['f2.parquet'],
      undefined,
    ])
    // Already published: nothing more to publish.
    expect(publicationPlan(published, r as NonNullable<typeof r>, 'User')).toBeUndefined()
  })

  it('an aborted reservation (its void stand-in) never waits to be published', () => {
    expect(replay(base(), [voidEntry(reservation(2))]).unpublished).toBeUndefined()
  })

  it('another writer removing a planned file, or changing the schema, before publication: publish-conflict', () => {
    const reserved = replay(base(), [reservation(2)])
    const r = firstUnpublished(reserved) as NonNullable<ReturnType<typeof firstUnpublished>>
    const removed = replay(reserved, [{ version: 3, commitInfo: info, remove: [{ path: 'f1.parquet' }] }])
    expect(() => publicationPlan(removed, r, 'User')).toThrow(ConflictError)
    expect(() => publicationPlan(removed, r, 'User')).toThrow(/removed f1\.parquet before it was published/)
    const evolved = replay(reserved, [{ version: 3, commitInfo: info, metadata: { ...metadata } }])
    expect(() => publicationPlan(evolved, r, 'User')).toThrow(/schema changed after its reservation/)
    // A blind append meanwhile is rebased over.
    const appended = replay(reserved, [{ version: 3, commitInfo: info, add: [file('f3.parquet', 1)] }])
    expect(publicationPlan(appended, r, 'User')?.remove).toEqual([{ path: 'f1.parquet' }])
  })
})
