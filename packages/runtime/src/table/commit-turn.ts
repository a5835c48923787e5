import { join } from 'node:path'
import { withFileLock } from './file-lock.js'
import { type FileSystem, isNotFound } from './file-system.js'
import { PRIVATE_DIR } from './log-entry.js'
import { NodeFileSystem } from './node-file-system.js'
import { LockError } from './table-errors.js'

/**
 * Races lost in a row before a writer takes the commit turn. A fast writer rarely loses more than one or two;
 * a writer whose re-plan is slower than its rivals' commits (deletion vectors) can otherwise lose every race.
 */
export const TURN_AFTER_LOST_RACES = 3

/**
 * The commit-turn lock of a table: `_pf/commit-turn.lock`. A writer that lost `TURN_AFTER_LOST_RACES` races in
 * a row takes it and re-plans and commits under it; every other writer waits for it before creating a log entry.
 *
 * Lock order: `_pf/unique.lock` (the entity layer's unique checks and autoincrement values, held around a whole
 * write) is taken before the commit turn, never after: the turn is taken and waited for only inside the commit
 * loop, and its holder takes no other lock. Multi-table reservations and publications neither take nor wait for
 * it (a turn holder may wait for a transaction's decision, so its coordinator must never wait for the turn).
 */
export function commitTurnPath(tablePath: string): string {
  return join(tablePath, PRIVATE_DIR, 'commit-turn.lock')
}

/** Where a table's turn lives and whom errors name. */
export interface TurnScope {
  readonly path: string
  readonly fs: FileSystem
  readonly table: string
}

/**
 * Runs `fn(true)` holding the table's commit turn (file-lock.ts: exclusive across processes, a crashed holder's
 * lock is taken over). The turn only makes commits fair, never correct (the exclusive log entry does that): when
 * it cannot be taken (its holder kept it past the lock timeout, or the lock file cannot be written), `fn(false)`
 * runs without it.
 */
export async function withCommitTurn<T>(scope: TurnScope, fn: (held: boolean) => Promise<T>): Promise<T> {
  let running = false
  try {
    return await withFileLock(
      commitTurnPath(scope.path),
      () => {
        running = true
        return fn(true)
      },
      { fs: scope.fs, table: scope.table },
    )
  } catch (error) {
    if (running || !(error instanceof LockError)) throw error
    warnTurnMissed('taken', error)
    return fn(false)
  }
}

/** The code of the warning a commit that goes on without the commit turn emits. */
export const COMMIT_TURN_WARNING = 'PF_COMMIT_TURN'

/**
 * Says that a commit goes on without the turn (its holder kept it past the lock timeout, or the lock cannot be
 * used): commits stay correct, but a wait that long means a stuck writer, or a commit waiting for what waits for it.
 */
function warnTurnMissed(what: 'taken' | 'waited for', error: LockError): void {
  process.emitWarning(
    `the commit turn could not be ${what}, the commit goes on without it: ${error.message}`,
    { code: COMMIT_TURN_WARNING },
  )
}

/**
 * Waits while another writer holds the table's commit turn; one `lstat` when nobody does. Waiting passes through
 * the lock (taken and released at once), so a crashed holder's lock is taken over by the same rule; a turn held
 * past the lock timeout, or a lock that cannot be read, is not waited for any longer.
 */
export async function awaitCommitTurn(scope: TurnScope): Promise<void> {
  const path = commitTurnPath(scope.path)
  try {
    // Synchronous on the real file system: a few microseconds, where a call through the thread pool cost ~0.1 ms of
    // every commit's path (cpuprofile of a create loop).
    if (scope.fs instanceof NodeFileSystem) {
      if (!scope.fs.entryAt(path)) return
    } else await scope.fs.lstat(path)
  } catch (error) {
    if (isNotFound(error)) return
  }
  try {
    await withFileLock(path, async () => undefined, { fs: scope.fs, table: scope.table })
  } catch (error) {
    if (!(error instanceof LockError)) throw error
    warnTurnMissed('waited for', error)
  }
}
