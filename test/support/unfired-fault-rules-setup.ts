// Vitest setup (vitest.config.ts setupFiles): a test fails when a rule it injected into a FaultyFileSystem never
// fired, naming the rule. A dead rule passes silently otherwise, and the test no longer tests what it says.
import { afterEach } from 'vitest'
import {
  takeUnfiredRules,
  trackInjectedRules,
  unfiredRulesMessage,
} from '../../packages/runtime/src/table/faulty-file-system.js'

trackInjectedRules()

afterEach((context) => {
  const unfired = takeUnfiredRules()
  // A test that already failed may have stopped before its rules' calls: its own error says more.
  if (unfired.length === 0 || context.task.result?.state === 'fail') return
  throw new Error(unfiredRulesMessage(unfired))
})
