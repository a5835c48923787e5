// A writer process for log-first-inserts.test.ts: `node log-first-worker.js <mode> <store> <first id> <count> [member]`.
// Creates Items (or Members, emails from memberEmail) `first`..`first + count - 1` one by one through the entity API
// (with `update`: saves new Item instances named `updated <id>`, replacing stored rows of those keys, never reading),
// printing `ACK <id> {}` once each create returned (its record durable, not necessarily published) or
// `NACK <id> <error name>` when refused.
// Modes: `create` settles and exits normally after the last; `kill` kills itself (SIGKILL) right after the last
// acknowledgement, leaving what is pending unpublished; `wait` then waits for a line on stdin before it exits.
import { createInterface } from 'node:readline'
import { Entity, openStore, registerEntity } from '../../index.js'
import { itemEntity, memberEmail, memberEntity } from './item-entity.js'

const [mode, dir, firstText, countText, kind] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string?,
]
class Item extends Entity {}
registerEntity(Item, itemEntity)
class Member extends Entity {}
registerEntity(Member, memberEntity)
const store = openStore(dir)
const create = (id: number) =>
  kind === 'member'
    ? Member.repo(store).create({ id, email: memberEmail(id) })
    : kind === 'update'
      ? Item.repo(store).save(Object.assign(new Item(), { id, name: `updated ${id}` }))
      : Item.repo(store).create({ id, name: `item ${id}` })
const first = Number(firstText)
for (let id = first; id < first + Number(countText); id++) {
  try {
    await create(id)
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
