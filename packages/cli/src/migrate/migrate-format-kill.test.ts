import { readdir } from 'node:fs/promises'
import { parseSchema } from '@parquetframe/codegen'
import { ContentChecksum, createTable, openTable } from '@parquetframe/runtime'
import pl from 'nodejs-polars'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { collectOutput, exited, runPf, spawnPf } from '../testing/spawn-pf.js'
import { type TempProject, tempProject } from '../testing/temp-project.js'

const SCHEMA = `config { storage = "./data" }

entity Event @storage("events") {
  id    Int      @id
  name  String
  score Float
  at    DateTime
}
`
const FILES = 8
const ROWS_PER_FILE = 15_000

let project: TempProject
let expected: ContentChecksum

function events(from: number, n: number): pl.DataFrame {
  const ids = Array.from({ length: n }, (_, i) => from + i)
  return pl.DataFrame([
    pl.Series('id', ids, pl.Int64),
    pl.Series(
      'name',
      ids.map((i) => `event ${i}`),
      pl.Utf8,
    ),
    pl.Series(
      'score',
      ids.map((i) => i / 7),
      pl.Float64,
    ),
    pl
      .Series(
        'at',
        ids.map((i) => 1_700_000_000_000_000 + i * 1_000_003),
        pl.Int64,
      )
      .cast(pl.Datetime('us', 'UTC')),
  ])
}

async function tableState() {
  const table = await openTable(project.path('data/events'))
  const snapshot = await table.snapshot()
  const checksum = new ContentChecksum().add(await table.read())
  return { table, snapshot, checksum }
}

async function dataFiles(ext: string): Promise<string[]> {
  return (await readdir(project.path('data/events'))).filter((n) => n.endsWith(ext))
}

beforeAll(async () => {
  project = await tempProject({ 'schema.pfschema': SCHEMA })
  const entity = parseSchema(SCHEMA).ir?.entities[0]
  if (!entity) throw new Error('test schema does not parse')
  const table = await createTable(project.path('data/events'), { entity })
  for (let f = 0; f < FILES; f++) await table.append(events(f * ROWS_PER_FILE, ROWS_PER_FILE))
  expected = new ContentChecksum().add(await table.read())
})
afterAll(async () => {
  await project.dispose()
})

/**
 * Runs the real `pf migrate format` and SIGKILLs it once it has printed `lines` progress lines (one per
 * rewritten file: the first says 0 files done).
 */
async function killAfter(lines: number): Promise<void> {
  const child = spawnPf(['migrate', 'format', '--entity', 'Event', '--to', 'avro'], { cwd: project.dir })
  const output = collectOutput(child)
  child.stderr.on('data', () => {
    if (output.stderr.split('\n').length - 1 >= lines) child.kill('SIGKILL')
  })
  const code = await exited(child)
  expect(code, `pf exited on its own:\n${output.stdout}${output.stderr}`).toBe('SIGKILL')
  expect(output.stdout).toBe('')
}

describe('pf migrate format, killed mid-way', () => {
  it('leaves the table in the old format with every row, at every point; a re-run succeeds', async () => {
    const before = await tableState()
    expect(before.snapshot.numRows).toBe(FILES * ROWS_PER_FILE)
    for (const lines of [1, 3, 6]) {
      await killAfter(lines)
      const after = await tableState()
      expect(after.table.metadata.format, `killed after ${lines} progress lines`).toBe('parquet')
      expect(after.table.version).toBe(before.table.version)
      expect(after.snapshot.files.every((f) => f.add.path.endsWith('.parquet'))).toBe(true)
      expect(after.checksum.rows).toBe(FILES * ROWS_PER_FILE)
      expect(after.checksum.equals(expected)).toBe(true)
    }
    // The killed runs left rewritten files behind: orphans no version references.
    expect((await dataFiles('.avro')).length).toBeGreaterThanOrEqual(5)

    const rerun = await runPf(['migrate', 'format', '--entity', 'Event', '--to', 'avro'], {
      cwd: project.dir,
    })
    expect(rerun.code, rerun.stderr).toBe(0)
    expect(rerun.stdout).toMatch(
      /^Event \(data\/events\): parquet → avro, 120,000 rows in 8 files → 8 files, verified/,
    )
    const done = await tableState()
    expect(done.table.metadata.format).toBe('avro')
    expect(done.table.version).toBe(before.table.version + 1)
    expect(done.checksum.equals(expected)).toBe(true)
    const live = new Set(done.snapshot.files.map((f) => f.add.path))
    // No writer runs any more: the killed run's orphans may go at once (vacuum keeps them a day otherwise).
    const { deleted } = await done.table.vacuum({ retentionMs: 0, unreferencedMinAgeMs: 0 })
    expect(deleted.filter((p) => live.has(p))).toEqual([])
    expect((await dataFiles('.avro')).sort()).toEqual([...live].sort())
    expect(await dataFiles('.parquet')).toEqual([])
  })
})
