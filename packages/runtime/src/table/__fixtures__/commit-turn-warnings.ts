// A commit that goes on without the commit turn warns (COMMIT_TURN_WARNING): its holder kept it past the lock
// timeout, or the lock could not be used. In pf's own tests that is a failure unless the test expects it: a commit
// waiting for what waits for it (a deadlock) otherwise passes, 30 s late, when the turn's lock times out.
import { COMMIT_TURN_WARNING } from '../commit-turn.js'

const seen: string[] = []
let expected = false
let watching = false

/** Records the commit-turn warnings this process emits from now on. Test setup only. */
export function watchCommitTurnWarnings(): void {
  if (watching) return
  watching = true
  process.on('warning', (warning: Error & { code?: string }) => {
    if (warning.code === COMMIT_TURN_WARNING) seen.push(warning.message)
  })
}

/** The running test expects commits without the turn (it makes the turn's lock fail on purpose). */
export function expectCommitTurnWarnings(): void {
  expected = true
}

/** The warnings since the last take that the test did not expect; forgets them all. */
export function takeUnexpectedCommitTurnWarnings(): string[] {
  const unexpected = expected ? [] : [...seen]
  seen.length = 0
  expected = false
  return unexpected
}
