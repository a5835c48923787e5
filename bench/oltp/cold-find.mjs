// One `find(id)` in a fresh process, for bench/oltp: prints the milliseconds of open + find (after the imports).
// Plain JavaScript on the built runtime (packages/runtime/dist, as users run it): run `npm run build` first.
// Neither side pays a TypeScript loader (tsx's cache cleanup ran inside the timed part and shared libuv's pool), and
// each imports only its own library (the process's wall time, which the bench reports too, includes it).
// `node bench/oltp/cold-find.mjs pf <store folder> <id> <Person IR as JSON>` | `... sqlite <database file> <id>`

const [kind, path, idText, irJson] = process.argv.slice(2)
const id = Number(idText)
if (!path || !Number.isSafeInteger(id))
  throw new Error('usage: cold-find.mjs pf|sqlite <path> <id> [IR JSON]')

if (kind === 'pf') {
  if (!irJson) throw new Error('cold-find.mjs pf needs the entity IR (bench/oltp/person-entity.mjs personIR)')
  const { Entity, openStore, registerEntity } = await import('@parquetframe/runtime')
  class Person extends Entity {}
  // The table's own metadata holds the schema; the IR here only has to match it (bench/oltp/oltp-bench.mjs).
  registerEntity(Person, JSON.parse(irJson))
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
