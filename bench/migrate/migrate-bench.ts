// Migration benchmark (issue 6): `pf migrate format` of a 1M-row table against reading and writing the same data
// with raw nodejs-polars, in the same run. Run: node --import tsx bench/migrate/migrate-bench.ts [--quick]
// Writes bench/migrate/results.md. Data goes to bench/.data/migrate (git-ignored).
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import pl from 'nodejs-polars'
import { parseSchema } from '../../packages/codegen/src/index.js'
import { avroSchemaForEntity } from '../../packages/runtime/src/format/avro-entity-schema.js'
import { getFormat } from '../../packages/runtime/src/format/format-registry.js'
import { ContentChecksum, createTable, openTable } from '../../packages/runtime/src/table/index.js'
import { fmtMs, writeResults } from '../lib/bench-util.mjs'
import { eventFrame } from '../lib/event-frame.js'

const quick = process.argv.includes('--quick')
const ROWS = quick ? 200_000 : 1_000_000
const FILES = 4
const ROOT = resolve('bench', '.data', 'migrate')
const TABLE = join(ROOT, 'data', 'events')
rmSync(ROOT, { recursive: true, force: true })
mkdirSync(ROOT, { recursive: true })

const SCHEMA = `config { storage = "./data" }

entity Event @storage("events") {
  id       Int      @id
  category String
  amount   Float
  qty      Int
  flag     Boolean
  at       DateTime
}
`
writeFileSync(join(ROOT, 'schema.pfschema'), SCHEMA)

/** `rows` events with ids from `start`, their time included. */
const frame = (rows: number, start: number): pl.DataFrame => eventFrame(rows, start, { at: true })

const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
const PF = ['--conditions=@parquetframe/source', '--import', tsx, resolve('packages/cli/bin/pf.js')]

/** Wall time of the real `pf` (sources through tsx, as the CLI's tests run it). */
function pf(...args: string[]): number {
  const t0 = performance.now()
  const r = spawnSync(process.execPath, [...PF, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, PARQUETFRAME_PROGRESS: '0' },
  })
  const ms = performance.now() - t0
  if (r.status !== 0) throw new Error(`pf ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`)
  if (args[0] === 'migrate') console.log(r.stdout.trim())
  return ms
}

function liveFiles(ext: string): string[] {
  return readdirSync(TABLE)
    .filter((n) => n.startsWith('part-') && n.endsWith(ext))
    .map((n) => join(TABLE, n))
}

function bytes(files: readonly string[]): number {
  return files.reduce((n, f) => n + statSync(f).size, 0)
}

/** Raw nodejs-polars: read every file of one format, write it in the other (same data, same file split). */
function rawPolars(from: 'parquet' | 'avro', dir: string): number {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const files = liveFiles(`.${from}`)
  const t0 = performance.now()
  for (const [i, f] of files.entries()) {
    // polars cannot write zoned timestamps to Avro: the column goes as its int64 microseconds.
    if (from === 'parquet')
      pl.readParquet(f)
        .withColumns(pl.col('at').cast(pl.Int64))
        .writeAvro(join(dir, `${i}.avro`))
    else pl.readAvro(f).writeParquet(join(dir, `${i}.parquet`), { compression: 'zstd' })
  }
  return performance.now() - t0
}

const load = loadavg()
  .map((l) => l.toFixed(1))
  .join(' / ')
const lines: string[] = []
const note = (s: string): void => {
  console.log(s)
  lines.push(s)
}

const entity = parseSchema(SCHEMA).ir?.entities[0]
if (!entity) throw new Error('bench schema does not parse')
const table = await createTable(TABLE, { entity })
for (let f = 0; f < FILES; f++) await table.append(frame(ROWS / FILES, (f * ROWS) / FILES))
const startup = pf('--version')

