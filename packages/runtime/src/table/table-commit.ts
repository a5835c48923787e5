import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { ParquetFrameError } from '../errors/pf-error.js'
import { WrittenFiles } from './data-file-store.js'
import { isAlreadyExists } from './file-system.js'
import { committedMetadata } from './identity-marks.js'
import { keyTouchedSince } from './keys-touched.js'
import type { LogEntry, TableMetadata } from './log-entry.js'
import type { AttemptPlan, CommitOutcome, CommitRequest, TableCore } from './table-core.js'
import { ConflictError, TableProtocolError, TableWriteError } from './table-errors.js'
import { protocolOf, writerProblem } from './table-protocol.js'
import { replay, totalsOf } from './table-state.js'

function sameSchema(a: TableMetadata, b: TableMetadata): boolean {
  return (
    a === b ||
    (a.id === b.id &&
      JSON.stringify([a.entity, a.enums, a.format]) === JSON.stringify([b.entity, b.enums, b.format]))
  )
}

/**
 * The commit loop: plan against the newest snapshot, create the next entry exclusively, rebase on a lost race.
 * Commits are serializable: each takes effect as if it ran alone at the version it created.
 */
export async function commitWithRetries(core: TableCore, request: CommitRequest): Promise<CommitOutcome> {
  const { operation, start, written, options, planAttempt, plan, txn, publishing } = request
  const txnId = randomUUID()
  let snap = start
  try {
    for (let attempt = 0; attempt <= core.maxRetries; attempt++) {
      if (attempt > 0) snap = await core.settledSnapshot(publishing)
      const unwritable = writerProblem(snap.state.protocol)
      if (unwritable !== undefined) throw new TableProtocolError(core.name, unwritable)
      if (!sameSchema(snap.metadata, start.metadata)) {
        throw new ConflictError(
          core.name,
          snap.version + 1,
          'metadata-changed',
          'the schema changed since this write was validated',
        )
      }
      if (options.readVersion !== undefined && plan && options.readVersion < snap.version) {
        const key = await keyTouchedSince(core, options.readVersion, snap, plan.touchedKeys())
        if (key !== undefined) {
          throw new ConflictError(
            core.name,
            snap.version + 1,
            'keys-touched',
            `key ${key} was changed after version ${options.readVersion}`,
          )
        }
      }
      const attemptFiles = new WrittenFiles(core.fs)
      let planned: AttemptPlan
      try {
        planned = await planAttempt(snap, attempt, attemptFiles)
      } catch (error) {
        await attemptFiles.discard()
        throw error
      }
      const empty = planned.add.length === 0 && planned.remove.length === 0
      if (empty && !planned.metadata) {
        return { result: { version: snap.version, rowsAdded: 0, rowsRemoved: 0, attempts: attempt + 1 } }
      }
      // Autoincrement (identity) columns: the commit's metaData keeps their high-water marks above its values.
      const metadata = committedMetadata(planned.metadata, snap.state, planned.add)
      // A schema change may need a higher protocol (e.g. the first enum field's CHECK constraint).
      const protocol = metadata ? protocolOf(metadata, snap.state.protocol) : snap.state.protocol
      const draft: LogEntry = {
        version: snap.version + 1,
        commitInfo: {
          timestamp: Date.now(),
          operation,
          readVersion: snap.version,
          // A reservation changes nothing: its rows count in the version that publishes it.
          rowsAdded: txn ? 0 : planned.rowsAdded,
          rowsRemoved: txn ? 0 : planned.rowsRemoved,
          txnId,
          ...(planned.details ? { details: planned.details } : {}),
        },
        ...(protocol !== snap.state.protocol ? { protocol } : {}),
        ...(metadata ? { metadata } : {}),
        ...(txn
          ? {
              txn,
              reserved: {
                remove: planned.remove,
                add: planned.add,
                rowsAdded: planned.rowsAdded,
                rowsRemoved: planned.rowsRemoved,
              },
            }
          : {
              ...(planned.remove.length > 0 ? { remove: planned.remove } : {}),
              ...(planned.add.length > 0 ? { add: planned.add } : {}),
            }),
        ...(planned.appTxns?.length ? { appTxns: planned.appTxns } : {}),
      }
      // The entry records the live files and rows after it: every later replay and checkpoint is checked by them.
      const after = replay(snap.state, [draft])
      const entry: LogEntry = {
        ...draft,
        commitInfo: { ...draft.commitInfo, ...totalsOf(after) },
      }
      try {
        await core.log.writeEntry(entry, snap.state)
      } catch (error) {
        if (isAlreadyExists(error)) {
          await attemptFiles.discard()
          // Random backoff, growing to 250 ms: with a 50 ms cap a writer whose re-plan is slower than its rivals'
          // commits (4 processes upserting overlapping keys on a loaded machine) could lose 31 races in a row.
          await sleep(Math.random() * Math.min(250, 2 ** attempt))
          continue
        }
        // The entry may exist even though a later step (the directory fsync) failed.
        const landed = await core.log.readEntry(entry.version).catch(() => undefined)
        if (landed?.commitInfo.txnId !== txnId) {
          await attemptFiles.discard()
          throw new TableWriteError(core.name, `creating log entry ${entry.version}`, { cause: error })
        }
      }
      const outcome = {
        result: {
          version: entry.version,
          rowsAdded: planned.rowsAdded,
          rowsRemoved: planned.rowsRemoved,
          attempts: attempt + 1,
        },
        entry,
        base: snap,
        files: attemptFiles,
      }
      if (!txn) await core.adopt(outcome)
      return outcome
    }
    throw new ConflictError(
      core.name,
      snap.version + 1,
      'too-many-retries',
      `lost the race for a version ${core.maxRetries + 1} times`,
    )
  } catch (error) {
    await written.discard()
    if (error instanceof ParquetFrameError) throw error
    throw new TableWriteError(core.name, 'committing', { cause: error })
  }
}
