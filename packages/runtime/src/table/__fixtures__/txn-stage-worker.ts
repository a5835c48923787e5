/**
 * A child process for the multi-table transaction crash tests. Usage:
 *   node txn-stage-worker.js <stage> <store> <key> [timeoutMs]
 *   stage reserved | decided | mid-publish: one transaction inserting `key` into tables a and b of the store,
 *     stopped for good (the parent kills it) before the decision (both tables reserved), before the first
 *     publication (decided), or before table b's publication (a published); prints `STAGE <stage>` there.
 *   stage read: waits for a line on stdin, then reads tables a and b (rolling forward what a crash left) and
 *     prints `ROWS <json ids of a> <json ids of b>`.
 */

import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'
import { FaultyFileSystem } from '../faulty-file-system.js'
import { commitTables } from '../multi-table-commit.js'
import { openTable } from '../table.js'
import { idsOf, users } from './user-entity.js'

const [stage, store, keyText, timeoutText] = process.argv.slice(2)
const key = Number(keyText)
const say = (line: string): void => void process.stdout.write(`${line}\n`)

/** Stops this process's progress for good (a timer keeps it alive until the parent kills it). */
async function stop(): Promise<never> {
  say(`STAGE ${stage}`)
  for (;;) await sleep(60_000)
}

async function main(): Promise<void> {
  if (stage === 'read') {
    say('READY')
    const rl = createInterface({ input: process.stdin })
    await new Promise<void>((resolve) => rl.once('line', () => resolve()))
    const ids = async (name: string): Promise<number[]> =>
      idsOf(await (await openTable(join(store as string, name))).read())
    const [a, b] = await Promise.all([ids('a'), ids('b')])
    say(`ROWS ${JSON.stringify(a)} ${JSON.stringify(b)}`)
    rl.close()
    return
  }
  const fs = new FaultyFileSystem()
  const a = await openTable(join(store as string, 'a'), { fs })
  const b = await openTable(join(store as string, 'b'), { fs })
  if (stage === 'reserved') {
    fs.inject({ op: 'createExclusive', path: /[\\/]_pf_txn[\\/]/, before: stop })
  } else {
    // Commits created after the tables were opened: 1, 2 reserve a and b; 3 publishes a; 4 publishes b.
    const stopAt = stage === 'decided' ? 3 : 4
    let commits = 0
    fs.inject({
      op: 'createExclusive',
      path: /[\\/]_delta_log[\\/]\d{20}\.json$/,
      times: 1_000,
      before: async () => {
        if (++commits === stopAt) await stop()
      },
    })
  }
  await commitTables(
    [
      { table: a, build: (tx) => void tx.insert(users([key], 'a')) },
      { table: b, build: (tx) => void tx.insert(users([key], 'b')) },
    ],
    { timeoutMs: Number(timeoutText ?? '30000') },
  )
  say('DONE')
}

main().catch((error: unknown) => {
  say(`ERR ${(error as Error).stack ?? String(error)}`)
  process.exit(1)
})
