import { WrittenFiles } from './data-file-store.js'
import type { CommitOutcome, TableCore } from './table-core.js'
import { ConflictError, TableWriteError, TxnUnpublishedError } from './table-errors.js'
import { publicationPlan, publishedBy } from './txn-publish.js'

/**
 * Publishes the actions a committed multi-table transaction reserved at `reserved` (see
 * txn-publish.ts) as the next version, unless some version published them already; returns the version that
 * holds them. Anyone may call it: the coordinator, or a reader or writer rolling a crashed one forward.
 */
export async function publishTxn(core: TableCore, txnId: string, reserved: number): Promise<number> {
  const start = await core.freshSnapshot()
  let outcome: CommitOutcome
  try {
    outcome = await core.commit({
      operation: 'TRANSACTION',
      start,
      written: new WrittenFiles(core.fs),
      options: {},
      planAttempt: async (snap) => {
        const reservation = snap.state.unpublished?.get(txnId)
        const plan = reservation && publicationPlan(snap.state, reservation, core.name)
        return plan ?? { add: [], remove: [], rowsAdded: 0, rowsRemoved: 0 }
      },
      publishing: txnId,
    })
  } catch (error) {
    if (error instanceof ConflictError) throw error
    throw new TxnUnpublishedError(core.name, txnId, {
      cause: error instanceof TableWriteError ? error.cause : error,
    })
  }
  if (outcome.entry) return outcome.entry.version
  // Published by another process meanwhile: the version carrying the transaction's `txn` action.
  for (let v = reserved + 1; v <= outcome.result.version; v++) {
    const entry = await core.log.readEntry(v)
    if (entry && publishedBy(entry).includes(txnId)) return v
  }
  throw new TxnUnpublishedError(core.name, txnId, {
    cause: new Error(`no version after ${reserved} publishes it, and it is not waiting to be published`),
  })
}
