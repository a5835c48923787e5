// Vitest setup (vitest.config.ts setupFiles): a test fails when a commit went on without the commit turn and the
// test did not expect it (table/__fixtures__/commit-turn-warnings.ts says why).
import { afterEach } from 'vitest'
import {
  takeUnexpectedCommitTurnWarnings,
  watchCommitTurnWarnings,
} from '../../packages/runtime/src/table/__fixtures__/commit-turn-warnings.js'

watchCommitTurnWarnings()

afterEach(async (context) => {
  // Warnings are emitted on the next tick: let any of the test's last ones arrive.
  await new Promise((resolve) => setImmediate(resolve))
  const unexpected = takeUnexpectedCommitTurnWarnings()
  if (unexpected.length === 0 || context.task.result?.state === 'fail') return
  throw new Error(
    `a commit went on without the commit turn (a stuck writer, or a commit waiting for what waits for it); call ` +
      `expectCommitTurnWarnings() if the test means it:\n  ${unexpected.join('\n  ')}`,
  )
})