const vacuum = async () => {
  await (await openTable(TABLE)).vacuum({ retentionMs: 0 })
}
const parquetBytes = bytes(liveFiles('.parquet'))
const rawToAvro = rawPolars('parquet', join(ROOT, 'raw-avro'))
const toAvro = pf('migrate', 'format', '--entity', 'Event', '--to', 'avro')
await vacuum()
const avroBytes = bytes(liveFiles('.avro'))
// Raw polars reads our Avro files (its own would name the record "", which avsc refuses).
const rawToParquet = rawPolars('avro', join(ROOT, 'raw-parquet'))
const toParquet = pf('migrate', 'format', '--entity', 'Event', '--to', 'parquet')
await vacuum()
const inProcess = await (async () => {
  const t = await openTable(TABLE)
  const t0 = performance.now()
  await t.rewriteFormat('avro')
  const avro = performance.now() - t0
  const t1 = performance.now()
  await t.rewriteFormat('parquet')
  return { avro, parquet: performance.now() - t1 }
})()

// Where the time goes: the steps of a Parquet → Avro rewrite, timed alone on the same files.
const breakdown = await (async () => {
  const avro = getFormat('avro')
  const avroSchema = avroSchemaForEntity(entity, [])
  const dir = join(ROOT, 'steps')
  mkdirSync(dir, { recursive: true })
  const out = { readParquet: 0, checksum: 0, writeAvro: 0, readAvro: 0, polarsReadAvro: 0 }
  for (const [i, f] of liveFiles('.parquet').entries()) {
    let t = performance.now()
    const df = pl.readParquet(f)
    out.readParquet += performance.now() - t
    t = performance.now()
    new ContentChecksum().add(df)
    out.checksum += performance.now() - t
    const path = join(dir, `${i}.avro`)
    t = performance.now()
    await avro.write(df, path, { avroSchema })
    out.writeAvro += performance.now() - t
    t = performance.now()
    await avro.read(path)
    out.readAvro += performance.now() - t
    t = performance.now()
    pl.readAvro(path)
    out.polarsReadAvro += performance.now() - t
  }
  return out
})()

const rows = ROWS.toLocaleString('en-US')
note(
  `## pf migrate format, ${rows} rows in ${FILES} files (6 columns: int, string, float, int, bool, datetime)`,
)
note('')
note(
  `Parquet ${(parquetBytes / 2 ** 20).toFixed(1)} MiB, Avro ${(avroBytes / 2 ** 20).toFixed(1)} MiB. ` +
    `pf process start-up (\`pf --version\`, sources through tsx): ${fmtMs(startup)}.`,
)
note('')
note(`Load average when the run started (1/5/15 min): ${load}; other jobs share the machine, so times vary.`)
note('')
note(
  '| direction | `pf migrate format` (wall, incl. start-up) | `Table.rewriteFormat` in-process | raw nodejs-polars read + write | ratio pf / raw | ratio in-process / raw |',
)
note('| --- | --- | --- | --- | --- | --- |')
const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}×`
note(
  `| Parquet → Avro | ${fmtMs(toAvro)} | ${fmtMs(inProcess.avro)} | ${fmtMs(rawToAvro)} | ${ratio(toAvro, rawToAvro)} | ${ratio(inProcess.avro, rawToAvro)} |`,
)
note(
  `| Avro → Parquet | ${fmtMs(toParquet)} | ${fmtMs(inProcess.parquet)} | ${fmtMs(rawToParquet)} | ${ratio(toParquet, rawToParquet)} | ${ratio(inProcess.parquet, rawToParquet)} |`,
)
note('')
note(
  `Steps of Parquet → Avro, timed alone on the same files: read Parquet (polars) ${fmtMs(breakdown.readParquet)}, ` +
    `content checksum ${fmtMs(breakdown.checksum)} (done twice: old rows and read-back), ` +
    `write Avro (runtime's writer: column writers from typed arrays) ${fmtMs(breakdown.writeAvro)}, read Avro back (runtime's reader) ` +
    `${fmtMs(breakdown.readAvro)}; polars' native readAvro of the same files takes ${fmtMs(breakdown.polarsReadAvro)}.`,
)
note('')
note(
  'What the migration does beyond raw polars: it reads each ' +
    "file through the table schema (casts, deleted rows), writes Avro with our own writer (polars' own " +
    'writeAvro names its record "" — invalid Avro — so it is a lower bound, not an alternative), reads every ' +
    'new file back and hashes both sides (polars row hashes) to verify before the one commit, and fsyncs.',
)
writeResults(join('bench', 'migrate', 'results.md'), 'Migration benchmark', lines)
