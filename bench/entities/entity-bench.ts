// Entity benchmarks (issue 4): saveAll and findAll of 1M entities against raw nodejs-polars, findBy against
// DuckDB, include against a per-parent loop. `node --import tsx bench/entities/entity-bench.ts [rows]`.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pl from 'nodejs-polars'
import { setConfig } from '../../packages/runtime/src/config/index.ts'
import { defaultStore, Entity, openStore, registerEntity } from '../../packages/runtime/src/entity/index.ts'
import type { EntityIR, FieldIR, FieldType } from '../../packages/runtime/src/schema/schema-ir.ts'
import { fmtMs, writeResults } from '../lib/bench-util.mjs'

const ROWS = Number(process.argv[2] ?? 1_000_000)
const dir = mkdtempSync(join(tmpdir(), 'pf-entity-bench-'))

function field(name: string, id: number, type: FieldType, optional = false): FieldIR {
  return { name, id, column: name, type, optional, isId: name === 'id', unique: false, index: false }
}
const scalar = (name: 'Int' | 'BigInt' | 'Float' | 'String' | 'Boolean' | 'DateTime'): FieldType => ({
  kind: 'scalar',
  name,
})
function ir(name: string, fields: FieldIR[], relations: EntityIR['relations'] = []): EntityIR {
  return {
    name,
    storage: name.toLowerCase(),
    format: 'parquet',
    primaryKey: ['id'],
    partitionBy: [],
    fields,
    relations,
    indexes: [],
    uniques: [],
  }
}

class Row extends Entity {
  id!: number
  name!: string
  score!: number
  active!: boolean
  createdAt!: Date
  big!: bigint
}
registerEntity(
  Row,
  ir('Row', [
    field('id', 1, scalar('Int')),
    field('name', 2, scalar('String')),
    field('score', 3, scalar('Float')),
    field('active', 4, scalar('Boolean')),
    field('createdAt', 5, scalar('DateTime')),
    field('big', 6, scalar('BigInt')),
  ]),
)

function rows(n: number): Row[] {
  const out = new Array<Row>(n)
  const base = Date.UTC(2024, 0, 1)
  for (let i = 0; i < n; i++) {
    out[i] = Object.assign(new Row(), {
      id: i,
      name: `name-${i % 5000}`,
      score: (i % 1000) / 7,
      active: i % 3 === 0,
      createdAt: new Date(base + i * 1000),
      big: BigInt(i) * 1_000_003n,
    })
  }
  return out
}

async function time<T>(fn: () => Promise<T> | T): Promise<[number, T]> {
  const t0 = performance.now()
  const out = await fn()
  return [performance.now() - t0, out]
}

/** What a user would write with raw nodejs-polars: columns with dtypes from the objects, then writeParquet. */
function rawPolarsWrite(data: readonly Row[], path: string): void {
  const col = <K extends keyof Row>(k: K) => data.map((r) => r[k])
  const df = pl.DataFrame([
    pl.Series('id', col('id'), pl.Int64),
    pl.Series('name', col('name'), pl.Utf8),
    pl.Series('score', col('score'), pl.Float64),
    pl.Series('active', col('active'), pl.Bool),
    pl.Series('createdAt', col('createdAt'), pl.Datetime('us', 'UTC')),
    pl.Series('big', BigInt64Array.from(col('big')) as unknown as number[]),
  ])
  df.writeParquet(path, { compression: 'zstd' })
}

/** Median of `runs` timings. */
async function median(runs: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < runs; i++) times.push((await time(fn))[0])
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)] as number
}

