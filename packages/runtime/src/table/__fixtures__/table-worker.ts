/**
 * A child process that writes to a table, for the reliability tests.
 * Usage: node table-worker.js (transpiled by prepareWorker) or node --import tsx table-worker.ts; <mode> <tablePath> <workerId> [count]
 *   insert: inserts keys workerId*1000 + 0..count-1, one commit each
 *   upsert: `count` commits, each upserting 3 random keys of 0..19 named `w<id>-<i>`
 *   loop:   waits for a line on stdin, then commits forever (killed by the parent):
 *           op i is an insert of key workerId*100000+i, every third an upsert of that
 *           key, every fifth a delete of it. Prints INTENT before and ACK after each commit.
 *   txn:    <tablePath> is a store folder with tables a and b; `count` multi-table commits, each inserting key
 *           workerId*1000+i into both
 *   txnloop: like txn, but waits for a line on stdin, then commits forever (killed by the parent), with a
 *           300 ms transaction timeout. Prints INTENT before and ACK after each commit.
 * Prints READY once loaded, `ACK <version> <json>` per acknowledged commit, `NACK <code>` per refused one.
 */

import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { commitTables } from '../multi-table-commit.js'
import { openTable, type Table } from '../table.js'
import { users } from './user-entity.js'

const [mode, path, idText, countText] = process.argv.slice(2)
const id = Number(idText)
const count = Number(countText ?? '0')
const say = (line: string): void => void process.stdout.write(`${line}\n`)

/** One multi-table commit inserting `key` into tables a and b; the version of a. */
async function insertBoth(a: Table, b: Table, key: number, timeoutMs?: number): Promise<number> {
  const [ra] = await commitTables(
    [
      { table: a, build: (tx) => void tx.insert(users([key], 'a')) },
      { table: b, build: (tx) => void tx.insert(users([key], 'b')) },
    ],
    timeoutMs === undefined ? {} : { timeoutMs },
  )
  return ra?.version ?? -1
}

async function txnMode(store: string): Promise<void> {
  if (mode === 'txnloop') {
    say('READY')
    const rl = createInterface({ input: process.stdin })
    await new Promise<void>((resolve) => rl.once('line', () => resolve()))
  }
  const a = await openTable(join(store, 'a'))
  const b = await openTable(join(store, 'b'))
  if (mode === 'txn') say('READY')
  for (let i = 0; mode === 'txnloop' || i < count; i++) {
    const key = id * 1000 + i
    say(`INTENT ${JSON.stringify({ key })}`)
    try {
      const version = await insertBoth(a, b, key, mode === 'txnloop' ? 300 : undefined)
      say(`ACK ${version} ${JSON.stringify({ key })}`)
    } catch (error) {
      say(`NACK ${(error as { code?: string }).code ?? 'unknown'} ${(error as Error).message}`)
    }
  }
  say('DONE')
}

async function main(): Promise<void> {
  if (mode === 'txn' || mode === 'txnloop') return txnMode(path as string)
  if (mode === 'loop') {
    say('READY')
    const rl = createInterface({ input: process.stdin })
    await new Promise<void>((resolve) => rl.once('line', () => resolve()))
    const table = await openTable(path as string)
    for (let i = 0; ; i++) {
      const key = id * 100_000 + i
      const op = i % 5 === 4 ? 'delete' : i % 3 === 2 ? 'upsert' : 'insert'
      const target = op === 'insert' ? key : key - 1
      const prefix = op === 'insert' ? 'op' : `op${key}-`
      const payload = JSON.stringify({ op, key: target, name: `${prefix}${target}` })
      say(`INTENT ${payload}`)
      const result =
        op === 'delete'
          ? await table.deleteKeys([target])
          : op === 'upsert'
            ? await table.upsert(users([target], prefix))
            : await table.insert(users([target], prefix))
      say(`ACK ${result.version} ${payload}`)
    }
  }
  const table = await openTable(path as string)
  say('READY')
  for (let i = 0; i < count; i++) {
    try {
      if (mode === 'insert') {
        const key = id * 1000 + i
        const result = await table.insert(users([key]))
        say(`ACK ${result.version} ${JSON.stringify({ key })}`)
      } else {
        const keys = new Set<number>()
        while (keys.size < 3) keys.add(Math.floor(Math.random() * 20))
        const name = `w${id}-${i}-`
        const result = await table.upsert(users([...keys], name))
        say(`ACK ${result.version} ${JSON.stringify({ keys: [...keys], name })}`)
      }
    } catch (error) {
      say(`NACK ${(error as { code?: string }).code ?? 'unknown'} ${(error as Error).message}`)
    }
  }
  say('DONE')
}

main().catch((error: unknown) => {
  say(`ERR ${(error as Error).stack ?? String(error)}`)
  process.exit(1)
})
