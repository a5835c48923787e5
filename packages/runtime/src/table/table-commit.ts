import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { ParquetFrameError } from '../errors/pf-error.js'
import { awaitCommitTurn, TURN_AFTER_LOST_RACES, type TurnScope, withCommitTurn } from './commit-turn.js'
import { WrittenFiles } from './data-file-store.js'
import { isAlreadyExists } from './file-system.js'
import { committedMetadata } from './identity-marks.js'
import { keyTouchedSince } from './keys-touched.js'
import type { LogEntry, TableMetadata } from './log-entry.js'
import type { Snapshot } from './snapshot.js'
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

/** What the attempts of one commit share. */
interface CommitRun {
  readonly core: TableCore
  readonly request: CommitRequest
  /** Identifies this commit's entry (a landed entry is recognised by it after an I/O error). */
  readonly txnId: string
  readonly turn: TurnScope
  /** The newest snapshot an attempt planned against. */
  snap: Snapshot
  /** Files of the attempt that lost the last race: the next attempt may take some over (reuse), the rest go. */
  lost?: WrittenFiles | undefined
}

/**
 * The commit loop: plan against the newest snapshot, create the next entry exclusively, rebase on a lost race.
 * Commits are serializable: each takes effect as if it ran alone at the version it created. After
 * `TURN_AFTER_LOST_RACES` lost races in a row the writer takes the table's commit turn (commit-turn.ts), so a
 * writer whose re-plan is slow is not outrun forever; other writers wait for the turn before creating an entry.
 * Multi-table reservations and publications neither take nor wait for the turn.
 */
export async function commitWithRetries(core: TableCore, request: CommitRequest): Promise<CommitOutcome> {
  const fair = !request.txn && request.publishing === undefined
  const run: CommitRun = {
    core,
    request,
    txnId: randomUUID(),
    turn: { path: core.path, fs: core.fs, table: core.name },
    snap: request.start,
  }
  // 'contend': wait for another writer's turn, back off after a lost race, take the turn after a few.
  // 'turn': holding it (no new rival passes: no backoff); 'alone': outside the turn (not fair, or it was unavailable).
  const attempts = async (first: number, mode: 'contend' | 'turn' | 'alone'): Promise<CommitOutcome> => {
    for (let attempt = first; attempt <= core.maxRetries; attempt++) {
      if (mode === 'contend' && attempt >= TURN_AFTER_LOST_RACES) {
        return withCommitTurn(run.turn, (held) => attempts(attempt, held ? 'turn' : 'alone'))
      }
      const outcome = await tryAttempt(run, attempt, mode === 'contend', mode !== 'turn')
      if (outcome) return outcome
    }
    throw new ConflictError(
      core.name,
      run.snap.version + 1,
      'too-many-retries',
      `lost the race for a version ${core.maxRetries + 1} times`,
    )
  }
  try {
    return await attempts(0, fair ? 'contend' : 'alone')
  } catch (error) {
    await run.lost?.discard()
    await request.written.discard()
    if (error instanceof ParquetFrameError) throw error
    throw new TableWriteError(core.name, 'committing', { cause: error })
  }
}

/** Removes the lost attempt's files that the next attempt's plan did not take over. */
async function discardUnclaimed(lost: WrittenFiles | undefined, next: WrittenFiles): Promise<void> {
  if (!lost) return
  // Its writes first: one still running holds its temp name, which the next attempt's claim (the final name) misses.
  await Promise.allSettled(lost.writing)
  const claimed = new Set(next.paths)
  for (let i = lost.paths.length - 1; i >= 0; i--)
    if (claimed.has(lost.paths[i] as string)) lost.paths.splice(i, 1)
  await lost.discard()
}

/**
 * One attempt: plan against the newest snapshot and create the next entry. Undefined when it lost the race (its
 * files are kept in `run.lost` for the next attempt). `gate`: wait for another writer's commit turn first;
 * `backoff`: wait a random while after losing.
 */
async function tryAttempt(
  run: CommitRun,
  attempt: number,
  gate: boolean,
  backoff: boolean,
): Promise<CommitOutcome | undefined> {
  const { core, txnId } = run
  const { operation, start, options, planAttempt, plan, txn, publishing } = run.request
  if (attempt > 0) run.snap = await core.settledSnapshot(publishing)
  const snap = run.snap
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
  await discardUnclaimed(run.lost, attemptFiles)
  run.lost = undefined
  const empty = planned.add.length === 0 && planned.remove.length === 0
  if (empty && !planned.metadata && !planned.protocol) {
    return { result: { version: snap.version, rowsAdded: 0, rowsRemoved: 0, attempts: attempt + 1 } }
  }
  // Autoincrement (identity) columns: the commit's metaData keeps their high-water marks above its values.
  const metadata = committedMetadata(planned.metadata, snap.state, planned.add)
  // A schema change may need a higher protocol (e.g. the first enum field's CHECK constraint).
  const protocol =
    planned.protocol ?? (metadata ? protocolOf(metadata, snap.state.protocol) : snap.state.protocol)
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
    // Another writer's commit turn is waited for while the entry is written (it only gates the entry appearing).
    await core.log.writeEntry(entry, snap.state, gate ? () => awaitCommitTurn(run.turn) : undefined)
  } catch (error) {
    if (isAlreadyExists(error)) {
      run.lost = attemptFiles
      // Random backoff, growing to 250 ms, spreads contending writers.
      if (backoff) await sleep(Math.random() * Math.min(250, 2 ** attempt))
      return undefined
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
