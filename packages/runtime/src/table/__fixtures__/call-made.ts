import { setImmediate as nextTurn } from 'node:timers/promises'
import type { FaultyFileSystem } from '../faulty-file-system.js'

/**
 * Waits (event-loop turns, at most 10,000) until `fs` has recorded `call` (`"<op> <path>"`), then one turn more
 * so the call can run on; false if it never came. Lets an injected hook see how far a concurrent step got.
 */
export async function callMade(fs: FaultyFileSystem, call: string): Promise<boolean> {
  for (let i = 0; i < 10_000; i++) {
    const made = fs.calls.includes(call)
    await nextTurn()
    if (made) return true
  }
  return false
}
