// One `find(id)` in a fresh process, for bench/oltp: prints the milliseconds of open + find (after the imports).
// `node --import tsx bench/oltp/cold-find.ts pf|sqlite <store folder | database file> <id>`
import { Entity, openStore, registerEntity } from '../../packages/runtime/src/entity/index.ts'
import { personIR } from './person-entity.ts'

const [kind, path, idText] = process.argv.slice(2)
const id = Number(idText)
if (!path || !Number.isSafeInteger(id)) throw new Error('usage: cold-find.ts pf|sqlite <path> <id>')

if (kind === 'pf') {
  class Person extends Entity {
    id!: number
  }
  // The table's own metadata holds the schema; the IR here only has to match it (bench/oltp/oltp-bench.ts).
  registerEntity(Person, personIR('Person', 'person', false))
  const t0 = performance.now()
  const found = await Person.repo(openStore(path)).find(id)
  const ms = performance.now() - t0
  if (!found) throw new Error(`no Person ${id}`)
  console.log(ms.toFixed(3))
} else if (kind === 'sqlite') {
  const { DatabaseSync } = await import('node:sqlite')
  const t0 = performance.now()
  const db = new DatabaseSync(path)
  const found = db.prepare('SELECT * FROM person WHERE id = ?').get(id)
  const ms = performance.now() - t0
  if (!found) throw new Error(`no person ${id}`)
  console.log(ms.toFixed(3))
} else {
  throw new Error(`unknown kind ${kind}`)
}