async function main(): Promise<void> {
  const lines: string[] = []
  // The statics (`Row.saveAll`, `Row.findAll`, …) use the default store: config entityBasePath.
  {
    const data = rows(ROWS)
    // Two alternating rounds, each saveAll into an empty table of a fresh default store; best of 2 each.
    const raw: number[] = []
    const ours: number[] = []
    for (let round = 0; round < 2; round++) {
      raw.push((await time(() => rawPolarsWrite(data, join(dir, `raw-${round}.parquet`))))[0])
      setConfig({ entityBasePath: join(dir, `default-${round}`) })
      ours.push((await time(() => Row.saveAll(data)))[0])
    }
    // A store other than the default one binds each instance to it (a non-enumerable property per entity).
    const other = Row.repo(openStore(join(dir, 'other')))
    const [saveAllOther] = await time(() => other.saveAll(data))
    const best = Math.min(...raw)
    const saveAll = Math.min(...ours)
    lines.push('## saveAll vs raw nodejs-polars (same objects → frame → Parquet)', '')
    lines.push(
      '| rows | raw polars (best of 2) | Row.saveAll (best of 2) | ratio | repo of openStore(dir) (1 run) | ratio |',
      '| --- | --- | --- | --- | --- | --- |',
    )
    lines.push(
      `| ${ROWS.toLocaleString('en')} | ${fmtMs(best)} | ${fmtMs(saveAll)} | ${(saveAll / best).toFixed(2)}x | ${fmtMs(saveAllOther)} | ${(saveAllOther / best).toFixed(2)}x |`,
      '',
    )
  }
  const store = defaultStore()
  const repo = Row.repo(store)

  // The objects written above are garbage now; the reads alternate (same machine load), medians of 5: both sides
  // are bound by V8's young-generation copying of a million surviving objects, which varies ±30% run to run here.
  const table = await repo.table()
  const files = readdirSync(table.path).filter((f) => f.endsWith('.parquet'))
  const file = join(table.path, files[0] as string)
  const count = (await repo.findAll()).length
  if (count !== ROWS) throw new Error(`findAll returned ${count}`)
  const recordTimes: number[] = []
  const findAllTimes: number[] = []
  for (let i = 0; i < 5; i++) {
    recordTimes.push((await time(() => pl.readParquet(file).toRecords()))[0])
    findAllTimes.push((await time(() => Row.findAll()))[0])
  }
  const pairs = recordTimes.map((r, i) => `${(r / (findAllTimes[i] as number)).toFixed(2)}x`).join(', ')
  const runs = `toRecords ${recordTimes.map((t) => fmtMs(t)).join(', ')}; findAll ${findAllTimes.map((t) => fmtMs(t)).join(', ')}`
  const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
  const toRecords = mid(recordTimes)
  const findAll = mid(findAllTimes)
  lines.push('## findAll vs polars toRecords (same file, alternating, median of 5)', '')
  lines.push('| rows | polars toRecords | findAll | speed-up |', '| --- | --- | --- | --- |')
  lines.push(
    `| ${ROWS.toLocaleString('en')} | ${fmtMs(toRecords)} | ${fmtMs(findAll)} | ${(toRecords / findAll).toFixed(2)}x |`,
    '',
    `Each run: ${runs}. Speed-up of each alternating pair: ${pairs}.`,
    '',
  )

  const hits = await Row.findBy({ name: 'name-42' })
  let findBy = Number.NaN
  let duck = Number.NaN
  try {
    const { DuckDBInstance } = await import('@duckdb/node-api')
    const db = await DuckDBInstance.create(':memory:')
    const conn = await db.connect()
    const glob = join(table.path, '*.parquet')
    const query = async () =>
      (
        await conn.runAndReadAll(`SELECT * FROM read_parquet('${glob}') WHERE name = 'name-42'`)
      ).getRowObjects()
    await query()
    // Alternating runs, so both see the same machine load; medians of 7.
    const ours: number[] = []
    const theirs: number[] = []
    for (let i = 0; i < 7; i++) {
      ours.push((await time(() => Row.findBy({ name: 'name-42' })))[0])
      theirs.push((await time(query))[0])
    }
    findBy = mid(ours)
    duck = mid(theirs)
  } catch (error) {
    lines.push(`(DuckDB unavailable: ${(error as Error).message})`)
    findBy = await median(3, () => Row.findBy({ name: 'name-42' }))
  }
  lines.push('## findBy on a non-key field vs DuckDB (both warm, alternating, median of 7)', '')
  lines.push('| rows | matches | DuckDB | findBy | ratio |', '| --- | --- | --- | --- | --- |')
  lines.push(
    `| ${ROWS.toLocaleString('en')} | ${hits.length} | ${fmtMs(duck)} | ${fmtMs(findBy)} | ${(findBy / duck).toFixed(2)}x |`,
    '',
  )

  class Parent extends Entity {
    id!: number
    declare children: (q?: object) => Promise<Child[]>
  }
  class Child extends Entity {
    id!: number
    parentId!: number
  }
  registerEntity(
    Parent,
    ir(
      'Parent',
      [field('id', 1, scalar('Int'))],
      [{ name: 'children', target: 'Child', kind: 'many', foreignKey: 'parentId', references: '' }],
    ),
  )
  registerEntity(Child, ir('Child', [field('id', 1, scalar('Int')), field('parentId', 2, scalar('Int'))]))
  const parents = 10_000
  await Parent.repo(store).saveAll(Array.from({ length: parents }, (_, i) => ({ id: i })))
  await Child.repo(store).saveAll(
    Array.from({ length: parents * 3 }, (_, i) => ({ id: i, parentId: i % parents })),
  )
  const scans0 = store.stats.scans
  const [include] = await time(() => Parent.repo(store).findMany({ include: { children: true } } as never))
  const includeScans = store.stats.scans - scans0 - 1
  const sample = 200
  const loaded = (await Parent.repo(store).findMany({ limit: sample })) as Parent[]
  const [naive] = await time(async () => {
    for (const p of loaded) await p.children()
  })
  const naiveAll = (naive / sample) * parents
  lines.push('## include of one relation for 10,000 parents vs a per-parent loop', '')
  lines.push(
    '| parents | scans for the relation | include | per-parent loop (extrapolated from 200) | speed-up |',
    '| --- | --- | --- | --- | --- |',
  )
  lines.push(
    `| ${parents.toLocaleString('en')} | ${includeScans} | ${fmtMs(include)} | ${fmtMs(naiveAll)} | ${(naiveAll / include).toFixed(0)}x |`,
    '',
  )

  writeResults(new URL('./results.md', import.meta.url).pathname, 'Entity benchmark', lines)
  console.log(lines.join('\n'))
}

main()
  .catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
  .finally(() => rmSync(dir, { recursive: true, force: true }))
