// A writer process for log-first-inserts.test.ts: `node log-first-worker.js <mode> <store> <first id> <count>`.
// Creates Items `first`..`first + count - 1` one by one through the entity API, printing `ACK <id> {}` once each
// create returned (its record durable, not necessarily published) or `NACK <id> <error name>` when refused.
// Modes: `create` settles and exits normally after the last; `kill` kills itself (SIGKILL) right after the last
// acknowledgement, leaving what is pending unpublished; `wait` then waits for a line on stdin before it exits.
import { createInterface } from 'node:readline'
import { Entity, openStore, registerEntity } from '../../index.js'
import { itemEntity } from './item-entity.js'

const [mode, dir, firstText, countText] = process.argv.slice(2) as [string, string, string, string]
class Item extends Entity {}
registerEntity(Item, itemEntity)
const store = openStore(dir)
const items = Item.repo(store)
const first = Number(firstText)
for (let id = first; id < first + Number(countText); id++) {
  try {
    await items.create({ id, name: `item ${id}` })
    console.log(`ACK ${id} {}`)
  } catch (error) {
    console.log(`NACK ${id} ${(error as Error).constructor.name}`)
  }
}
if (mode === 'kill') process.kill(process.pid, 'SIGKILL')
if (mode === 'wait') {
  console.log('WAITING')
  for await (const _ of createInterface({ input: process.stdin })) break
}
await store.settled()
console.log('DONE')
// stdin stays open while the test runs: it would keep this process alive.
process.exit(0)
