// One `find(id)` in a fresh process, for bench/oltp: prints the milliseconds of open + find (after the imports).
// `node --import tsx bench/oltp/cold-find.ts pf|sqlite <store folder | database file> <id>`
import { Entity, openStore, registerEntity } from '../../packages/runtime/src/entity/index.ts'

const [kind, path, idText] = process.argv.slice(2)
const id = Number(idText)
if (!path || !Number.isSafeInteger(id)) throw new Error('usage: cold-find.ts pf|sqlite <path> <id>')

if (kind === 'pf') {
  class Person extends Entity {
    id!: number
  }
  // The table's own metadata holds the schema; the IR here only has to match it (bench/oltp/oltp-bench.ts).
  const field = (name: string, fid: number, type: 'Int' | 'Float' | 'String', extra = {}) => ({
    name,
    id: fid,
    column: name,
    type: { kind: 'scalar' as const, name: type },
    optional: false,
    isId: name === 'id',
    unique: false,
    index: false,
    ...extra,
  })
  registerEntity(Person, {
    name: 'Person',
    storage: 'person',
    format: 'parquet',
    primaryKey: ['id'],
    partitionBy: [],
    fields: [
      field('id', 1, 'Int'),
      field('name', 2, 'String', { index: true }),
      field('email', 3, 'String'),
      field('age', 4, 'Int'),
      field('score', 5, 'Float'),
    ],
    relations: [],
    indexes: [['name']],
    uniques: [],
  })
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
