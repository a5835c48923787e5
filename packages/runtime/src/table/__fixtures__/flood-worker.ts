/**
 * A child process that commits to a table as fast as it can, for the commit-turn test.
 * Usage: node flood-worker.js <tablePath> <workerId>
 * Upserts one key (workerId*1000 + i) per commit until a line arrives on stdin; prints READY once the table is
 * open, `ACK <version>` per commit, then `DONE <commits>`.
 */

import { createInterface } from 'node:readline'
import { openTable } from '../table.js'
import { users } from './user-entity.js'

const [path, idText] = process.argv.slice(2)
const id = Number(idText)
const say = (line: string): void => void process.stdout.write(`${line}\n`)

async function main(): Promise<void> {
  const table = await openTable(path as string)
  let stop = false
  createInterface({ input: process.stdin }).once('line', () => {
    stop = true
  })
  say('READY')
  let i = 0
  for (; !stop; i++) {
    const result = await table.upsert(users([id * 1000 + (i % 50)], `f${id}-`))
    say(`ACK ${result.version}`)
  }
  say(`DONE ${i}`)
  process.exit(0)
}

main().catch((error: unknown) => {
  say(`ERR ${(error as Error).stack ?? String(error)}`)
  process.exit(1)
})
